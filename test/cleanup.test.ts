import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, REPO, type Result, runCommand, Sandbox, snapshot, waitFor } from './support/sandbox.js';
import { startTmux } from './support/tmux.js';
import { chownTree, ordinaryUser } from './support/user.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  await sandbox.killSessions();
  sandbox.cleanup();
});

const sessions = () => join(sandbox.root, 'sessions');
const sessionDir = (id: string) => join(sessions(), id);

/** Runs `claude-session --name NAME` (a fake Claude that writes a transcript unless told not to). */
async function create(name: string, env: Record<string, string> = {}): Promise<string> {
  const before = new Set(sandbox.sessionIds());
  const result = await sandbox.run(['--name', name, '--', '-p', 'x'], { env, cwd: sandbox.dir });
  expect(result.code, result.stderr).toBe(0);
  return sandbox.sessionIds().find((id) => !before.has(id)) as string;
}

/** A session whose Claude (a fake that sleeps) keeps running. */
async function startRunning(name: string) {
  const child = spawn(CLI, ['--name', name, '--', '-p', 'long'], {
    cwd: sandbox.dir,
    env: sandbox.env({ FAKE_CLAUDE_SLEEP_MS: '30000' }),
    stdio: 'ignore',
  });
  await waitFor(() => sandbox.records().find((r) => r.env.CLAUDE_SESSION_NAME === name));
  return child;
}

/** Makes a session `ms` old: its record's dates and every file's mtime (links are not followed). */
function age(id: string, ms: number): void {
  const when = new Date(Date.now() - ms);
  const file = join(sessionDir(id), 'session.json');
  try {
    const record = JSON.parse(readFileSync(file, 'utf8'));
    record.createdAt = when.toISOString();
    record.lastLaunchAt = when.toISOString();
    writeFileSync(file, JSON.stringify(record));
  } catch {
    // A corrupt record keeps its text; only its mtime ages.
  }
  touch(sessionDir(id), when);
}

function touch(path: string, when: Date): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) for (const name of readdirSync(path)) touch(join(path, name), when);
  utimesSync(path, when, when);
}

async function cleanup(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return sandbox.run(['cleanup', ...args], { env });
}

