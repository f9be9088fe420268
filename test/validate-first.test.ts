import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from './support/sandbox.js';
import { ordinaryUser } from './support/user.js';

// What stops a start is found before a session is created (issue 10, items 3, 9 and 15): a refused
// start leaves no session dir, no name, no tmux server and no audit entry behind.
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  await sandbox.killSessions();
  sandbox.cleanup();
});

const interactive = { FAKE_CLAUDE_INTERACTIVE: '1' };

function expectNothingStarted(): void {
  expect(sandbox.sessionIds()).toEqual([]);
  const sessions = join(sandbox.root, 'sessions');
  expect(existsSync(sessions) ? readdirSync(sessions) : []).toEqual([]);
  expect(sandbox.records()).toEqual([]);
}

function writeConfig(config: object): void {
  mkdirSync(join(sandbox.home, '.config', 'claude-sessions'), { recursive: true });
  writeFileSync(join(sandbox.home, '.config', 'claude-sessions', 'config.json'), JSON.stringify(config));
}

/** A systemd-run stand-in that records its arguments and runs the command after `--`, as --scope does. */
function fakeSystemdRun(): string {
  const calls = join(sandbox.dir, 'systemd-run.calls');
  writeFileSync(
    join(sandbox.bin, 'systemd-run'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${calls}'\nwhile [ "$1" != -- ]; do shift; done\nshift\nexec "$@"\n`,
  );
  chmodSync(join(sandbox.bin, 'systemd-run'), 0o755);
  return calls;
}

/** A runtime dir where a user manager answers: its `systemd/private` is a listening socket. */
async function userManager(runtime: string): Promise<Server> {
  mkdirSync(join(runtime, 'systemd'), { recursive: true, mode: 0o700 });
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(join(runtime, 'systemd', 'private'), resolve));
  return server;
}

