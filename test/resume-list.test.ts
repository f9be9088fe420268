import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, Sandbox, waitFor } from './support/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

/** Starts a session whose fake Claude keeps running; resolves once it has written its record. */
async function startRunning(name: string) {
  const child = spawn(CLI, ['--name', name, '--', '-p', 'long'], {
    cwd: sandbox.dir,
    env: sandbox.env({ FAKE_CLAUDE_SLEEP_MS: '30000' }),
    stdio: 'ignore',
  });
  const record = await waitFor(() => sandbox.records().find((r) => r.env.CLAUDE_SESSION_NAME === name));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, record, exited };
}

describe('resume', () => {
  it('continues the conversation in its own config dir, in the directory it was started in', async () => {
    const project = join(sandbox.dir, 'project');
    mkdirSync(project);
    expect((await sandbox.run(['--name', 'work', '--', '-p', 'first'], { cwd: project })).code).toBe(0);
    const [id] = sandbox.sessionIds() as [string];

    for (const query of ['work', id, id.slice(0, 6)]) {
      const result = await sandbox.run(['resume', query, '--', '--model', 'opus'], { cwd: sandbox.home });
      expect(result.code, result.stderr).toBe(0);
    }
    const records = sandbox.records();
    expect(records).toHaveLength(4);
    for (const record of records.slice(1)) {
      expect(record.cwd).toBe(project);
      expect(record.env.CLAUDE_CONFIG_DIR).toBe(join(sandbox.root, 'sessions', id, 'config'));
      expect(record.argv.slice(2)).toEqual(['--continue', '--model', 'opus']);
    }
    const meta = sandbox.sessionRecord(id);
    expect(meta.launches).toBe(4);
    expect(meta.process?.pid).toBe(records[3]?.pid);
  });

  it('does not add --continue when the user picks a conversation, or when there is none yet', async () => {
    await sandbox.run(['--name', 'a', '--', '-p', 'x']);
    await sandbox.run(['resume', 'a', '--', '--resume', 'abc']);
    expect(sandbox.records()[1]?.argv.slice(2)).toEqual(['--resume', 'abc']);

    // An empty session (never got a transcript) starts a new conversation, and says so.
    const { rmSync } = await import('node:fs');
    const [id] = sandbox.sessionIds() as [string];
    rmSync(join(sandbox.root, 'sessions', id, 'config', 'projects'), { recursive: true });
    const result = await sandbox.run(['resume', 'a']);
    expect(result.stderr).toContain('has no conversation yet');
    expect(sandbox.records()[2]?.argv.slice(2)).toEqual([]);
  });

  it('refuses to resume a session that is running, and list shows it running with pid and memory', async () => {
    const running = await startRunning('busy');
    try {
      const result = await sandbox.run(['resume', 'busy']);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(
        /^claude-session: session "busy" \(\w{8}\) is already running \(pid \d+\)/,
      );
      expect(result.stderr.trim().split('\n')).toHaveLength(1);

      const list = JSON.parse((await sandbox.run(['list', '--json'])).stdout);
      expect(list[0]).toMatchObject({ name: 'busy', state: 'running', pid: running.record.pid });
      expect(list[0].residentBytes).toBeGreaterThan(1_000_000);

      // SIGTERM to the process we started reaches Claude directly: it is the same process.
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(143);
      expect(existsSync(join(sandbox.log, `${running.record.pid}.sigterm`))).toBe(true);
      const after = JSON.parse((await sandbox.run(['list', '--json'])).stdout);
      expect(after[0]).toMatchObject({ state: 'exited', pid: null });
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  it('does not take a reused pid for the session', async () => {
    await sandbox.run(['--name', 'old', '--', '-p', 'x']);
    const [id] = sandbox.sessionIds() as [string];
    const file = join(sandbox.root, 'sessions', id, 'session.json');
    const meta = JSON.parse(readFileSync(file, 'utf8'));
    // Our own pid is alive, but with another start time it is not the session's process.
    meta.process = { ...meta.process, pid: process.pid, startTime: 1 };
    writeFileSync(file, JSON.stringify(meta));
    const list = JSON.parse((await sandbox.run(['list', '--json'])).stdout);
    expect(list[0].state).toBe('exited');
    expect((await sandbox.run(['resume', 'old'])).code).toBe(0);
  });
});

describe('list', () => {
  it('shows a table and JSON with states running, exited, empty and broken', async () => {
    await sandbox.run(['--name', 'done', '--', '-p', 'x'], { cwd: sandbox.dir });
    const running = await startRunning('live');
    try {
      // An empty session: created, but Claude never wrote a transcript or a prompt.
      await sandbox.run(['--name', 'blank'], { env: { FAKE_CLAUDE_NO_WRITE: '1' } });
      const { rmSync } = await import('node:fs');
      const blank = sandbox.sessionIds().find((id) => sandbox.sessionRecord(id).name === 'blank') as string;
      rmSync(join(sandbox.root, 'sessions', blank, 'config', 'projects'), { recursive: true, force: true });
      rmSync(join(sandbox.root, 'sessions', blank, 'config', 'history.jsonl'), { force: true });
      // A broken one: its record is not JSON.
      await sandbox.run(['--name', 'torn', '--', '-p', 'x']);
      const torn = sandbox.sessionIds().find((id) => sandbox.sessionRecord(id).name === 'torn') as string;
      writeFileSync(join(sandbox.root, 'sessions', torn, 'session.json'), '{"schema": 1, "id": ');

      const json = JSON.parse((await sandbox.run(['list', '--json'])).stdout) as Record<string, unknown>[];
      const byState = Object.fromEntries(json.map((view) => [view.name ?? view.id, view.state]));
      expect(byState).toEqual({ done: 'exited', live: 'running', blank: 'empty', [torn]: 'broken' });
      for (const view of json) {
        for (const key of [
          'id',
          'name',
          'state',
          'configDir',
          'pid',
          'cwd',
          'createdAt',
          'lastActivityAt',
          'claudeVersion',
        ]) {
          expect(view).toHaveProperty(key);
        }
      }
      const brokenView = json.find((view) => view.id === torn);
      expect(brokenView?.problem).toBe('session.json is not valid JSON');
      expect(brokenView?.hint).toContain(torn);

      const table = await sandbox.run(['ls']);
      expect(table.code).toBe(0);
      const lines = table.stdout.trim().split('\n');
      expect(lines[0]).toMatch(
        /^ID\s+NAME\s+STATE\s+WHERE\s+STARTED\s+ACTIVE\s+PID\s+RSS\s+DISK\s+DIRECTORY$/,
      );
      expect(lines).toHaveLength(5);
      expect(table.stdout).toMatch(
        new RegExp(`live\\s+running\\s+terminal\\s+\\d+s ago\\s+\\d+s ago\\s+${running.record.pid}\\s+\\d`),
      );
      expect(table.stdout).toContain('session.json is not valid JSON');
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  it('says where sessions would be when there are none', async () => {
    const result = await sandbox.run(['list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no sessions in ~/.claude-sessions');
    expect(JSON.parse((await sandbox.run(['list', '--json'])).stdout)).toEqual([]);
  });

  it('show prints one session, and --json for scripts', async () => {
    await sandbox.run(['--name', 'one', '--', '-p', 'x']);
    const result = await sandbox.run(['show', 'one', '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: 'one', state: 'exited', claudeVersion: '2.0.0' });
    expect((await sandbox.run(['show', 'one'])).stdout).toMatch(/^state:\s+exited$/m);
  });
});

describe('liveness', () => {
  it('takes a zombie (ended, not yet collected by its parent) for ended', async () => {
    await sandbox.run(['--name', 'z', '--', '-p', 'x']);
    const [id] = sandbox.sessionIds() as [string];
    // A child that exits while its parent (this shell) sleeps without collecting it stays a zombie.
    const parent = spawn('sh', ['-c', 'sh -c "sleep 0.3" & echo $!; exec sleep 5'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const zombie = Number(
      await new Promise<string>((resolve) => parent.stdout.once('data', (d) => resolve(String(d)))),
    );
    try {
      await waitFor(() => (readFileSync(`/proc/${zombie}/stat`, 'utf8').includes(') Z ') ? true : undefined));
      const file = join(sandbox.root, 'sessions', id, 'session.json');
      const meta = JSON.parse(readFileSync(file, 'utf8'));
      const stat = readFileSync(`/proc/${zombie}/stat`, 'utf8');
      const startTime = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      meta.process = { ...meta.process, pid: zombie, startTime };
      writeFileSync(file, JSON.stringify(meta));
      const list = JSON.parse((await sandbox.run(['list', '--json'])).stdout);
      expect(list[0].state).toBe('exited');
    } finally {
      parent.kill('SIGKILL');
    }
  });
});

describe('the name index', () => {
  it('finds a session by name without its index entry, and frees the name of a removed session', async () => {
    const { rmSync, symlinkSync } = await import('node:fs');
    await sandbox.run(['--name', 'kept', '--', '-p', 'x']);
    rmSync(join(sandbox.root, 'names', 'kept'));
    expect((await sandbox.run(['resume', 'kept'])).code).toBe(0);

    // An entry pointing at a session that is gone does not hold the name.
    symlinkSync('00000000-0000-4000-8000-000000000000', join(sandbox.root, 'names', 'freed'));
    const result = await sandbox.run(['--name', 'freed', '--', '-p', 'x']);
    expect(result.code, result.stderr).toBe(0);
    expect((await sandbox.run(['resume', 'freed'])).code).toBe(0);
  });
});