async function cleanupJson(
  args: string[],
): Promise<Record<string, { id: string; rule: string; reason: string }[]>> {
  const result = await cleanup([...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

const ids = (entries: { id: string }[] | undefined) => (entries ?? []).map((entry) => entry.id).sort();

const auditEntries = () =>
  readFileSync(join(sandbox.root, 'audit.log'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('cleanup rules', () => {
  it('removes old and empty sessions, keeps recent, pinned and running ones, and says why', async () => {
    const old = await create('old');
    const recent = await create('recent');
    const emptyOld = await create('blank-old', { FAKE_CLAUDE_NO_WRITE: '1' });
    await create('blank-new', { FAKE_CLAUDE_NO_WRITE: '1' });
    const pinned = await create('pinned');
    const running = await startRunning('running');
    const runningId = sandbox
      .sessionIds()
      .find((id) => sandbox.sessionRecord(id).name === 'running') as string;
    age(old, 40 * DAY);
    age(recent, 2 * DAY);
    age(emptyOld, 2 * HOUR);
    age(pinned, 90 * DAY);
    age(runningId, 90 * DAY);
    expect((await sandbox.run(['pin', 'pinned'])).stdout).toMatch(
      /^pinned session "pinned" \(\w{8}\): cleanup keeps/,
    );

    const result = await cleanup(['--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^removed 2 sessions, freed \d+(\.\d)?[KM] \(rules: inactive for 30d, or empty for 1h\):$/m,
    );
    expect(result.stdout).toMatch(
      new RegExp(`^${old.slice(0, 8)}\\s+old\\s+\\S+\\s+inactive for 40d \\(limit 30d\\)$`, 'm'),
    );
    expect(result.stdout).toMatch(
      /blank-old\s+\S+\s+empty \(no prompt or transcript\), last active 2h ago \(grace 1h\)$/m,
    );
    expect(result.stdout).toMatch(/^kept 4 sessions: (\d \w+(, )?)+$/m);
    expect(existsSync(sessionDir(old))).toBe(false);
    expect(existsSync(sessionDir(emptyOld))).toBe(false);
    expect(readdirSync(join(sandbox.root, 'names')).sort()).toEqual([
      'blank-new',
      'pinned',
      'recent',
      'running',
    ]);
    const names = JSON.parse((await sandbox.run(['list', '--json'])).stdout).map(
      (view: { name: string }) => view.name,
    );
    expect(names.sort()).toEqual(['blank-new', 'pinned', 'recent', 'running']);
    const removed = auditEntries().filter((entry) => entry.action === 'removed');
    expect(removed.map((entry) => `${entry.name} ${entry.outcome}`).sort()).toEqual([
      'blank-old ok',
      'old ok',
    ]);
    expect(removed.find((entry) => entry.name === 'old')?.detail).toBe('inactive for 40d (limit 30d)');

    // Unpinned, the old session goes; the running one still stays, whatever its record's age.
    expect((await sandbox.run(['unpin', pinned.slice(0, 6)])).code).toBe(0);
    const second = await cleanupJson(['--yes']);
    expect(ids(second.removed)).toEqual([pinned]);
    expect(second.kept?.find((kept) => kept.id === runningId)).toMatchObject({ rule: 'running' });
    expect(existsSync(sessionDir(runningId))).toBe(true);
    expect(auditEntries().map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['pinned', 'unpinned']),
    );
    running.kill('SIGKILL');
  });

  it('--older-than and --empty choose the rules; a bad duration is refused in one line', async () => {
    const week = await create('week');
    const blank = await create('blank', { FAKE_CLAUDE_NO_WRITE: '1' });
    const twoDays = await create('two-days');
    age(week, 8 * DAY);
    age(blank, 3 * HOUR);
    age(twoDays, 2 * DAY);
    expect(ids((await cleanupJson(['--empty', '--older-than', '1d', '--dry-run'])).wouldRemove)).toEqual([]);
    expect(ids((await cleanupJson(['--empty', '--yes'])).removed)).toEqual([blank]);
    const weekly = await cleanupJson(['--older-than', '7d', '--yes']);
    expect(ids(weekly.removed)).toEqual([week]);
    expect(weekly.kept?.[0]).toMatchObject({
      id: twoDays,
      rule: 'recent',
      reason: 'last active 2d ago (limit 7d)',
    });

    for (const bad of ['1w', '7', '-1d', '1.5h']) {
      const result = await cleanup(['--older-than', bad, '--yes']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^claude-session: --older-than ".*": give a whole number and a unit, e\.g\. 7d, 12h, 30m or 90s\n$/,
      );
    }
    expect(sandbox.sessionIds()).toEqual([twoDays]);
  });

  it('handles corrupt records: removed when old (saying why), kept when recent, pinned or from a newer schema', async () => {
    const tornOld = await create('torn-old');
    const tornNew = await create('torn-new');
    const tornPinned = await create('torn-pinned');
    const future = await create('future');
    const record = (id: string) => join(sessionDir(id), 'session.json');
    writeFileSync(record(tornOld), '{"schema": 1, "id": ');
    writeFileSync(record(tornNew), '{"schema": 1, "id": ');
    writeFileSync(record(tornPinned), '{"schema": 1, "pinned": true, "id": ');
    writeFileSync(record(future), JSON.stringify({ ...sandbox.sessionRecord(future), schema: 2 }));
    for (const id of [tornOld, tornPinned, future]) age(id, 60 * DAY);

    const result = await cleanup(['--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /broken \(session\.json is not valid JSON\), inactive for 60d \(limit 30d\)$/m,
    );
    expect(result.stdout).toContain(
      `${future.slice(0, 8)}  session.json has schema 2, this version reads 1: left for you to inspect`,
    );
    expect(sandbox.sessionIds().sort()).toEqual([tornNew, tornPinned, future].sort());
    // Its name entry goes too, though the torn record could not say its name.
    expect(readdirSync(join(sandbox.root, 'names')).sort()).toEqual(['future', 'torn-new', 'torn-pinned']);
  });
});

describe('cleanup removes only what it can prove is ours and ended', () => {
  it('leaves a dir without a record (saying how to remove it), and keeps a session with a conversation anywhere in it', async () => {
    // A uuid dir with no session.json, holding a history and a transcript straight in it (the earlier
    // shell version's layout, or someone's copy): not provably ours, and not empty.
    const stray = randomUUID();
    mkdirSync(join(sessionDir(stray), 'projects', '-work'), { recursive: true, mode: 0o700 });
    writeFileSync(join(sessionDir(stray), 'history.jsonl'), '{"display":"my prompt"}\n');
    writeFileSync(join(sessionDir(stray), 'projects', '-work', 'c.jsonl'), '{"type":"user"}\n');
    // A session of ours whose config/ holds nothing, with a transcript someone put beside it.
    const beside = await create('beside', { FAKE_CLAUDE_NO_WRITE: '1' });
    mkdirSync(join(sessionDir(beside), 'saved'));
    writeFileSync(join(sessionDir(beside), 'saved', 'kept.jsonl'), '{"type":"assistant"}\n');
    for (const id of [stray, beside]) touch(sessionDir(id), new Date(Date.now() - 2 * HOUR));

    const result = await cleanup(['--yes', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.removed).toEqual([]);
    expect(report.kept.find((k: { id: string }) => k.id === stray)).toMatchObject({
      rule: 'not-ours',
      reason: `not ours to delete: it has no session.json, so nothing shows it is a session of ours (if it is yours to lose: rm -r ${sessionDir(stray)})`,
    });
    expect(report.kept.find((k: { id: string }) => k.id === beside)).toMatchObject({ rule: 'recent' });
    expect(existsSync(join(sessionDir(stray), 'projects', '-work', 'c.jsonl'))).toBe(true);
    expect(existsSync(join(sessionDir(beside), 'saved', 'kept.jsonl'))).toBe(true);
    const text = await cleanup(['--dry-run']);
    expect(text.stdout).toContain(`${stray.slice(0, 8)}  not ours to delete: it has no session.json`);
  });
});

describe('cleanup --dry-run', () => {
  it('makes the same plan as the real run and changes nothing on disk', async () => {
    const kept = await create('kept');
    const gone = [await create('a'), await create('b'), await create('c', { FAKE_CLAUDE_NO_WRITE: '1' })];
    for (const id of gone) age(id, 45 * DAY);
    age(kept, 2 * DAY);
    // Leftovers the real run removes: a killed cleanup's trash, a name whose session is gone, temp files.
    mkdirSync(join(sessions(), '.trash-00000000-0000-4000-8000-000000000009-99999999', 'config'), {
      recursive: true,
    });
    symlinkSync('00000000-0000-4000-8000-000000000008', join(sandbox.root, 'names', 'ghost'));
    mkdirSync(join(sessionDir(kept), 'tmp', 'cc-socks'), { recursive: true });
    writeFileSync(join(sessionDir(kept), 'tmp', 'cc-socks', '99999999.sock'), '');
    age(kept, 2 * DAY);

    const before = snapshot(sandbox.root);
    const text = await cleanup(['--dry-run']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^would remove 3 sessions, freeing \S+ \(rules: /m);
    expect(text.stdout).toMatch(/^would clear the temp files Claude left in 1 ended session/m);
    expect(text.stdout).toMatch(
      /^would remove a leftover of an interrupted run: ~\/\.claude-sessions\/sessions\/\.trash-/m,
    );
    expect(text.stdout).toMatch(/^dry run: nothing was changed$/m);
    const planned = await cleanupJson(['--dry-run']);
    expect(snapshot(sandbox.root)).toBe(before);

    const done = await cleanupJson(['--yes']);
    expect(ids(done.removed)).toEqual(ids(planned.wouldRemove));
    expect(ids(done.removed)).toEqual([...gone].sort());
    expect(done.removedLeftovers).toEqual(planned.wouldRemoveLeftovers);
    expect(done.removedLeftovers).toHaveLength(2);
    expect(ids(done.clearedTemp)).toEqual([kept]);
    expect(readdirSync(join(sessionDir(kept), 'tmp'))).toEqual([]);
    expect(readdirSync(sessions())).toEqual([kept]);
  });
});

describe('cleanup never follows a link', () => {
  it('a planted link to a dir outside the root survives with its contents; a session dir that is a link stays', async () => {
    const outside = join(sandbox.dir, 'outside');
    mkdirSync(join(outside, 'deep'), { recursive: true });
    writeFileSync(join(outside, 'precious.txt'), 'keep me\n');
    writeFileSync(join(outside, 'deep', 'file.txt'), 'me too\n');
    const planted = await create('planted');
    const config = join(sessionDir(planted), 'config');
    symlinkSync(outside, join(config, 'planted-dir'));
    symlinkSync(join(outside, 'precious.txt'), join(config, 'projects', 'planted-file'));
    symlinkSync(outside, join(sessionDir(planted), 'tmp', 'planted-tmp'));
    age(planted, 40 * DAY);
    // A session dir that is itself a link to a copy of a session outside the root.
    const lookalike = await create('lookalike');
    const elsewhere = join(sandbox.dir, 'elsewhere');
    cpSync(sessionDir(lookalike), elsewhere, { recursive: true, verbatimSymlinks: true });
    const { rmSync } = await import('node:fs');
    rmSync(sessionDir(lookalike), { recursive: true });
    symlinkSync(elsewhere, sessionDir(lookalike));
    age(lookalike, 40 * DAY);
    touch(elsewhere, new Date(Date.now() - 40 * DAY));
    const outsideBefore = snapshot(outside);
    const elsewhereBefore = snapshot(elsewhere);
    const baseBefore = snapshot(sandbox.base);

    const result = await cleanupJson(['--yes']);
    expect(ids(result.removed)).toEqual([planted]);
    expect(result.kept).toEqual([
      expect.objectContaining({
        id: lookalike,
        rule: 'not-ours',
        reason: expect.stringContaining('symbolic link'),
      }),
    ]);
    expect(existsSync(sessionDir(planted))).toBe(false);
    expect(snapshot(outside)).toBe(outsideBefore);
    expect(readFileSync(join(outside, 'deep', 'file.txt'), 'utf8')).toBe('me too\n');
    expect(lstatSync(sessionDir(lookalike)).isSymbolicLink()).toBe(true);
    expect(snapshot(elsewhere)).toBe(elsewhereBefore);
    expect(snapshot(sandbox.base)).toBe(baseBefore);
  });

  it('leaves the shared skills, agents and commands intact after removing 100 sessions', async () => {
    for (let batch = 0; batch < 10; batch++) {
      const runs = Array.from({ length: 10 }, () => sandbox.run(['--', '-p', 'x'], { cwd: sandbox.dir }));
      for (const result of await Promise.all(runs)) expect(result.code, result.stderr).toBe(0);
    }
    const all = sandbox.sessionIds();
    expect(all).toHaveLength(100);
    for (const id of all) age(id, 31 * DAY);
    const baseBefore = snapshot(sandbox.base);
    expect(baseBefore).toContain('./skills/hello-skill/SKILL.md file');

    const result = await cleanupJson(['--yes']);
    expect(result.removed).toHaveLength(100);
    expect(snapshot(sandbox.base)).toBe(baseBefore);
    expect(readdirSync(sessions())).toEqual([]);
    expect(readdirSync(join(sandbox.root, 'live'))).toEqual([]);
  });
});

describe('cleanup racing with resume', () => {
  /** `count` old sessions copied from `model` under new ids: they make cleanup's removals last a while. */
  function fillers(model: string, count: number): void {
    const record = sandbox.sessionRecord(model);
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      cpSync(sessionDir(model), sessionDir(id), { recursive: true, verbatimSymlinks: true });
      writeFileSync(join(sessionDir(id), 'session.json'), JSON.stringify({ ...record, id, name: null }));
      age(id, 40 * DAY);
    }
  }

  it('each of 10 resumes runs in a whole session or says it was removed; never a half-deleted dir', async () => {
    const outcomes = { resumed: 0, removed: 0 };
    for (let round = 0; round < 3; round++) {
      const targets: string[] = [];
      for (let i = 0; i < 10; i++) targets.push(await create(`race-${round}-${i}`));
      fillers(targets[0] as string, 300);
      for (const id of targets) age(id, 40 * DAY);
      const logged = new Set(sandbox.records().map((record) => record.pid));
      const cleaning = cleanup(['--yes', '--json']);
      // Round 0 starts the resumes with cleanup; later rounds once it has begun removing, spread out.
      if (round > 0) {
        await waitFor(() =>
          readdirSync(sessions()).some((name) => name.startsWith('.trash-')) ? true : undefined,
        );
      }
      const resumes = targets.map(async (id, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * (round - 1) * 15));
        return sandbox.run(['resume', id], { env: { FAKE_CLAUDE_SLEEP_MS: String(100 * round) } });
      });
      const [cleaned, ...resumed] = await Promise.all([cleaning, ...resumes]);
      expect(cleaned?.code, cleaned?.stderr).toBe(0);
      const removed = new Set(ids(JSON.parse(cleaned?.stdout ?? '{}').removed));
      const claudes = sandbox.records().filter((record) => !logged.has(record.pid));
      for (const [i, id] of targets.entries()) {
        const result = resumed[i] as Result;
        const claude = claudes.find((record) => record.env.CLAUDE_SESSION_ID === id);
        if (result.code === 0) {
          // It ran in the whole session: its config dir had the shared links, and the session stayed.
          outcomes.resumed++;
          expect(claude?.sees?.skills).toEqual(['hello-skill']);
          expect(removed.has(id)).toBe(false);
          expect(sandbox.sessionRecord(id).launches).toBe(2);
        } else {
          outcomes.removed++;
          expect(result.stderr).toMatch(/^claude-session: .*(was removed|no session)/);
          expect(result.stderr.trim().split('\n')).toHaveLength(1);
          expect(claude).toBeUndefined();
          expect(removed.has(id)).toBe(true);
          expect(existsSync(sessionDir(id))).toBe(false);
        }
      }
      expect(readdirSync(sessions()).filter((name) => name.startsWith('.'))).toEqual([]);
      await sandbox.killSessions();
    }
    // Both ends of the race happened (each round mixes them; the three together always have).
    expect(outcomes.resumed).toBeGreaterThan(0);
    expect(outcomes.removed).toBeGreaterThan(0);
  });
});

// Only root can give a dir away (the rule itself is covered by the plan tests): not root, it is skipped.
describe.skipIf(process.getuid?.() !== 0)('cleanup and ownership, as root', () => {
  it('runs as an ordinary user and leaves alone a session dir that belongs to someone else', async () => {
    const user = ordinaryUser();
    if (!user) throw new Error('no ordinary user to run as');
    chownTree(sandbox.dir, user);
    const as = { asUser: user };
    const runAs = (args: string[]) => sandbox.run(args, { ...as, cwd: sandbox.dir });
    expect((await runAs(['--name', 'mine', '--', '-p', 'x'])).code).toBe(0);
    expect((await runAs(['--name', 'theirs', '--', '-p', 'x'])).code).toBe(0);
    const mine = sandbox.sessionIds().find((id) => sandbox.sessionRecord(id).name === 'mine') as string;
    const theirs = sandbox.sessionIds().find((id) => sandbox.sessionRecord(id).name === 'theirs') as string;
    // A dir without write permission inside (Go's module cache makes those): removed all the same.
    const readOnly = join(sessionDir(mine), 'tmp', 'gomodcache');
    mkdirSync(join(readOnly, 'pkg'), { recursive: true });
    writeFileSync(join(readOnly, 'pkg', 'mod.go'), 'package x\n');
    chownTree(readOnly, user);
    chmodSync(join(readOnly, 'pkg'), 0o555);
    chmodSync(readOnly, 0o555);
    age(mine, 40 * DAY);
    age(theirs, 40 * DAY);
    const other = user.uid === 0 ? 1 : 0;
    chownSync(sessionDir(theirs), other, other);

    const result = await sandbox.run(['cleanup', '--yes'], as);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `${theirs.slice(0, 8)}  not ours to delete: the session dir belongs to uid ${other}`,
    );
    expect(existsSync(sessionDir(mine))).toBe(false);
    expect(existsSync(join(sessionDir(theirs), 'config', 'history.jsonl'))).toBe(true);
  });
});

describe('cleanup leftovers', () => {
  it('removes what interrupted runs and ended Claudes left; reports what is not ours and leaves it', async () => {
    const outside = join(sandbox.dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'file'), 'x');
    const ended = await create('ended');
    const tmp = join(sessionDir(ended), 'tmp');
    mkdirSync(join(tmp, 'cc-socks'), { recursive: true });
    mkdirSync(join(tmp, 'claude-0'), { recursive: true });
    writeFileSync(join(tmp, 'cc-socks', '12345.sock'), '');
    writeFileSync(join(tmp, 'claude-0', 'fswatch-probe-1'), '');
    symlinkSync(outside, join(tmp, 'link'));
    age(ended, 2 * DAY);
    const running = await startRunning('running');
    const runningId = sandbox
      .sessionIds()
      .find((id) => sandbox.sessionRecord(id).name === 'running') as string;
    writeFileSync(join(sessionDir(runningId), 'tmp', 'in-use.sock'), '');
    const deadTrash = join(sessions(), '.trash-00000000-0000-4000-8000-000000000001-99999999');
    const liveTrash = join(sessions(), `.trash-00000000-0000-4000-8000-000000000002-${process.pid}`);
    const oldBuild = join(sessions(), '.new-00000000-0000-4000-8000-000000000003');
    const newBuild = join(sessions(), '.new-00000000-0000-4000-8000-000000000004');
    for (const dir of [deadTrash, liveTrash, oldBuild, newBuild])
      mkdirSync(join(dir, 'config'), { recursive: true });
    symlinkSync(outside, join(deadTrash, 'config', 'skills'));
    touch(oldBuild, new Date(Date.now() - 2 * HOUR));
    writeFileSync(join(sessions(), 'notes.txt'), 'mine\n');
    symlinkSync('00000000-0000-4000-8000-000000000005', join(sandbox.root, 'names', 'ghost'));

    const result = await cleanup(['--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^cleared the temp files Claude left in 1 ended session \(\S+\)$/m);
    expect(result.stdout).toContain(
      'removed a leftover of an interrupted run: ~/.claude-sessions/sessions/.trash-',
    );
    expect(result.stdout).toContain('not ours, left alone: ~/.claude-sessions/sessions/notes.txt');
    expect(readdirSync(tmp)).toEqual([]);
    expect(readFileSync(join(outside, 'file'), 'utf8')).toBe('x');
    expect(existsSync(join(sessionDir(runningId), 'tmp', 'in-use.sock'))).toBe(true);
    expect(readdirSync(sessions()).sort()).toEqual(
      [
        '.new-00000000-0000-4000-8000-000000000004',
        `.trash-00000000-0000-4000-8000-000000000002-${process.pid}`,
        ended,
        'notes.txt',
        runningId,
      ].sort(),
    );
    expect(readdirSync(join(sandbox.root, 'names')).sort()).toEqual(['ended', 'running']);
    running.kill('SIGKILL');
  });
});

describe('cleanup confirmation', () => {
  it('refuses without a terminal unless --yes, and asks y/N on one', async () => {
    const old = await create('old');
    age(old, 40 * DAY);
    const refused = await cleanup([]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^claude-session: cleanup would remove 1 session\(s\) \(\S+\) and there is no terminal to ask: add --yes to remove them, or --dry-run to list them\n$/,
    );
    expect(sandbox.sessionIds()).toEqual([old]);

    for (const answer of ['n', 'y']) {
      const tmux = await startTmux({ cmd: [CLI, 'cleanup'], env: sandbox.env(), cwd: sandbox.home });
      try {
        await tmux.waitFor(/remove these 1 session\(s\) \(\S+\)\? \[y\/N\]/);
        await tmux.send(answer);
        await tmux.enter();
        await tmux.waitFor(answer === 'y' ? /^removed 1 session/m : /nothing was removed/);
        const exit = await waitFor(() => tmux.exitStatus(), 5_000);
        // tmux 3.3 does not always learn the status (see test/support/tmux.ts): then it is null.
        expect([answer === 'y' ? 0 : 1, null]).toContain(exit.code);
      } finally {
        await tmux.kill();
      }
      expect(sandbox.sessionIds()).toEqual(answer === 'y' ? [] : [old]);
    }
  });
});

describe('cleanup --install-timer / --remove-timer', () => {
  /** A fake command on PATH that logs its argv (and stdin for crontab) and acts as `script` says. */
  function fake(name: string, script: string): string {
    const log = join(sandbox.dir, `${name}.log`);
    writeFileSync(join(sandbox.bin, name), `#!/bin/sh\necho "$*" >> '${log}'\n${script}\n`, { mode: 0o755 });
    return log;
  }
  const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').trimEnd().split('\n') : []);
  const entry = realpathSync(join(REPO, 'bin', 'claude-session'));

  it('installs a daily systemd user timer where `systemctl --user` works, and removes it', async () => {
    const log = fake('systemctl', 'exit 0');
    const installed = await cleanup(['--install-timer', '--older-than', '14d']);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(
      /^installed a systemd user timer that runs `claude-session cleanup --yes --older-than 14d` daily/,
    );
    const units = join(sandbox.home, '.config', 'systemd', 'user');
    const service = readFileSync(join(units, 'claude-session-cleanup.service'), 'utf8');
    expect(service).toContain(`ExecStart="${entry}" "cleanup" "--yes" "--older-than" "14d"\n`);
    expect(service).toMatch(/^Environment="CLAUDE_SESSION_NODE=\/\S+"$/m);
    expect(readFileSync(join(units, 'claude-session-cleanup.timer'), 'utf8')).toContain('OnCalendar=daily\n');
    expect(lines(log)).toEqual([
      '--user show-environment',
      '--user daemon-reload',
      '--user enable --now claude-session-cleanup.timer',
    ]);

    const removed = await cleanup(['--remove-timer']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('removed the systemd user timer');
    expect(readdirSync(units)).toEqual([]);
    expect(lines(log).slice(3)).toEqual([
      '--user show-environment',
      '--user disable --now claude-session-cleanup.timer',
      '--user daemon-reload',
    ]);
    expect((await cleanup(['--remove-timer'])).stdout).toBe('no cleanup timer was installed\n');
  });

  it('else adds a tagged crontab line that works from cron’s bare environment, and removes only that', async () => {
    fake('systemctl', 'echo "Failed to connect to bus" >&2; exit 1');
    const table = join(sandbox.dir, 'crontab.txt');
    writeFileSync(table, 'MAILTO=me\n0 * * * * backup\n');
    fake('crontab', `case "$1" in -l) cat '${table}' ;; -) cat > '${table}' ;; esac`);
    for (let i = 0; i < 2; i++) {
      const installed = await cleanup(['--install-timer']);
      expect(installed.code, installed.stderr).toBe(0);
      expect(installed.stdout).toMatch(/^added to your crontab \(daily at 04:23\): 23 4 \* \* \* /);
    }
    const [mailto, backup, ours, ...rest] = lines(table);
    expect([mailto, backup, rest]).toEqual(['MAILTO=me', '0 * * * * backup', []]);
    expect(ours).toMatch(
      new RegExp(
        `^23 4 \\* \\* \\* CLAUDE_SESSION_NODE=\\S+ ${entry} cleanup --yes >/dev/null # claude-session-cleanup$`,
      ),
    );

    // What cron runs: the command part, by sh, with no PATH to find node on.
    const old = await create('old');
    age(old, 40 * DAY);
    const command = (ours as string).split(' ').slice(5).join(' ').replace('>/dev/null', '');

    const ran = await runCommand('/bin/sh', ['-c', command], {
      env: { HOME: sandbox.home, PATH: '/nonexistent' },
    });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^removed 1 session/);

    expect((await cleanup(['--remove-timer'])).stdout).toBe('removed the cleanup line from your crontab\n');
    expect(lines(table)).toEqual(['MAILTO=me', '0 * * * * backup']);
  });

  it('says what to do where there is neither', async () => {
    fake('systemctl', 'exit 1');
    const bare = { PATH: `${sandbox.bin}:/nonexistent`, CLAUDE_SESSION_NODE: process.execPath };
    const result = await cleanup(['--install-timer'], bare);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^claude-session: neither a systemd user session .* nor `crontab` is available here: run `claude-session cleanup --yes` from the scheduler you have\n$/,
    );
  });
});

describe('pin and unpin', () => {
  it('find a session as resume does, say when nothing changes, and refuse a broken or unknown one', async () => {
    const id = await create('keeper');
    expect((await sandbox.run(['pin', id])).code).toBe(0);
    expect(sandbox.sessionRecord(id).pinned).toBe(true);
    expect((await sandbox.run(['pin', 'keeper'])).stdout).toBe(
      `session "keeper" (${id.slice(0, 8)}) is already pinned\n`,
    );
    expect((await sandbox.run(['unpin', id.slice(0, 5)])).stdout).toMatch(/^unpinned session "keeper"/);
    expect(sandbox.sessionRecord(id)).not.toHaveProperty('pinned');

    const unknown = await sandbox.run(['pin', 'nobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      'claude-session: no session "nobody": see `claude-session list` for ids and names\n',
    );
    writeFileSync(join(sessionDir(id), 'session.json'), '{');
    const broken = await sandbox.run(['pin', id]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(
      /^claude-session: session \w{8} is broken \(session\.json is not valid JSON\): inspect /,
    );
    const entries = auditEntries()
      .filter((entry) => entry.session === id)
      .map((entry) => entry.action);
    expect(entries).toEqual(['created', 'pinned', 'unpinned']);
  });
});
