import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from './support/sandbox.js';
import { chownTree, ordinaryUser, type TestUser } from './support/user.js';

// Permission bits mean nothing to root: these tests run the CLI (and so the fake Claude) as an ordinary user.
let sandbox: Sandbox;
let user: TestUser;
beforeEach(() => {
  sandbox = new Sandbox();
  const found = ordinaryUser();
  if (!found) throw new Error('no ordinary user to run as');
  user = found;
  chownTree(sandbox.dir, user);
});
afterEach(() => sandbox.cleanup());

const skill = () => join(sandbox.base, 'skills', 'hello-skill', 'SKILL.md');

describe('shared skills, agents and commands', () => {
  it('cannot be deleted or changed by a session under the default policy', async () => {
    const original = readFileSync(skill(), 'utf8');
    const result = await sandbox.run(['--', '-p', 'x'], {
      asUser: user,
      env: { FAKE_CLAUDE_DELETE: 'skills/hello-skill', FAKE_CLAUDE_WRITE: 'commands/hello.md' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('protected shared');
    const [record] = sandbox.records();
    expect(record?.tries).toEqual({ delete: 'EACCES', write: 'EACCES' });
    expect(readFileSync(skill(), 'utf8')).toBe(original);
    expect(readFileSync(join(sandbox.base, 'commands', 'hello.md'), 'utf8')).toBe(
      'Say hello to $ARGUMENTS\n',
    );
    // The session still reads them through its links.
    expect(record?.sees?.skills).toEqual(['hello-skill']);
  });

  it('can be edited after `shared unlock`, and are protected again by `shared lock`', async () => {
    await sandbox.run(['--', '-p', 'x'], { asUser: user });
    const status = JSON.parse((await sandbox.run(['shared', 'status', '--json'], { asUser: user })).stdout);
    expect(status).toMatchObject({ policy: 'readonly', protected: true, writable: [] });

    expect((await sandbox.run(['shared', 'unlock'], { asUser: user })).code).toBe(0);
    expect(statSync(skill()).mode & 0o200).toBe(0o200);
    const unlocked = await sandbox.run(['--', '-p', 'x'], {
      asUser: user,
      env: { FAKE_CLAUDE_WRITE: 'skills/hello-skill/SKILL.md' },
    });
    expect(unlocked.stderr).toContain('are unlocked: sessions can change them');
    expect(readFileSync(skill(), 'utf8')).toBe('changed by a session\n');

    expect((await sandbox.run(['shared', 'lock'], { asUser: user })).code).toBe(0);
    expect(statSync(skill()).mode & 0o222).toBe(0);
    expect(statSync(join(sandbox.base, 'skills')).mode & 0o222).toBe(0);
  });

  it('appear in every session when the user adds them to the base later', async () => {
    await sandbox.run(['--', '-p', 'x'], { asUser: user });
    await sandbox.run(['shared', 'unlock'], { asUser: user });
    mkdirSync(join(sandbox.base, 'skills', 'later-skill'));
    writeFileSync(join(sandbox.base, 'skills', 'later-skill', 'SKILL.md'), '---\nname: later-skill\n---\n');
    mkdirSync(join(sandbox.base, 'rules'));
    writeFileSync(join(sandbox.base, 'rules', 'style.md'), 'Be terse.\n');
    const [id] = sandbox.sessionIds() as [string];
    const config = join(sandbox.root, 'sessions', id, 'config');
    // The earlier session sees both through its links, without being started again.
    expect(existsSync(join(config, 'skills', 'later-skill', 'SKILL.md'))).toBe(true);
    expect(readFileSync(join(config, 'rules', 'style.md'), 'utf8')).toBe('Be terse.\n');
  });

  it('stay writable under protectShared "off", and nothing is chmod-ed', async () => {
    mkdirSync(join(sandbox.home, '.config', 'claude-sessions'), { recursive: true });
    writeFileSync(
      join(sandbox.home, '.config', 'claude-sessions', 'config.json'),
      '{"protectShared": "off"}',
    );
    chownTree(sandbox.home, user);
    const result = await sandbox.run(['--', '-p', 'x'], {
      asUser: user,
      env: { FAKE_CLAUDE_DELETE: 'skills/hello-skill' },
    });
    expect(result.code).toBe(0);
    expect(sandbox.records()[0]?.tries).toEqual({ delete: 'ok' });
    expect(existsSync(join(sandbox.base, 'skills', 'hello-skill'))).toBe(false);
  });

  it('never follows a link inside the shared trees when protecting', async () => {
    const outside = join(sandbox.dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'file.md'), 'mine\n');
    const { symlinkSync } = await import('node:fs');
    symlinkSync(outside, join(sandbox.base, 'skills', 'linked'));
    chownTree(sandbox.dir, user);
    await sandbox.run(['--', '-p', 'x'], { asUser: user });
    expect(statSync(outside).mode & 0o200).toBe(0o200);
    expect(statSync(join(outside, 'file.md')).mode & 0o200).toBe(0o200);
    expect(lstatSync(join(sandbox.base, 'skills', 'linked')).isSymbolicLink()).toBe(true);
  });

  it('leaves alone a shared tree owned by someone else, which a session cannot write anyway', async () => {
    const { chownSync } = await import('node:fs');
    chownSync(join(sandbox.base, 'skills'), 0, 0);
    chownSync(join(sandbox.base, 'skills', 'hello-skill'), 0, 0);
    chownSync(skill(), 0, 0);
    const result = await sandbox.run(['--', '-p', 'x'], {
      asUser: user,
      env: { FAKE_CLAUDE_DELETE: 'skills/hello-skill' },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('could not protect');
    expect(statSync(skill()).mode & 0o777).toBe(0o644);
    expect(sandbox.records()[0]?.tries).toEqual({ delete: 'EACCES' });
  });
});
