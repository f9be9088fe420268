import { spawn } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, Sandbox, waitFor } from './support/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  await sandbox.killSessions();
  sandbox.cleanup();
});

function config(json: unknown): void {
  mkdirSync(join(sandbox.home, '.config', 'claude-sessions'), { recursive: true });
  writeFileSync(join(sandbox.home, '.config', 'claude-sessions', 'config.json'), JSON.stringify(json));
}

function startRunning(name: string, extra: string[] = []) {
  const child = spawn(CLI, ['--name', name, ...extra, '--', '-p', 'long'], {
    cwd: sandbox.dir,
    env: sandbox.env({ FAKE_CLAUDE_SLEEP_MS: '30000' }),
    stdio: 'ignore',
  });
  return waitFor(() => sandbox.records().find((r) => r.env.CLAUDE_SESSION_NAME === name)).then((record) => ({
    child,
    record,
  }));
}

const auditEntries = () =>
  readFileSync(join(sandbox.root, 'audit.log'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the audit log', () => {
  it('records created, ended (noticed by the next resume) and resumed, one JSON line each, and `log` shows them', async () => {
    await sandbox.run(['--name', 'a', '--', '-p', 'x']);
    // Reading commands write nothing, not even what they notice.
    await sandbox.run(['list']);
    await sandbox.run(['show', 'a']);
    // The first start protects the shared tools, except as root, where read-only files protect nothing.
    const protection = process.getuid?.() === 0 ? [] : [['protection-changed', undefined, 'ok']];
    expect(auditEntries().map((entry) => entry.action)).toEqual([
      ...protection.map(([action]) => action),
      'created',
    ]);
    await sandbox.run(['resume', 'a']);
    const entries = auditEntries();
    const [id] = sandbox.sessionIds() as [string];
    expect(entries.map((entry) => [entry.action, entry.session, entry.outcome])).toEqual([
      ...protection,
      ['created', id, 'ok'],
      ['ended', id, 'ok'],
      ['resumed', id, 'ok'],
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ user: expect.any(String), pid: expect.any(Number) });
      expect(Number.isNaN(Date.parse(entry.time as string))).toBe(false);
    }

    const text = await sandbox.run(['log']);
    expect(text.stdout.trim().split('\n')).toHaveLength(3 + protection.length);
    expect(text.stdout).toMatch(new RegExp(`resumed ${id.slice(0, 8)} \\(a\\)  ok`));
    const last = await sandbox.run(['log', '-n', '1', '--json']);
    expect(JSON.parse(last.stdout)).toMatchObject({ action: 'resumed', session: id });
  });

  it('keeps whole lines when many processes write at once, and skips a torn line', async () => {
    await Promise.all(Array.from({ length: 20 }, () => sandbox.run(['--', '-p', 'x'])));
    appendFileSync(join(sandbox.root, 'audit.log'), '{"time":"2026-01-01T00:00:00.000Z","act');
    const lines = readFileSync(join(sandbox.root, 'audit.log'), 'utf8').trimEnd().split('\n');
    for (const line of lines.slice(0, -1)) expect(() => JSON.parse(line)).not.toThrow();
    const json = await sandbox.run(['log', '--json']);
    const entries = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(entries.filter((entry) => entry.action === 'created')).toHaveLength(20);
  });

  it('follows new entries with --follow', async () => {
    await sandbox.run(['--name', 'first', '--', '-p', 'x']);
    // Its own process group: the launcher shell and the Node part under it are stopped together.
    const follower = spawn(CLI, ['log', '--follow'], {
      env: sandbox.env(),
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true,
    });
    const exited = new Promise((resolve) => follower.once('exit', resolve));
    let out = '';
    follower.stdout.on('data', (chunk) => {
      out += chunk;
    });
    try {
      await waitFor(() => out.includes('created'));
      await sandbox.run(['--name', 'second', '--', '-p', 'x']);
      await waitFor(() => out.includes('(second)'));
    } finally {
      process.kill(-(follower.pid as number), 'SIGTERM');
      await exited;
    }
  });
});

