import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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
const modeOf = (path: string) => (lstatSync(path).mode & 0o7777).toString(8);
const isRoot = process.getuid?.() === 0;

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

  it.skipIf(!isRoot)(
    'leaves alone a link another user can redirect (here at your ~/.ssh), and start, shared and doctor say why',
    async () => {
      const other = ordinaryUser('cs-attacker') as TestUser;
      const theirs = join(sandbox.dir, 'theirs');
      mkdirSync(theirs);
      // Their "team agents", pointed at the victim's ~/.ssh.
      const ssh = join(sandbox.home, '.ssh');
      mkdirSync(ssh);
      writeFileSync(join(ssh, 'authorized_keys'), 'ssh-ed25519 AAAA victim@host\n');
      symlinkSync(ssh, join(theirs, 'agents'));
      rmSync(join(sandbox.base, 'agents'), { recursive: true });
      symlinkSync(join(theirs, 'agents'), join(sandbox.base, 'agents'));
      chownTree(sandbox.dir, user);
      chmodSync(ssh, 0o700);
      chmodSync(join(ssh, 'authorized_keys'), 0o600);
      chownTree(theirs, other);
      const line = `not protected: shared agents leads through ${theirs}, which belongs to another user (uid ${other.uid})`;

      const start = await sandbox.run(['--', '-p', 'x'], { asUser: user });
      expect(start.code, start.stderr).toBe(0);
      expect(modeOf(ssh)).toBe('700');
      expect(modeOf(join(ssh, 'authorized_keys'))).toBe('600');
      expect(start.stderr).toContain(line);
      expect(start.stderr).toContain('protected shared skills');
      expect(statSync(skill()).mode & 0o222).toBe(0);

      const lock = await sandbox.run(['shared', 'lock'], { asUser: user });
      expect(lock.code).toBe(1);
      expect(lock.stderr).toContain(line);
      expect(modeOf(join(ssh, 'authorized_keys'))).toBe('600');

      const status = await sandbox.run(['shared', 'status', '--json'], { asUser: user });
      expect(JSON.parse(status.stdout)).toMatchObject({
        root: false,
        protected: false,
        writable: [],
        refused: [{ name: 'agents', reason: expect.stringContaining(`leads through ${theirs}`) }],
      });
      expect((await sandbox.run(['shared'], { asUser: user })).stdout).toContain(line);

      const doctor = await sandbox.run(['doctor', '--json'], { asUser: user });
      const findings = (JSON.parse(doctor.stdout) as { findings: Record<string, string>[] }).findings;
      expect(findings.filter((finding) => finding.check === 'protection')).toEqual([
        {
          check: 'protection',
          status: 'warn',
          message: expect.stringContaining(line.replace('not protected: ', '')),
          fix: expect.stringContaining(`make ${theirs} (and every directory on the way) yours or root's`),
        },
      ]);
    },
  );

  it('protects through a link into your own dotfiles, group-writable only by your private group', async () => {
    const dotfiles = join(sandbox.home, 'dotfiles');
    mkdirSync(join(dotfiles, 'agents'), { recursive: true });
    writeFileSync(join(dotfiles, 'agents', 'mine.md'), '---\nname: mine\n---\n');
    rmSync(join(sandbox.base, 'agents'), { recursive: true });
    symlinkSync(join(dotfiles, 'agents'), join(sandbox.base, 'agents'));
    chownTree(sandbox.dir, user);
    // umask 002, as user-private-group systems give: the group is the user's own (cs-test, no members).
    chmodSync(dotfiles, 0o775);
    chmodSync(join(dotfiles, 'agents'), 0o775);
    const start = await sandbox.run(['--', '-p', 'x'], { asUser: user });
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).not.toContain('not protected');
    expect(modeOf(join(dotfiles, 'agents', 'mine.md'))).toBe('444');
    expect(modeOf(join(dotfiles, 'agents'))).toBe('555');
  });

  it('never protects through a link to your own HOME', async () => {
    rmSync(join(sandbox.base, 'commands'), { recursive: true });
    symlinkSync(sandbox.home, join(sandbox.base, 'commands'));
    writeFileSync(join(sandbox.home, '.bashrc'), 'alias ll="ls -l"\n');
    chownTree(sandbox.dir, user);
    const start = await sandbox.run(['--', '-p', 'x'], { asUser: user });
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toContain(
      `not protected: shared commands leads to ${sandbox.home}, which holds your home, base config or session root`,
    );
    expect(modeOf(sandbox.home)).toBe('755');
    expect(modeOf(join(sandbox.home, '.bashrc'))).toBe('644');
  });

  it('leaves alone a shared file with another hard link, which may be a file outside the trees', async () => {
    const outside = join(sandbox.home, 'notes.md');
    writeFileSync(outside, 'my notes\n');
    linkSync(outside, join(sandbox.base, 'skills', 'hello-skill', 'notes.md'));
    chownTree(sandbox.dir, user);
    const start = await sandbox.run(['--', '-p', 'x'], { asUser: user });
    expect(start.code, start.stderr).toBe(0);
    expect(modeOf(outside)).toBe('644');
    expect(start.stderr).toContain('could not protect 1 shared path(s)');
    expect(start.stderr).toContain('it has other hard links');
    expect(statSync(skill()).mode & 0o222).toBe(0);
  });

  it.skipIf(!isRoot)('as root, says that read-only files protect nothing and changes no mode', async () => {
    const result = await sandbox.run(['--', '-p', 'x']);
    expect(result.code, result.stderr).toBe(0);
    expect(modeOf(skill())).toBe('644');
    expect(modeOf(join(sandbox.base, 'skills'))).toBe('755');
    expect(result.stderr).toContain(
      'running as root, which ignores permission bits: the shared tools are not protected from sessions',
    );
    const status = await sandbox.run(['shared', 'status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ root: true, protected: false });
    expect((await sandbox.run(['shared'])).stdout).toContain(
      'running as root, which ignores permission bits',
    );
  });
});
