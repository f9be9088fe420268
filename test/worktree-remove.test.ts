import {
  appendFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectWorktree } from '../src/worktree/inspect.js';
import type { WorktreeRecord } from '../src/worktree/model.js';
import { removeInspected } from '../src/worktree/remove.js';
import { commit, git, makeRepo } from './support/git.js';
import { type Result, Sandbox, snapshot } from './support/sandbox.js';

// Issue 12, never lose work: rm, rm --force and cleanup with a session's worktree, against real git.
let sandbox: Sandbox;
let repo: string;
beforeEach(() => {
  sandbox = new Sandbox();
  repo = makeRepo(join(sandbox.dir, 'repo'), { 'README.md': 'hello\n', '.gitignore': '*.log\n' });
});
afterEach(async () => {
  await sandbox.killSessions();
  sandbox.cleanup();
});

const DAY = 86_400_000;
const cs = (args: string[]): Promise<Result> => sandbox.run(args, { cwd: repo });
const worktreesDir = () => join(sandbox.root, 'worktrees');
const worktreeDirs = () => (existsSync(worktreesDir()) ? readdirSync(worktreesDir()).sort() : []);
const branches = () => git(repo, 'branch', '--format=%(refname:short)').split('\n').sort();
const registered = () =>
  git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
/** What git holds, to show that a refusal changed nothing. */
const gitState = () =>
  [
    git(repo, 'worktree', 'list', '--porcelain'),
    git(repo, 'for-each-ref', '--format=%(refname) %(objectname)'),
    git(repo, 'stash', 'list'),
  ].join('\n');

interface Started {
  id: string;
  name: string;
  path: string;
  branch: string;
}

/** `new --worktree --name NAME` in the repository: the fake Claude writes a conversation and ends. */
async function start(name: string, branch?: string): Promise<Started> {
  const before = new Set(sandbox.sessionIds());
  const result = await cs([
    'new',
    '--worktree',
    ...(branch ? [branch] : []),
    '--name',
    name,
    '--',
    '-p',
    'hi',
  ]);
  expect(result.code, result.stderr).toBe(0);
  const id = sandbox.sessionIds().find((other) => !before.has(other)) as string;
  const worktree = sandbox.sessionRecord(id).worktree as { path: string; branch: string };
  return { id, name, path: worktree.path, branch: worktree.branch };
}

type Work = 'dirty' | 'untracked' | 'unpushed' | 'stash';

/** Makes one kind of work in a session's worktree. */
function make(work: Work, session: Started): void {
  if (work === 'dirty') appendFileSync(join(session.path, 'README.md'), 'changed\n');
  if (work === 'untracked') writeFileSync(join(session.path, 'notes.txt'), 'my notes\n');
  if (work === 'unpushed') commit(session.path, { 'feature.txt': 'feature\n' }, 'unpushed work');
  if (work === 'stash') {
    appendFileSync(join(session.path, 'README.md'), 'for later\n');
    git(session.path, 'stash', 'push', '-q', '-m', 'for later');
  }
}

/** Exactly what each kind of work is listed as. */
const LISTED: Record<Work, RegExp> = {
  dirty: /1 file with uncommitted changes \(README\.md\)/,
  untracked: /1 untracked file \(notes\.txt\)/,
  unpushed: /1 commit on no other branch or remote \([0-9a-f]{7} unpushed work\)/,
  stash: /1 stash made there/,
};
const WORK: Work[] = ['dirty', 'untracked', 'unpushed', 'stash'];

/** Makes a session `ms` old: its record's dates and its files' times (cleanup's idea of activity). */
function age(id: string, ms: number): void {
  const when = new Date(Date.now() - ms);
  const file = join(sandbox.root, 'sessions', id, 'session.json');
  const record = JSON.parse(readFileSync(file, 'utf8'));
  record.createdAt = when.toISOString();
  record.lastLaunchAt = when.toISOString();
  writeFileSync(file, JSON.stringify(record));
  const touch = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) for (const name of readdirSync(path)) touch(join(path, name));
    utimesSync(path, when, when);
  };
  touch(join(sandbox.root, 'sessions', id));
}

/** The worktree, its dir under the worktrees dir, its registration and (a branch we made) its branch: all gone. */
function expectGone(session: Started): void {
  expect(existsSync(join(worktreesDir(), session.id))).toBe(false);
  expect(registered()).not.toContain(session.path);
  expect(branches()).not.toContain(session.branch);
  expect(sandbox.sessionIds()).not.toContain(session.id);
}

