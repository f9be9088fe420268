import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Result, Sandbox, snapshot } from './support/sandbox.js';
import { chownTree, ordinaryUser } from './support/user.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

/** A clear one-line error, a non-zero exit, and nothing changed under HOME. */
async function expectRefusal(run: () => Promise<Result>, message: RegExp, code?: number): Promise<Result> {
  const before = snapshot(sandbox.home);
  const result = await run();
  expect(result.code, result.stderr).not.toBe(0);
  if (code !== undefined) expect(result.code).toBe(code);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^claude-session: /);
  expect(lines[0]).toMatch(message);
  expect(result.stdout).toBe('');
  expect(snapshot(sandbox.home)).toBe(before);
  expect(sandbox.records()).toHaveLength(0);
  return result;
}

describe('bad input', () => {
  it('refuses unknown, hostile and ambiguous session references', async () => {
    await expectRefusal(
      () => sandbox.run(['resume', 'nosuch']),
      /no session "nosuch": see `claude-session list`/,
    );
    for (const hostile of ['../../etc', 'a/b', '.', '..', '-rf', 'x'.repeat(65), 'bad\nname', '']) {
      await expectRefusal(
        () => sandbox.run(['resume', hostile]),
        /invalid session id or name|no session|unknown option/,
      );
    }
  });

  it('says which sessions an ambiguous prefix matches; under 4 characters a prefix finds none', async () => {
    await sandbox.run(['--', '-p', 'x']);
    await sandbox.run(['--', '-p', 'x']);
    const [a, b] = sandbox.sessionIds() as [string, string];
    // Give the second an id that starts as the first's does (ids are random: two rarely share 4 digits).
    const twin = `${a.slice(0, 4)}${b.slice(4)}`;
    const record = sandbox.sessionRecord(b);
    renameSync(join(sandbox.root, 'sessions', b), join(sandbox.root, 'sessions', twin));
    writeFileSync(
      join(sandbox.root, 'sessions', twin, 'session.json'),
      JSON.stringify({ ...record, id: twin }),
    );
    rmSync(join(sandbox.root, 'live'), { recursive: true, force: true });
    rmSync(sandbox.log, { recursive: true });
    mkdirSync(sandbox.log);
    await expectRefusal(
      () => sandbox.run(['resume', a.slice(0, 4)]),
      /matches 2 sessions \(.*\): give more of the id or the name/,
    );
    await expectRefusal(() => sandbox.run(['resume', a.slice(0, 3)]), /no session "[0-9a-f]{3}"/);
  });

  it('refuses a duplicate or invalid name', async () => {
    await sandbox.run(['--name', 'taken', '--', '-p', 'x']);
    rmSync(sandbox.log, { recursive: true });
    mkdirSync(sandbox.log);
    await expectRefusal(
      () => sandbox.run(['--name', 'taken']),
      /a session named "taken" exists .*resume it with/,
    );
    for (const name of ['a/b', '../x', '.hidden', '-x', 'has space', 'é']) {
      await expectRefusal(
        () => sandbox.run(['--name', name]),
        /invalid session name|unknown option|unknown command/,
      );
    }
  });

  it('refuses to resume a session whose record is corrupt, and list still works', async () => {
    await sandbox.run(['--name', 'torn', '--', '-p', 'x']);
    rmSync(sandbox.log, { recursive: true });
    mkdirSync(sandbox.log);
    const [id] = sandbox.sessionIds() as [string];
    writeFileSync(join(sandbox.root, 'sessions', id, 'session.json'), '{"schema":1,"id":"nope"}');
    await expectRefusal(() => sandbox.run(['resume', id]), /is broken \(session.json: .*\): inspect/);
    const list = await sandbox.run(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('broken');
  });

  it('refuses a missing Claude binary with how to install it', async () => {
    const empty = join(sandbox.dir, 'empty-bin');
    mkdirSync(empty);
    await expectRefusal(
      () => sandbox.run(['--', '-p', 'x'], { env: { PATH: `${empty}:/usr/bin:/bin` } }),
      /Claude Code \(`claude`\) not found on PATH: install it with `npm install -g @anthropic-ai\/claude-code`/,
      127,
    );
    await expectRefusal(
      () => sandbox.run(['--', '-p', 'x'], { env: { CLAUDE_SESSION_CLAUDE: join(sandbox.dir, 'nope') } }),
      /CLAUDE_SESSION_CLAUDE=.* is not an executable file/,
      127,
    );
  });

  it('refuses a missing base, a missing or misplaced root, and a corrupt config file', async () => {
    await expectRefusal(
      () => sandbox.run(['--'], { env: { CLAUDE_CONFIG_DIR: join(sandbox.dir, 'no-such-base') } }),
      /base Claude config dir .*no-such-base does not exist: set CLAUDE_CONFIG_DIR/,
    );
    await expectRefusal(
      () => sandbox.run(['--'], { env: { CLAUDE_SESSION_ROOT: join(sandbox.dir, 'no-root') } }),
      /session root .*no-root does not exist: create it with `mkdir -m 700/,
    );
    await expectRefusal(
      () => sandbox.run(['--'], { env: { CLAUDE_SESSION_ROOT: join(sandbox.home, '.claude', 'sessions') } }),
      /inside ~\/.claude, a Claude config dir/,
    );
    mkdirSync(join(sandbox.home, '.config', 'claude-sessions'), { recursive: true });
    writeFileSync(
      join(sandbox.home, '.config', 'claude-sessions', 'config.json'),
      '{"protectShared": "maybe"}',
    );
    await expectRefusal(
      () => sandbox.run(['list']),
      /config file .*config.json: "protectShared": .*allowed keys/,
    );
    writeFileSync(join(sandbox.home, '.config', 'claude-sessions', 'config.json'), '{ nope');
    await expectRefusal(() => sandbox.run(['--']), /config file .* is not valid JSON/);
  });

  it('refuses a root anywhere inside a Claude config dir, even through a link, and a relative root', async () => {
    const before = readdirSync(sandbox.base).sort();
    const linked = join(sandbox.dir, 'looks-elsewhere');
    symlinkSync(sandbox.base, linked);
    const otherBase = join(sandbox.dir, 'other-base');
    mkdirSync(otherBase);
    for (const [root, env] of [
      [sandbox.base, {}],
      [join(sandbox.base, 'mine'), {}],
      [join(linked, 'mine'), {}],
      [join(otherBase, 'x'), { CLAUDE_CONFIG_DIR: otherBase }],
    ] as const) {
      const result = await sandbox.run(['--', '-p', 'x'], { env: { CLAUDE_SESSION_ROOT: root, ...env } });
      expect(result.code, root).toBe(1);
      expect(result.stderr.trim()).toMatch(
        /^claude-session: session root .* is inside .*, a Claude config dir/,
      );
    }
    // Nothing was made there (Claude Code keeps its own files in ~/.claude/sessions).
    expect(readdirSync(sandbox.base).sort()).toEqual(before);
    expect(readdirSync(otherBase)).toEqual([]);

    const relative = await sandbox.run(['list'], { env: { CLAUDE_SESSION_ROOT: 'sessions-here' } });
    expect(relative.code).toBe(2);
    expect(relative.stderr).toBe(
      'claude-session: CLAUDE_SESSION_ROOT is "sessions-here", a relative path: give an absolute one or one starting with ~/\n',
    );
    mkdirSync(join(sandbox.home, '.config', 'claude-sessions'), { recursive: true });
    writeFileSync(join(sandbox.home, '.config', 'claude-sessions', 'config.json'), '{"root": "./mine"}');
    const fromConfig = await sandbox.run(['--', '-p', 'x']);
    expect(fromConfig.code).toBe(2);
    expect(fromConfig.stderr).toMatch(/"root" in .*config.json is "\.\/mine", a relative path/);
    expect(existsSync(join(sandbox.dir, 'mine'))).toBe(false);
  });

  it('moves the base when missing HOME/.claude, with a hint', async () => {
    rmSync(sandbox.base, { recursive: true });
    await expectRefusal(
      () => sandbox.run(['--']),
      /base Claude config dir .*\.claude does not exist: create it with `mkdir -m 700/,
    );
  });

  it('takes a mistyped command for a mistake, not for a prompt', async () => {
    await expectRefusal(
      () => sandbox.run(['lsit']),
      /unknown command "lsit" \(commands: new, list, ls, resume/,
      2,
    );
  });

  it('refuses an unwritable root (as an ordinary user: root ignores permissions)', async () => {
    const user = ordinaryUser();
    if (!user) throw new Error('no ordinary user to run as');
    const root = join(sandbox.dir, 'locked-root');
    mkdirSync(root);
    chownTree(sandbox.dir, user);
    chmodSync(root, 0o555);
    await expectRefusal(
      () => sandbox.run(['--'], { env: { CLAUDE_SESSION_ROOT: root }, asUser: user }),
      /session root .*locked-root is not writable \(EACCES\)/,
    );
  });

  it('refuses to list an unreadable root (as an ordinary user)', async () => {
    const user = ordinaryUser();
    if (!user) throw new Error('no ordinary user to run as');
    const root = join(sandbox.dir, 'closed-root');
    mkdirSync(join(root, 'sessions'), { recursive: true });
    chownTree(sandbox.dir, user);
    chmodSync(join(root, 'sessions'), 0o000);
    await expectRefusal(
      () => sandbox.run(['list'], { env: { CLAUDE_SESSION_ROOT: root }, asUser: user }),
      /cannot read the session root .*closed-root\/sessions \(EACCES\)/,
    );
  });

  it('refuses to start in a directory that was removed', async () => {
    const gone = join(sandbox.dir, 'gone');
    mkdirSync(gone);
    const { runCommand, CLI } = await import('./support/sandbox.js');
    const before = snapshot(sandbox.home);
    const result = await runCommand(
      'sh',
      ['-c', `cd "${gone}" && rmdir "${gone}" && exec "${CLI}" -- -p x`],
      {
        env: sandbox.env(),
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'claude-session: the current directory no longer exists: cd somewhere else first',
    );
    expect(snapshot(sandbox.home)).toBe(before);
  });
});

describe('resume arguments', () => {
  it('takes options before or after the session, and Claude arguments only after --', async () => {
    const local = new Sandbox();
    try {
      await local.run(['--name', 'r', '--', '-p', 'x']);
      expect((await local.run(['resume', 'r', '--force', '--', '-c'])).code).toBe(0);
      expect(local.records().at(-1)?.argv.slice(2)).toEqual(['-c']);
      const stray = await local.run(['resume', 'r', 'hello']);
      expect(stray.code).toBe(2);
      expect(stray.stderr.trim()).toBe(
        'claude-session: unexpected "hello": arguments for Claude go after --',
      );
    } finally {
      local.cleanup();
    }
  });
});
