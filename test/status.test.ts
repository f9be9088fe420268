import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, Sandbox, waitFor } from './support/sandbox.js';

let sandbox: Sandbox;
const children: ChildProcess[] = [];
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await sandbox.killSessions();
  sandbox.cleanup();
});

async function startRunning(name: string): Promise<number> {
  const child = spawn(CLI, ['--name', name, '--', '-p', 'long'], {
    cwd: sandbox.dir,
    env: sandbox.env({ FAKE_CLAUDE_SLEEP_MS: '60000' }),
    stdio: 'ignore',
  });
  children.push(child);
  const record = await waitFor(
    () => sandbox.records().find((r) => r.env.CLAUDE_SESSION_NAME === name),
    10_000,
  );
  return record.pid;
}

function meminfo(): { total: number; available: number } {
  const text = readFileSync('/proc/meminfo', 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1]) * 1024;
  return { total: field('MemTotal'), available: field('MemAvailable') };
}

describe('status', () => {
  it('counts sessions by state, with the resident memory of the running one, disk, limits and room', async () => {
    await sandbox.run(['--name', 'done', '--', '-p', 'x']);
    await sandbox.run(['--name', 'blank'], { env: { FAKE_CLAUDE_NO_WRITE: '1' } });
    const pid = await startRunning('live');

    const result = await sandbox.run(['status', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.sessions.counts).toEqual({ running: 1, exited: 1, empty: 1, broken: 0 });
    expect(report.sessions.total).toBe(3);
    expect(report.sessions.live).toHaveLength(1);
    const [live] = report.sessions.live;
    expect(live).toMatchObject({ name: 'live', pid });
    expect(live.residentBytes).toBeGreaterThan(1_000_000);
    expect(report.sessions.residentBytes).toBe(live.residentBytes);
    expect(report.sessions.diskBytes).toBeGreaterThan(0);

    const host = meminfo();
    expect(report.memory.totalBytes).toBe(host.total);
    expect(Math.abs(report.memory.availableBytes - host.available)).toBeLessThan(host.total / 10);
    // Derived from the host's memory: one session per 400 MB after 256 MB for the system.
    const MB = 1024 * 1024;
    expect(report.limits).toEqual({
      maxSessions: Math.max(1, Math.floor((host.total - 256 * MB) / (400 * MB))),
      minAvailableBytes: Math.min(300 * MB, Math.floor(host.total / 4)),
      source: { maxSessions: 'derived', minAvailableBytes: 'derived' },
    });
    expect(report.update).toEqual({ checks: false, checkedAt: null, latest: null, error: null });
    expect(report.recommendation).toMatch(
      /^(room for about \d+ more sessions? \(~400 MB each\)|memory is low|no room)/,
    );

    const human = await sandbox.run(['status']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('sessions:  1 running, 1 exited, 1 empty, 0 broken (3 in all)');
    expect(human.stdout).toMatch(new RegExp(`^ {2}\\w{8} {2}live +pid ${pid} +\\d`, 'm'));
    expect(human.stdout).toMatch(/^=> /m);
  });

  it('shows configured limits and says when the session limit is reached', async () => {
    mkdirSync(join(sandbox.home, '.config', 'claude-sessions'), { recursive: true });
    writeFileSync(
      join(sandbox.home, '.config', 'claude-sessions', 'config.json'),
      JSON.stringify({ limits: { maxSessions: 1, minAvailableMB: 1 } }),
    );
    await startRunning('only');
    const report = JSON.parse((await sandbox.run(['status', '--json'])).stdout);
    expect(report.limits).toEqual({
      maxSessions: 1,
      minAvailableBytes: 1024 * 1024,
      source: { maxSessions: 'configured', minAvailableBytes: 'configured' },
    });
    expect(report.room).toBe(0);
    expect(report.recommendation).toBe(
      'at the session limit (1 of 1): end a session before starting another, or pass --force',
    );
  });

  it('counts a broken session and reports the last update check and its error', async () => {
    await sandbox.run(['--name', 'torn', '--', '-p', 'x']);
    const [id] = sandbox.sessionIds() as [string];
    writeFileSync(join(sandbox.root, 'sessions', id, 'session.json'), 'nonsense');
    mkdirSync(join(sandbox.root, 'update'), { recursive: true });
    const checkedAt = new Date(Date.now() - 2 * 3600_000).toISOString();
    writeFileSync(
      join(sandbox.root, 'update', 'state.json'),
      JSON.stringify({ checkedAt, latest: '2.1.0', error: 'registry: no answer within 5 s', notified: null }),
    );
    const env = { CLAUDE_SESSION_NO_UPDATE: undefined };
    const report = JSON.parse((await sandbox.run(['status', '--json'], { env })).stdout);
    expect(report.sessions.counts).toEqual({ running: 0, exited: 0, empty: 0, broken: 1 });
    expect(report.update).toEqual({
      checks: true,
      checkedAt,
      latest: '2.1.0',
      error: 'registry: no answer within 5 s',
    });
    const human = await sandbox.run(['status'], { env });
    expect(human.stdout).toContain(
      'update:    last check 2h ago, latest 2.1.0 (error: registry: no answer within 5 s)',
    );
  });
});