describe('a start is refused before anything is written', () => {
  it('for a memory cap that is not a size, or that this host cannot set', async () => {
    const bad = await sandbox.run(['--memory-max', 'lots', '--', '-p', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('claude-session: --memory-max "lots": give a size like 600M or 2G, or none\n');
    expectNothingStarted();

    // systemd-run is there, but no user manager answers ("Failed to connect to bus").
    const calls = fakeSystemdRun();
    const runtime = join(sandbox.dir, 'runtime');
    mkdirSync(runtime, { mode: 0o700 });
    const noBus = await sandbox.run(['--memory-max', '600M', '--', '-p', 'x'], {
      env: { XDG_RUNTIME_DIR: runtime },
    });
    expect(noBus.code).toBe(1);
    expect(noBus.stderr).toBe(
      `claude-session: a memory cap needs systemd user scopes, not available here: no systemd user manager answers (no ${runtime}/systemd/private); start without --memory-max (see \`claude-session doctor\`)\n`,
    );
    expectNothingStarted();
    expect(existsSync(calls)).toBe(false);

    // Where one answers, the same start runs capped.
    const server = await userManager(runtime);
    try {
      const capped = await sandbox.run(['--memory-max', '600M', '--', '-p', 'x'], {
        env: { XDG_RUNTIME_DIR: runtime },
      });
      expect(capped.code, capped.stderr).toBe(0);
      expect(readFileSync(calls, 'utf8')).toMatch(/^--user --scope --quiet --collect -p MemoryMax=600M -- /);
    } finally {
      server.close();
    }
  });

  it('for a configured memory cap with no user manager: refused, or started uncapped with a warning', async () => {
    const calls = fakeSystemdRun();
    const runtime = join(sandbox.dir, 'runtime');
    mkdirSync(runtime, { mode: 0o700 });
    const env = { XDG_RUNTIME_DIR: runtime };
    writeConfig({ limits: { memoryMax: '600M' } });
    const refused = await sandbox.run(['--', '-p', 'x'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(
      '"limits.memoryMax" is 600M, but memory caps are not available here: no systemd user manager answers',
    );
    expect(refused.stderr).toContain(
      'start with --memory-max none, or set "limits.memoryMaxUnavailable": "warn"',
    );
    expectNothingStarted();
    const doctor = JSON.parse((await sandbox.run(['doctor', '--json'], { env })).stdout);
    expect(doctor.findings.find((f: { check: string }) => f.check === 'memory-cap')).toMatchObject({
      status: 'fail',
    });

    // This once, without the cap.
    const once = await sandbox.run(['--memory-max', 'none', '--', '-p', 'x'], { env });
    expect(once.code, once.stderr).toBe(0);
    expect(sandbox.sessionIds()).toHaveLength(1);

    writeConfig({ limits: { memoryMax: '600M', memoryMaxUnavailable: 'warn' } });
    const warned = await sandbox.run(['--', '-p', 'x'], { env });
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toContain(
      'claude-session: starting without the memory cap of 600M: no systemd user manager answers',
    );
    expect(sandbox.sessionIds()).toHaveLength(2);
    expect(existsSync(calls)).toBe(false);
    const warnDoctor = JSON.parse((await sandbox.run(['doctor', '--json'], { env })).stdout);
    expect(warnDoctor.findings.find((f: { check: string }) => f.check === 'memory-cap')).toMatchObject({
      status: 'warn',
    });
  });

  it('for a name whose entry in names/ is not a link of ours', async () => {
    mkdirSync(join(sandbox.root, 'names', 'taken'), { recursive: true });
    writeFileSync(join(sandbox.root, 'names', 'taken', 'keep'), 'mine');
    for (const _ of [1, 2]) {
      const result = await sandbox.run(['--name', 'taken', '--', '-p', 'x']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `claude-session: ${join(sandbox.root, 'names', 'taken')} is not a name link of ours (something else is there): remove it by hand or choose another name\n`,
      );
    }
    expectNothingStarted();
    expect(readFileSync(join(sandbox.root, 'names', 'taken', 'keep'), 'utf8')).toBe('mine');
  });

  it('for a tmux socket that is not a socket', async () => {
    mkdirSync(join(sandbox.root, 'tmux'), { recursive: true, mode: 0o700 });
    writeFileSync(join(sandbox.root, 'tmux', 'socket'), 'not a socket');
    const result = await sandbox.run(['new', '-d'], { env: interactive });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `claude-session: ${join(sandbox.root, 'tmux', 'socket')} is not a socket, so tmux cannot start a server there: remove it and start again\n`,
    );
    expectNothingStarted();
  });

  it('for --tmux without a terminal to attach; a configured tmux mode starts detached and says so', async () => {
    const refused = await sandbox.run(['--tmux'], { env: interactive });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'claude-session: attaching needs a terminal, and there is none here: start with -d to run it detached\n',
    );
    expectNothingStarted();
    expect(sandbox.tmux('list-sessions').code).not.toBe(0);

    const detached = await sandbox.run([], { env: { ...interactive, CLAUDE_SESSION_MODE: 'tmux' } });
    expect(detached.code, detached.stderr).toBe(0);
    expect(detached.stderr).toContain('no terminal to attach to: the session starts detached');
    const [id] = sandbox.sessionIds() as [string];
    expect(detached.stdout).toContain(`session ${id.slice(0, 8)} runs in tmux`);
    expect(JSON.parse((await sandbox.run(['list', '--json'])).stdout)[0]).toMatchObject({ state: 'running' });
    const attach = await sandbox.run(['attach', id.slice(0, 8)]);
    expect(attach.code).toBe(2);
    expect(attach.stderr).toContain('attaching needs a terminal, and there is none here');
  });
});

describe('a long root whose socket dir in /tmp another user made first', () => {
  it('moves its socket to a private place, recorded in the root, and every command finds it', async () => {
    const tmp = join(sandbox.dir, 'tmp');
    mkdirSync(tmp);
    chmodSync(tmp, 0o1777);
    const root = join(sandbox.dir, 'a-root-with-a-long-name'.repeat(4));
    mkdirSync(root, { mode: 0o700 });
    const uid = process.getuid?.() ?? 0;
    const planted = join(tmp, `claude-sessions-${uid}`);
    mkdirSync(planted, { mode: 0o755 });
    const other = ordinaryUser();
    if (other && other.uid !== uid) chownSync(planted, other.uid, other.gid);
    else chmodSync(planted, 0o777);
    const env = { ...interactive, TMPDIR: tmp, CLAUDE_SESSION_ROOT: root };

    const started = await sandbox.run(['new', '-d', '--json', '--name', 'far'], { env });
    expect(started.code, started.stderr).toBe(0);
    const { tmuxSocket } = JSON.parse(started.stdout) as { tmuxSocket: string };
    expect(tmuxSocket.startsWith(`${planted}/`)).toBe(false);
    const moved = readlinkSync(join(root, 'tmux', 'socket-dir'));
    expect(tmuxSocket.startsWith(`${moved}/`)).toBe(true);
    const stat = lstatSync(moved);
    expect(stat.isDirectory() && stat.uid === uid && (stat.mode & 0o077) === 0).toBe(true);
    // Nothing of ours went into the planted dir.
    expect(readdirSync(planted)).toEqual([]);

    const listed = JSON.parse((await sandbox.run(['list', '--json'], { env })).stdout);
    expect(listed[0]).toMatchObject({ name: 'far', state: 'running' });
    const second = await sandbox.run(['new', '-d', '--json'], { env });
    expect(JSON.parse(second.stdout).tmuxSocket).toBe(tmuxSocket);
    const killed = await sandbox.run(['kill', 'far'], { env });
    expect(killed.code, killed.stderr).toBe(0);
    execFileSync('tmux', ['-S', tmuxSocket, 'kill-server']);

    // With a private $XDG_RUNTIME_DIR, a fresh root's socket goes there.
    const runtime = join(sandbox.dir, 'run');
    mkdirSync(runtime, { mode: 0o700 });
    const root2 = join(sandbox.dir, 'another-root-with-a-long-name'.repeat(4));
    mkdirSync(root2, { mode: 0o700 });
    const xdg = await sandbox.run(['new', '-d', '--json'], {
      env: { ...env, CLAUDE_SESSION_ROOT: root2, XDG_RUNTIME_DIR: runtime },
    });
    expect(xdg.code, xdg.stderr).toBe(0);
    const socket2 = JSON.parse(xdg.stdout).tmuxSocket as string;
    expect(socket2.startsWith(join(runtime, 'claude-sessions'))).toBe(true);
    execFileSync('tmux', ['-S', socket2, 'kill-server']);
  });
});
