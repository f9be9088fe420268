import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from './support/sandbox.js';

// FIFOs, devices, links and junk where the tool expects its own small files (issue 10, item 8): every
// command reads only regular files, never through a link inside the root, never blocking, with a size
// cap, and says what is wrong in one line. A command that hung would fail these by their time-out.
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
  // What used to hang is killed, process group and all, and fails its test.
  const run = sandbox.run.bind(sandbox);
  sandbox.run = (args, options = {}) => run(args, { timeoutMs: 20_000, ...options });
});
afterEach(async () => {
  await sandbox.killSessions();
  sandbox.cleanup();
});

const sessionDir = (id: string) => join(sandbox.root, 'sessions', id);

async function newSession(name: string): Promise<string> {
  const result = await sandbox.run(['--name', name, '--', '-p', 'x']);
  expect(result.code, result.stderr).toBe(0);
  return readlinkSync(join(sandbox.root, 'names', name));
}

interface View {
  id: string;
  activity?: string | null;
  name: string | null;
  state: string;
  problem: string | null;
  diskBytes: number;
  lastActivityAt: string | null;
}

async function listed(): Promise<View[]> {
  const result = await sandbox.run(['list', '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as View[];
}

describe('where a file of ours is expected', () => {
  it('a FIFO or a link to /dev/zero as session.json makes that session broken, and nothing hangs', async () => {
    const fifo = await newSession('fifo');
    const zero = await newSession('zero');
    const record = join(sessionDir(fifo), 'session.json');
    rmSync(record);
    execFileSync('mkfifo', [record]);
    rmSync(join(sessionDir(zero), 'session.json'));
    symlinkSync('/dev/zero', join(sessionDir(zero), 'session.json'));
    const views = await listed();
    expect(views.find((view) => view.id === fifo)).toMatchObject({
      state: 'broken',
      problem: 'session.json is not a regular file',
    });
    expect(views.find((view) => view.id === zero)).toMatchObject({
      state: 'broken',
      problem: 'session.json is a symbolic link',
    });
    for (const args of [['list'], ['status'], ['cleanup', '--dry-run']]) {
      const result = await sandbox.run(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
    // doctor reports them as problems (exit 1), and finishes.
    const doctor = JSON.parse((await sandbox.run(['doctor', '--json'])).stdout);
    expect(doctor.findings.filter((f: { check: string }) => f.check === 'records')).toHaveLength(2);
    const resume = await sandbox.run(['resume', fifo]);
    expect(resume.code).toBe(1);
    expect(resume.stderr.trim()).toMatch(
      /^claude-session: session [0-9a-f]{8} is broken \(session\.json is not a regular file\)/,
    );
  });

  it("a FIFO as a running session's state file leaves its live state unknown, nothing hangs", async () => {
    const started = await sandbox.run(['new', '-d', '--json', '--name', 'state'], {
      env: { FAKE_CLAUDE_INTERACTIVE: '1' },
    });
    expect(started.code, started.stderr).toBe(0);
    const { id } = JSON.parse(started.stdout) as { id: string };
    rmSync(join(sessionDir(id), 'state'), { force: true });
    execFileSync('mkfifo', [join(sessionDir(id), 'state')]);
    expect((await listed()).find((view) => view.id === id)).toMatchObject({
      state: 'running',
      activity: null,
    });
  });

  it('a config/ or tmp/ that is a link is not walked: no size, no activity from what it leads to', async () => {
    const id = await newSession('walked');
    const old = new Date(Date.now() - 90 * 86_400_000);
    const json = JSON.parse(readFileSync(join(sessionDir(id), 'session.json'), 'utf8'));
    json.createdAt = old.toISOString();
    json.lastLaunchAt = old.toISOString();
    writeFileSync(join(sessionDir(id), 'session.json'), JSON.stringify(json));
    // Somewhere with plenty of fresh files, reached through the links.
    const elsewhere = join(sandbox.dir, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'big'), Buffer.alloc(1024 * 1024));
    renameSync(join(sessionDir(id), 'config'), join(sandbox.dir, 'config-aside'));
    symlinkSync(elsewhere, join(sessionDir(id), 'config'));
    rmSync(join(sessionDir(id), 'tmp'), { recursive: true, force: true });
    symlinkSync('/', join(sessionDir(id), 'tmp'));
    const view = (await listed()).find((candidate) => candidate.id === id) as View;
    expect(view.diskBytes).toBeLessThan(64 * 1024);
    expect(view.lastActivityAt).toBe(old.toISOString());
    // cleanup sees it as old (and deletes the link, never what it points to).
    const cleaned = await sandbox.run(['cleanup', '--yes', '--json']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(JSON.parse(cleaned.stdout).removed.map((r: { id: string }) => r.id)).toContain(id);
    expect(statSync(join(elsewhere, 'big')).size).toBe(1024 * 1024);
  });

  it('--settings naming a device or a FIFO is refused before anything is written', async () => {
    const fifo = join(sandbox.dir, 'settings.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const source of ['/dev/zero', fifo]) {
      const result = await sandbox.run(['--', '--settings', source, '-p', 'x']);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        `claude-session: --settings ${JSON.stringify(source)}: is not a regular file`,
      );
    }
    const big = join(sandbox.dir, 'big.json');
    writeFileSync(big, `{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`);
    const tooBig = await sandbox.run(['--', '--settings', big, '-p', 'x']);
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toMatch(/is larger than \d+ bytes/);
    expect(sandbox.sessionIds()).toEqual([]);
  });

  it('a bad version cache is ignored and rewritten, never stopping a start', async () => {
    await newSession('first');
    const cache = join(sandbox.root, 'cache', 'claude-versions.json');
    const claude = join(sandbox.bin, 'claude');
    writeFileSync(cache, JSON.stringify({ [claude]: null }));
    const start = await sandbox.run(['--', '-p', 'x']);
    expect(start.code, start.stderr).toBe(0);
    const rewritten = JSON.parse(readFileSync(cache, 'utf8'));
    expect(rewritten[claude]).toMatchObject({ version: '2.0.0' });
    // A FIFO there neither hangs a start nor survives it.
    rmSync(cache);
    execFileSync('mkfifo', [cache]);
    const again = await sandbox.run(['--', '-p', 'x']);
    expect(again.code, again.stderr).toBe(0);
    expect(statSync(cache).isFile()).toBe(true);
  });

  it('an audit log that is a FIFO or a link gets a one-line error from log, not a hang', async () => {
    await newSession('logged');
    const log = join(sandbox.root, 'audit.log');
    rmSync(log);
    execFileSync('mkfifo', [log]);
    const result = await sandbox.run(['log']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/not a regular file/);
  });
});