/** The session, its worktree with what it holds, its branch: all still there. */
function expectKept(session: Started): void {
  expect(sandbox.sessionIds()).toContain(session.id);
  expect(existsSync(session.path)).toBe(true);
  expect(registered()).toContain(session.path);
  expect(branches()).toContain(session.branch);
}

describe('rm with a worktree', () => {
  it('refuses a worktree holding work, listing exactly what would be lost, one line per session; changes nothing', async () => {
    const sessions = new Map<Work, Started>();
    for (const work of WORK) {
      const session = await start(work);
      make(work, session);
      sessions.set(work, session);
    }
    const root = snapshot(sandbox.root);
    const before = gitState();
    for (const [work, session] of sessions) {
      for (const flags of [[], ['--dry-run']]) {
        const result = await cs(['rm', work, ...flags]);
        expect(result.code, `${work} ${flags}`).toBe(1);
        expect(result.stdout).toBe('');
        const line = result.stderr.trim();
        expect(line.split('\n')).toHaveLength(1);
        expect(line).toMatch(
          new RegExp(
            `^claude-session: session "${work}" \\(${session.id.slice(0, 8)}\\): its worktree ${session.path} holds work that would be lost: `,
          ),
        );
        expect(line).toMatch(LISTED[work]);
        // Only that work, not the others'.
        for (const other of WORK.filter((kind) => kind !== work)) expect(line).not.toMatch(LISTED[other]);
        // The way out: keep it, or --force on this one session.
        expect(line).toMatch(
          /: to keep it, .*; or `claude-session rm --force \w+` removes it anyway \(.*\) \(nothing was removed\)$/,
        );
      }
    }
    expect((await cs(['rm', 'dirty'])).stderr).toContain(
      'to keep it, commit its changes, merge or push its branch claude-session/dirty;',
    );
    expect((await cs(['rm', 'unpushed'])).stderr).toContain(
      'to keep it, merge or push its branch claude-session/unpushed; or `claude-session rm --force unpushed` removes it anyway (its branch claude-session/unpushed kept with its commits)',
    );
    expect((await cs(['rm', 'untracked'])).stderr).toContain(
      `(its files saved in refs/claude-session/backup/${sessions.get('untracked')?.id} first)`,
    );
    expect((await cs(['rm', 'stash'])).stderr).toContain('apply or drop its stashes');

    // All four at once: a line each, then that nothing was removed.
    const all = await cs(['rm', ...WORK]);
    expect(all.code).toBe(1);
    const lines = all.stderr.trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const [index, work] of WORK.entries()) expect(lines[index]).toMatch(LISTED[work]);
    expect(lines[4]).toBe('claude-session: nothing was removed');

    // --json says it too, with each refused session's worktree.
    const json = await cs(['rm', 'unpushed', 'stash', '--json']);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({ dryRun: false, removed: [], failed: [], exitCode: 1 });
    expect(parsed.refused).toEqual([
      expect.objectContaining({
        id: sessions.get('unpushed')?.id,
        rule: 'worktree-work',
        worktree: expect.objectContaining({
          path: sessions.get('unpushed')?.path,
          repo,
          branch: 'claude-session/unpushed',
          atRisk: [expect.stringMatching(LISTED.unpushed)],
          dir: 'left',
          branchOutcome: 'kept',
          backup: null,
        }),
      }),
      expect.objectContaining({
        id: sessions.get('stash')?.id,
        worktree: expect.objectContaining({ atRisk: ['1 stash made there'], dir: 'left' }),
      }),
    ]);

    expect(snapshot(sandbox.root)).toBe(root);
    expect(gitState()).toBe(before);
    for (const session of sessions.values()) expectKept(session);
  });

  it('removes a clean session with its worktree and branch, and one whose commits are merged or pushed; a branch from before stays', async () => {
    const clean = await start('clean');
    // Ignored files are not work.
    writeFileSync(join(clean.path, 'build.log'), 'noise\n');
    const merged = await start('merged');
    commit(merged.path, { 'merged.txt': 'm\n' }, 'merged work');
    git(repo, 'merge', '-q', '--ff-only', merged.branch);
    const pushed = await start('pushed');
    commit(pushed.path, { 'pushed.txt': 'p\n' }, 'pushed work');
    const remote = join(sandbox.dir, 'remote.git');
    git(sandbox.dir, 'init', '-q', '--bare', remote);
    git(repo, 'remote', 'add', 'origin', remote);
    git(pushed.path, 'push', '-q', 'origin', pushed.branch);
    git(repo, 'branch', 'feature');
    const existing = await start('existing', 'feature');

    const root = snapshot(sandbox.root);
    const dry = await cs(['rm', 'clean', 'merged', 'pushed', 'existing', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(
      `would remove session "clean" (${clean.id.slice(0, 8)}), ` /* size follows */,
    );
    expect(dry.stdout).toContain(
      `  would remove its worktree ${clean.path}\n  would delete its branch claude-session/clean (nothing on it was only there)\n`,
    );
    expect(dry.stdout).toContain(
      `  would remove its worktree ${existing.path}\n  would keep its branch feature: it existed before the session\n`,
    );
    expect(dry.stdout).toMatch(/dry run: nothing was changed\n$/);
    expect(snapshot(sandbox.root)).toBe(root);
    expect(registered()).toHaveLength(5);

    const result = await cs(['rm', 'clean', 'merged', 'pushed', 'existing', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.removed.map((entry: { worktree: unknown }) => entry.worktree)).toEqual([
      expect.objectContaining({ path: clean.path, dir: 'removed', branchOutcome: 'deleted', atRisk: [] }),
      expect.objectContaining({ path: merged.path, dir: 'removed', branchOutcome: 'deleted' }),
      expect.objectContaining({ path: pushed.path, dir: 'removed', branchOutcome: 'deleted' }),
      expect.objectContaining({
        path: existing.path,
        dir: 'removed',
        branchOutcome: 'not-ours',
        branchReason: 'it existed before the session',
      }),
    ]);
    for (const session of [clean, merged, pushed]) expectGone(session);
    expect(existsSync(existing.path)).toBe(false);
    expect(branches()).toEqual(['feature', 'main']);
    expect(registered()).toEqual([repo]);
    expect(worktreeDirs()).toEqual([]);
    // The pushed commits are still on the remote, the merged ones on main.
    expect(git(repo, 'log', '--format=%s', 'main')).toContain('merged work');
    expect(git(remote, 'log', '-1', '--format=%s', pushed.branch)).toBe('pushed work');
    const audit = readFileSync(join(sandbox.root, 'audit.log'), 'utf8');
    expect(audit).toContain(`"detail":"by rm; worktree removed, branch claude-session/clean deleted"`);
  });

  it('--force on that one session alone: files to the backup ref, commits kept on the branch, stashes kept; never with others named', async () => {
    const busy = await start('busy');
    // The commit and the stash first: each takes the files there at the time.
    for (const work of ['unpushed', 'stash', 'dirty', 'untracked'] as const) make(work, busy);
    const unpushed = git(busy.path, 'rev-parse', 'HEAD');
    const other = await start('other');
    const root = snapshot(sandbox.root);
    const before = gitState();

    // --force with two sessions named discards nothing.
    const both = await cs(['rm', 'busy', 'other', '--force']);
    expect(both.code).toBe(1);
    expect(both.stderr.trim()).toMatch(
      /^claude-session: session "busy" \(\w{8}\): its worktree .* holds work that would be lost: .*: --force discards a worktree's work only for a session named alone \(`claude-session rm --force busy`\) \(nothing was removed\)$/,
    );
    expect(snapshot(sandbox.root)).toBe(root);
    expect(gitState()).toBe(before);

    // The dry run says where everything would go, and changes nothing.
    const dry = await cs(['rm', 'busy', '--force', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).wouldRemove[0].worktree).toMatchObject({
      atRisk: [
        expect.stringMatching(LISTED.dirty),
        expect.stringMatching(LISTED.untracked),
        expect.stringMatching(LISTED.unpushed),
        '1 stash made there',
      ],
      dir: 'removed',
      branchOutcome: 'kept',
      branchReason: 'it has 1 commit on no other branch',
      backup: null,
      toSave: { files: 2, ref: `refs/claude-session/backup/${busy.id}` },
      stashes: 1,
    });
    expect(snapshot(sandbox.root)).toBe(root);
    expect(gitState()).toBe(before);

    const forced = await cs(['rm', 'busy', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    const ref = `refs/claude-session/backup/${busy.id}`;
    const saved = git(repo, 'rev-parse', ref);
    expect(forced.stdout).toContain(
      `  saved its uncommitted and untracked files as commit ${saved.slice(0, 12)} in ${ref} (\`git -C ${repo} branch claude-session/busy-saved ${saved.slice(0, 12)}\` puts them on a branch)\n`,
    );
    expect(forced.stdout).toContain(`  removed its worktree ${busy.path}\n`);
    expect(forced.stdout).toContain(
      '  kept its branch claude-session/busy: it has 1 commit on no other branch\n',
    );
    expect(forced.stdout).toContain('  its stash stays in `git stash list`\n');
    // The files, exactly as they were, on top of the branch's commit.
    expect(git(repo, 'show', `${ref}:README.md`)).toBe('hello\nchanged');
    expect(git(repo, 'show', `${ref}:notes.txt`)).toBe('my notes');
    expect(git(repo, 'rev-parse', `${ref}^`)).toBe(unpushed);
    // The commit, on its branch; the stash, in the list.
    expect(git(repo, 'rev-parse', busy.branch)).toBe(unpushed);
    expect(git(repo, 'log', '-1', '--format=%s', busy.branch)).toBe('unpushed work');
    expect(git(repo, 'stash', 'list')).toContain('On claude-session/busy: for later');
    expect(existsSync(join(worktreesDir(), busy.id))).toBe(false);
    expect(registered()).not.toContain(busy.path);
    expect(sandbox.sessionIds()).toEqual([other.id]);
    const audit = readFileSync(join(sandbox.root, 'audit.log'), 'utf8');
    expect(audit).toContain(
      `by rm (the work in its worktree discarded, --force); worktree removed, branch claude-session/busy kept, files saved in ${ref}`,
    );
  });
});

describe('between the look and the removal', () => {
  it('a file written after the worktree was judged clean makes git refuse: the worktree, its file and its branch stay', async () => {
    const session = await start('late');
    const record = sandbox.sessionRecord(session.id).worktree as WorktreeRecord;
    const state = await inspectWorktree(record, sandbox.env());
    expect(state.changed + state.untracked).toBe(0);
    writeFileSync(join(session.path, 'late.txt'), 'written just now\n');
    const removal = removeInspected(record, state, {
      id: session.id,
      worktreesDir: worktreesDir(),
      force: false,
      env: sandbox.env(),
    });
    expect(removal.refused).toMatch(
      /^git could not remove the worktree .*contains modified or untracked files/,
    );
    expect(removal).toMatchObject({ worktree: 'left', branch: 'kept' });
    expect(readFileSync(join(session.path, 'late.txt'), 'utf8')).toBe('written just now\n');
    expect(branches()).toContain(session.branch);
  });
});

describe('cleanup with worktrees', () => {
  it('keeps an old session whose worktree holds work, saying why; removes a clean one with its worktree and branch', async () => {
    const sessions = new Map<Work, Started>();
    for (const work of WORK) {
      const session = await start(work);
      make(work, session);
      sessions.set(work, session);
    }
    const clean = await start('clean');
    const merged = await start('merged');
    commit(merged.path, { 'merged.txt': 'm\n' }, 'merged work');
    git(repo, 'merge', '-q', '--ff-only', merged.branch);
    const recent = await start('recent');
    for (const session of [...sessions.values(), clean, merged]) age(session.id, 40 * DAY);
    const root = snapshot(sandbox.root);
    const before = gitState();

    const dry = await sandbox.run(['cleanup', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan.wouldRemove.map((entry: { id: string }) => entry.id)).toEqual([clean.id, merged.id].sort());
    for (const entry of plan.wouldRemove)
      expect(entry.worktree).toMatchObject({ dir: 'removed', branchOutcome: 'deleted', atRisk: [] });
    const kept = new Map<string, { rule: string; reason: string; worktree?: { atRisk: string[] } }>(
      plan.kept.map((entry: { id: string }) => [entry.id, entry]),
    );
    for (const [work, session] of sessions) {
      const entry = kept.get(session.id);
      expect(entry?.rule, work).toBe('worktree-work');
      expect(entry?.reason).toMatch(
        new RegExp(
          `^inactive for 40d \\(limit 30d\\), but its worktree ${session.path} holds work that would be lost: `,
        ),
      );
      expect(entry?.reason).toMatch(LISTED[work]);
      expect(entry?.worktree?.atRisk).toEqual([expect.stringMatching(LISTED[work])]);
    }
    expect(kept.get(recent.id)?.rule).toBe('recent');
    const text = await sandbox.run(['cleanup', '--dry-run']);
    expect(text.stdout).toContain(`  ${clean.id.slice(0, 8)}: would remove its worktree ${clean.path}\n`);
    expect(text.stdout).toContain(`  ${clean.id.slice(0, 8)}: would delete its branch claude-session/clean`);
    expect(text.stdout).toMatch(/would keep 5 sessions: 4 worktree-work, 1 recent/);
    expect(text.stdout).toContain(`holds work that would be lost: 1 untracked file (notes.txt)`);
    expect(snapshot(sandbox.root)).toBe(root);
    expect(gitState()).toBe(before);

    const result = await sandbox.run(['cleanup', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^removed 2 sessions, /m);
    expect(result.stdout).toContain(`  ${clean.id.slice(0, 8)}: removed its worktree ${clean.path}\n`);
    expect(result.stdout).toMatch(/kept 5 sessions: 4 worktree-work, 1 recent/);
    expectGone(clean);
    expectGone(merged);
    for (const session of [...sessions.values(), recent]) expectKept(session);
    expect(worktreeDirs()).toEqual([...[...sessions.values()].map((s) => s.id), recent.id].sort());
    // What they hold is as it was.
    expect(readFileSync(join(sessions.get('untracked')?.path as string, 'notes.txt'), 'utf8')).toBe(
      'my notes\n',
    );
    expect(git(sessions.get('dirty')?.path as string, 'status', '--porcelain')).toBe('M README.md');
    expect(git(repo, 'log', '-1', '--format=%s', 'claude-session/unpushed')).toBe('unpushed work');
    expect(git(repo, 'stash', 'list')).toContain('On claude-session/stash: for later');
  });
});

describe('worktrees changed by hand', () => {
  it('a worktree removed by hand: doctor says how to prune (and does not), rm removes the session and its registration', async () => {
    const session = await start('gone');
    rmSync(session.path, { recursive: true });
    const doctor = await sandbox.run(['doctor', '--json']);
    const findings: { check: string; message: string; fix?: string }[] = JSON.parse(doctor.stdout).findings;
    expect(findings).toContainEqual(
      expect.objectContaining({
        check: 'worktrees',
        message: expect.stringContaining(
          `session ${session.id.slice(0, 8)} (gone): the worktree ${session.path} was removed by hand`,
        ),
        fix: expect.stringContaining('`claude-session rm gone` removes the session'),
      }),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({
        check: 'worktree-registrations',
        message: expect.stringMatching(/^git still lists the worktree .* in .*, but its dir is gone/),
        fix: `git -C ${repo} worktree prune`,
      }),
    );
    // Doctor changed nothing: git still lists it.
    expect(registered()).toContain(session.path);
    expect((await sandbox.run(['cleanup', '--dry-run'])).code).toBe(0);

    const result = await cs(['rm', 'gone']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`  its worktree ${session.path} was gone already\n`);
    expect(result.stdout).toContain('  deleted its branch claude-session/gone');
    expectGone(session);
    const after = JSON.parse((await sandbox.run(['doctor', '--json'])).stdout).findings;
    expect(after.filter((finding: { check: string }) => finding.check.startsWith('worktree'))).toEqual([]);
  });

  it('its branch deleted, the repository moved, a lock: each reported, refused without --force, never a crash', async () => {
    const branchless = await start('branchless');
    const locked = await start('locked');
    git(repo, 'update-ref', '-d', `refs/heads/${branchless.branch}`);
    git(repo, 'worktree', 'lock', '--reason', 'claude agent (pid 4242)', locked.path);

    const lockedRm = await cs(['rm', 'locked']);
    expect(lockedRm.code).toBe(1);
    expect(lockedRm.stderr).toContain(
      'holds work that would be lost: it is locked (claude agent (pid 4242))',
    );
    expect(lockedRm.stderr).toContain(`unlock it (\`git -C ${repo} worktree unlock ${locked.path}\`)`);
    const branchRm = await cs(['rm', 'branchless']);
    expect(branchRm.code).toBe(1);
    expect(branchRm.stderr).toContain('(its branch claude-session/branchless was deleted)');
    const doctor = JSON.parse((await sandbox.run(['doctor', '--json'])).stdout).findings;
    const messages = doctor.map((finding: { message: string }) => finding.message).join('\n');
    expect(messages).toContain(
      `session ${branchless.id.slice(0, 8)} (branchless): its branch claude-session/branchless was deleted`,
    );
    expect(messages).toContain(`session ${locked.id.slice(0, 8)} (locked): its worktree`);
    expect(messages).toContain('is locked (claude agent (pid 4242)): rm and cleanup leave it');

    // A locked worktree goes only with --force on it alone.
    const forced = await cs(['rm', 'locked', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expectGone(locked);

    // The repository moved away: its state cannot be read, so nothing may go without --force.
    const moved = join(sandbox.dir, 'repo-moved');
    renameSync(repo, moved);
    for (const args of [
      ['list'],
      ['list', '--json'],
      ['show', 'branchless'],
      ['cleanup', '--dry-run'],
      ['doctor'],
    ]) {
      const result = await sandbox.run(args, { cwd: sandbox.dir });
      expect(result.stderr, args.join(' ')).not.toMatch(/internal error|at .*\.cjs/);
    }
    const doctorGone = JSON.parse((await sandbox.run(['doctor', '--json'], { cwd: sandbox.dir })).stdout);
    expect(doctorGone.findings).toContainEqual(
      expect.objectContaining({
        check: 'worktrees',
        message: expect.stringContaining(`the repository ${repo} is gone`),
        fix: expect.stringContaining(`put the repository back at ${repo}`),
      }),
    );
    age(branchless.id, 40 * DAY);
    const plan = JSON.parse(
      (await sandbox.run(['cleanup', '--dry-run', '--json'], { cwd: sandbox.dir })).stdout,
    );
    expect(plan.wouldRemove).toEqual([]);
    expect(plan.kept[0]).toMatchObject({
      rule: 'worktree-work',
      reason: expect.stringContaining('its state cannot be read'),
    });
    const refused = await sandbox.run(['rm', 'branchless'], { cwd: sandbox.dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`its state cannot be read (the repository ${repo} is gone`);
    expect(refused.stderr).toContain(
      `or \`claude-session rm --force branchless\` removes it anyway (its worktree ${branchless.path} stays where it is)`,
    );
    const gone = await sandbox.run(['rm', 'branchless', '--force'], { cwd: sandbox.dir });
    expect(gone.code, gone.stderr).toBe(0);
    expect(gone.stdout).toContain('  left its worktree: the repository');
    expect(sandbox.sessionIds()).toEqual([]);
    // Its files stay, and doctor points at them.
    expect(readFileSync(join(branchless.path, 'README.md'), 'utf8')).toBe('hello\n');
    const leftover = JSON.parse(
      (await sandbox.run(['doctor', '--json'], { cwd: sandbox.dir })).stdout,
    ).findings;
    expect(leftover).toContainEqual(
      expect.objectContaining({
        check: 'worktree-registrations',
        message: expect.stringContaining(`is left from session ${branchless.id.slice(0, 8)}, which is gone`),
      }),
    );
  });

  it('a worktree moved elsewhere by hand is left there with its branch; a session dir removed by hand leaves a worktree doctor finds', async () => {
    const moved = await start('moved');
    const elsewhere = join(sandbox.dir, 'elsewhere', 'moved');
    mkdirSync(join(sandbox.dir, 'elsewhere'));
    git(repo, 'worktree', 'move', moved.path, elsewhere);
    const result = await cs(['rm', 'moved']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `  left its worktree: it was moved to ${elsewhere}, outside claude-session's worktrees: left there\n`,
    );
    expect(result.stdout).toContain(
      '  kept its branch claude-session/moved: its worktree was left in place\n',
    );
    expect(registered()).toContain(elsewhere);
    expect(branches()).toContain(moved.branch);

    const orphan = await start('orphan');
    rmSync(join(sandbox.root, 'sessions', orphan.id), { recursive: true });
    const findings = JSON.parse((await sandbox.run(['doctor', '--json'])).stdout).findings;
    expect(findings).toContainEqual(
      expect.objectContaining({
        check: 'worktree-registrations',
        message: `the worktree ${orphan.path.replace(sandbox.home, '~')} of ${repo} belongs to no session (session ${orphan.id.slice(0, 8)} is gone)`,
        fix: expect.stringContaining(`git -C ${repo} worktree remove ${orphan.path}`),
      }),
    );
    expect(registered()).toContain(orphan.path);
  });
});
