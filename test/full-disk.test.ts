import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, Sandbox, snapshot } from './support/sandbox.js';

// The root on a small tmpfs filled to the last byte: reading commands work without writing anything,
// cleanup frees space without first needing any, and what must write fails in one line, losing nothing
// (issue 10, item 7). Mounting needs root, as CI and development machines run.
const isRoot = process.getuid?.() === 0;
let sandbox: Sandbox;
let mount: string;
let root: string;
const env = () => ({ CLAUDE_SESSION_ROOT: root });

function fill(dir: string): void {
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${join(dir, 'filler')}`, 'bs=64k', 'count=100000'], {
      stdio: 'ignore',
    });
  } catch {
    // dd stops at ENOSPC, as intended.
  }
  // Whatever room a partial page left: one byte more does not fit anywhere now.
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `crumb-${i}`), 'x');
    } catch {
      break;
    }
  }
  expect(() => writeFileSync(join(dir, 'one-more'), 'x')).toThrow(/ENOSPC/);
}

beforeAll(async () => {
  if (!isRoot) return;
  sandbox = new Sandbox();
  mount = join(sandbox.dir, 'small');
  mkdirSync(mount);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]);
  root = join(mount, 'root');
  mkdirSync(root, { mode: 0o700 });
  mkdirSync(join(sandbox.home, '.config', 'claude-sessions'), { recursive: true });
  writeFileSync(
    join(sandbox.home, '.config', 'claude-sessions', 'config.json'),
    JSON.stringify({ cleanup: { emptyGraceHours: 0 } }),
  );
  expect((await sandbox.run(['--name', 'kept', '--', '-p', 'work'], { env: env() })).code).toBe(0);
  // A real run's transcripts, for usage (test/fixtures/claude-2.1.332/README.md).
  cpSync(
    join(REPO, 'test', 'fixtures', 'claude-2.1.332', 'usage'),
    join(root, 'sessions', idOf('kept'), 'config', 'projects'),
    { recursive: true },
  );
  // An empty session: its Claude wrote nothing. Cleanup removes it at once (no grace).
  const empty = await sandbox.run(['--name', 'empty', '--', '-p', 'x'], {
    env: { ...env(), FAKE_CLAUDE_NO_WRITE: '1' },
  });
  expect(empty.code).toBe(0);
  fill(mount);
});
afterAll(async () => {
  if (!isRoot) return;
  await sandbox.killSessions();
  execFileSync('umount', ['-l', mount]);
  sandbox.cleanup();
});

describe.runIf(isRoot)('with the root on a full disk', () => {
  it('list, show, status, doctor and log work, writing nothing', async () => {
    const before = snapshot(root);
    const list = await sandbox.run(['list', '--json'], { env: env() });
    expect(list.code, list.stderr).toBe(0);
    const views = JSON.parse(list.stdout) as { name: string; state: string; usage: unknown }[];
    expect(views.map((view) => [view.name, view.state]).sort()).toEqual([
      ['empty', 'empty'],
      ['kept', 'exited'],
    ]);
    // Its usage counted and priced all the same; the cache it could not write is not there.
    expect(views.find((view) => view.name === 'kept')?.usage).toMatchObject({
      inputTokens: 3813,
      costUSD: 0.0301272,
    });
    for (const args of [
      ['list'],
      ['list', '--json'],
      ['show', 'kept'],
      ['status'],
      ['status', '--json'],
      ['log'],
    ]) {
      const result = await sandbox.run(args, { env: env() });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      expect(result.stderr, args.join(' ')).toBe('');
    }
    const doctor = await sandbox.run(['doctor', '--json'], { env: env() });
    expect(doctor.stderr).toBe('');
    expect(JSON.parse(doctor.stdout).findings.length).toBeGreaterThan(0);
    // Not a byte, not an inode, not a modification time changed under the root.
    expect(snapshot(root)).toBe(before);
  });

  it('usage counts and prices all the same, its cache left unwritten', async () => {
    const usage = await sandbox.run(['usage', '--json'], { env: env() });
    expect(usage.code, usage.stderr).toBe(0);
    expect(usage.stderr).toBe('');
    expect(JSON.parse(usage.stdout).total).toMatchObject({ inputTokens: 3813, costUSD: 0.0301272 });
    expect(existsSync(join(root, 'sessions', idOf('kept'), 'usage-cache.json'))).toBe(false);
  });

  it('pin fails in one line and leaves the record whole', async () => {
    const before = readFileSync(join(root, 'sessions', idOf('kept'), 'session.json'), 'utf8');
    const pin = await sandbox.run(['pin', 'kept'], { env: env() });
    expect(pin.code).toBe(1);
    expect(pin.stderr.trim().split('\n')).toHaveLength(1);
    expect(pin.stderr).toMatch(/^claude-session: no space left on the device/);
    expect(readFileSync(join(root, 'sessions', idOf('kept'), 'session.json'), 'utf8')).toBe(before);
  });

  it('cleanup --yes frees space without needing any first, and its audit entry lands once it has', async () => {
    const emptyId = idOf('empty');
    const cleaned = await sandbox.run(['cleanup', '--yes', '--json'], { env: env() });
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(JSON.parse(cleaned.stdout).removed.map((r: { id: string }) => r.id)).toEqual([emptyId]);
    expect(existsSync(join(root, 'sessions', emptyId))).toBe(false);
    expect(existsSync(join(root, 'sessions', idOf('kept')))).toBe(true);
    const log = readFileSync(join(root, 'audit.log'), 'utf8');
    expect(log).toContain(`"action":"removed","session":"${emptyId}"`);
  });
});

function idOf(name: string): string {
  return readlinkSync(join(root, 'names', name));
}