describe('guard rails', () => {
  it('refuse a session past the configured limit, saying what runs and how to override', async () => {
    config({ limits: { maxSessions: 1 } });
    const running = await startRunning('busy');
    try {
      const refused = await sandbox.run(['--', '-p', 'x']);
      expect(refused.code).toBe(75);
      expect(refused.stderr.trim()).toMatch(
        /^claude-session: 1 sessions are running, the limit is 1: end one \(`claude-session list`\), raise "limits.maxSessions", or pass --force$/,
      );
      expect(sandbox.sessionIds()).toHaveLength(1);
      const forced = await sandbox.run(['--force', '--', '-p', 'x']);
      expect(forced.code, forced.stderr).toBe(0);
      // Resuming starts a Claude too.
      await sandbox.run(['--name', 'other', '--force', '--', '-p', 'x']);
      expect((await sandbox.run(['resume', 'other'])).code).toBe(75);
      expect((await sandbox.run(['resume', 'other', '--force'])).code).toBe(0);
    } finally {
      running.child.kill('SIGKILL');
    }
    // Once it has ended, there is room again.
    await waitFor(() => !existsSync(`/proc/${running.record.pid}`) || undefined);
    expect((await sandbox.run(['--', '-p', 'x'])).code).toBe(0);
  });

  it('refuse a session when available memory is under the floor', async () => {
    config({ limits: { minAvailableMB: 10_000_000 } });
    const refused = await sandbox.run(['--', '-p', 'x']);
    expect(refused.code).toBe(75);
    expect(refused.stderr).toMatch(/of memory available, the floor is 10000000 MB .*pass --force/);
    expect((await sandbox.run(['-f', '--', '-p', 'x'])).code).toBe(0);
  });
});

describe('memory cap', () => {
  it('runs Claude inside a systemd user scope with MemoryMax, keeping the recorded pid', async () => {
    // A stand-in for systemd-run: records its argv, then execs the command after `--`, as --scope does.
    writeFileSync(
      join(sandbox.bin, 'systemd-run'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${join(sandbox.log, 'systemd-run.args')}"\nwhile [ "$1" != "--" ]; do shift; done\nshift\nexec "$@"\n`,
    );
    chmodSync(join(sandbox.bin, 'systemd-run'), 0o755);
    // A user manager answers on the runtime dir's systemd/private socket.
    const runtime = join(sandbox.dir, 'runtime');
    mkdirSync(join(runtime, 'systemd'), { recursive: true, mode: 0o700 });
    const manager = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => manager.listen(join(runtime, 'systemd', 'private'), resolve));
    const result = await sandbox.run(['--memory-max', '600M', '--', '-p', 'x'], {
      env: { XDG_RUNTIME_DIR: runtime },
    });
    manager.close();
    expect(result.code, result.stderr).toBe(0);
    const args = readFileSync(join(sandbox.log, 'systemd-run.args'), 'utf8').trim().split('\n');
    expect(args.slice(0, 7)).toEqual([
      '--user',
      '--scope',
      '--quiet',
      '--collect',
      '-p',
      'MemoryMax=600M',
      '--',
    ]);
    const [record] = sandbox.records();
    const [id] = sandbox.sessionIds() as [string];
    expect(sandbox.sessionRecord(id).process?.pid).toBe(record?.pid);

    const bad = await sandbox.run(['--memory-max', 'lots', '--', '-p', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('give a size like 600M or 2G, or none');
  });

  it('says clearly when systemd user scopes are not there', async () => {
    // A PATH with node and the fake claude, but no systemd-run.
    const nodeDir = join(sandbox.dir, 'node-only');
    mkdirSync(nodeDir);
    symlinkSync(process.execPath, join(nodeDir, 'node'));
    const result = await sandbox.run(['--memory-max', '1G', '--', '-p', 'x'], {
      env: { PATH: `${sandbox.bin}:${nodeDir}` },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /a memory cap needs systemd user scopes, not available here: systemd-run not found/,
    );
  });
});
