import { describe, expect, it } from 'vitest';
import { type WorktreeRecord, type WorktreeState, workAtRisk } from '../worktree/model.js';
import type { CandidateWorktree } from './plan.js';
import { forceKeeps, predictRemoval, wayOut, worktreeJson, worktreeLines } from './worktree.js';

const ID = '3f2a9c1e-0000-4000-8000-000000000001';
const DIR = '/r/worktrees';
const record: WorktreeRecord = {
  repo: '/src/shop',
  gitDir: '/src/shop/.git',
  path: `${DIR}/${ID}/shop`,
  branch: 'claude-session/fix',
  base: 'main',
  baseCommit: 'a'.repeat(40),
  createdBranch: true,
};

function worktree(extra: Partial<WorktreeState> = {}, own: Partial<WorktreeRecord> = {}): CandidateWorktree {
  const state: WorktreeState = {
    problem: null,
    detail: null,
    path: record.path,
    head: record.branch,
    headCommit: 'b'.repeat(40),
    changed: 0,
    untracked: 0,
    examples: [],
    ahead: 0,
    behind: 0,
    unpushed: [],
    unpushedCount: 0,
    stashes: [],
    locked: null,
    branchCommit: 'b'.repeat(40),
    ...extra,
  };
  const mine = { ...record, ...own };
  return { path: state.path, branch: mine.branch, atRisk: workAtRisk(state), found: { record: mine, state } };
}
const target = (force = false) => ({ id: ID, worktreesDir: DIR, force });
const unpushed = { unpushed: [{ sha: 'c'.repeat(40), subject: 'wip' }], unpushedCount: 1 };

describe('predictRemoval (what rm and cleanup say they would do)', () => {
  // [what, state, own record, force, dir, branch, kept or left because, files to save]
  const cases: [
    string,
    Partial<WorktreeState>,
    Partial<WorktreeRecord>,
    boolean,
    string,
    string,
    string | null,
    number,
  ][] = [
    ['clean and merged', {}, {}, false, 'removed', 'deleted', null, 0],
    [
      'a branch from before',
      {},
      { createdBranch: false },
      false,
      'removed',
      'not-ours',
      'it existed before the session',
      0,
    ],
    ['dirty, not forced', { changed: 2 }, {}, false, 'left', 'kept', null, 0],
    ['dirty and untracked, forced', { changed: 2, untracked: 1 }, {}, true, 'removed', 'deleted', null, 3],
    [
      'an unpushed commit, forced',
      unpushed,
      {},
      true,
      'removed',
      'kept',
      'it has 1 commit on no other branch',
      0,
    ],
    ['removed by hand', { problem: 'missing', detail: 'gone' }, {}, false, 'absent', 'deleted', null, 0],
    [
      'moved outside our dir',
      { problem: 'moved', detail: 'moved', path: '/elsewhere/shop' },
      {},
      false,
      'left',
      'kept',
      'its worktree was left in place',
      0,
    ],
    [
      'the repository gone, forced',
      { problem: 'repo-missing', detail: 'gone' },
      {},
      true,
      'left',
      'kept',
      'its worktree was left in place',
      0,
    ],
    [
      'not a worktree any more, forced',
      { problem: 'not-a-worktree', detail: 'x' },
      {},
      true,
      'left',
      'kept',
      'its worktree was left in place',
      0,
    ],
  ];
  it.each(cases)('%s', (_what, state, own, force, dir, branch, because, files) => {
    const outcome = predictRemoval(worktree(state, own), target(force));
    const json = worktreeJson(outcome);
    expect(json).toMatchObject({ dir, branchOutcome: branch, backup: null });
    expect(json.branchReason).toBe(because);
    expect(json.toSave).toEqual(files > 0 ? { files, ref: `refs/claude-session/backup/${ID}` } : null);
  });

  it('says what a dry run would do, and where --force would put the work', () => {
    const forced = predictRemoval(
      worktree({ changed: 1, untracked: 1, ...unpushed, stashes: ['stash@{0}'] }),
      target(true),
    );
    expect(worktreeLines(forced, true)).toEqual([
      `would save its 2 uncommitted and untracked files as a commit in refs/claude-session/backup/${ID}`,
      `would remove its worktree ${record.path}`,
      'would keep its branch claude-session/fix: it has 1 commit on no other branch',
      'its stash stays in `git stash list`',
    ]);
    expect(worktreeLines(predictRemoval(worktree(), target()), true)).toEqual([
      `would remove its worktree ${record.path}`,
      'would delete its branch claude-session/fix (nothing on it was only there)',
    ]);
  });

  it('a dir no record describes: left when it holds anything, removed when empty', () => {
    const full = {
      path: `${DIR}/${ID}`,
      branch: null,
      atRisk: ['files its record cannot account for (x)'],
      found: null,
    };
    expect(worktreeJson(predictRemoval(full, target(true)))).toMatchObject({
      dir: 'left',
      branchOutcome: 'absent',
    });
    expect(worktreeLines(predictRemoval(full, target(true)), false)).toEqual([
      `left its worktree dir: ${DIR}/${ID} is left in place: its session's record cannot say what it is`,
    ]);
    const empty = { ...full, atRisk: [] };
    expect(worktreeLines(predictRemoval(empty, target()), true)).toEqual([
      `would remove its empty worktree dir ${DIR}/${ID}`,
    ]);
  });
});

describe('the way out of a refusal', () => {
  // [what, state, to keep it, what --force keeps]
  const cases: [string, Partial<WorktreeState>, string, string][] = [
    [
      'dirty',
      { changed: 1 },
      'commit its changes, merge or push its branch claude-session/fix',
      `its files saved in refs/claude-session/backup/${ID} first`,
    ],
    [
      'unpushed',
      unpushed,
      'merge or push its branch claude-session/fix',
      'its branch claude-session/fix kept with its commits',
    ],
    [
      'a stash',
      { stashes: ['stash@{0}'] },
      `apply or drop its stashes (\`git -C ${record.path} stash list\`)`,
      'its stashes left in `git stash list`',
    ],
    [
      'locked',
      { locked: 'claude (pid 7)' },
      `once nothing uses it, unlock it (\`git -C /src/shop worktree unlock ${record.path}\`)`,
      'nothing of it kept',
    ],
    [
      'the repository gone',
      { problem: 'repo-missing', detail: 'gone' },
      `look at ${record.path} and move out what you need`,
      `its worktree ${record.path} stays where it is`,
    ],
    [
      'all of it',
      { changed: 1, untracked: 2, ...unpushed, stashes: ['stash@{0}'] },
      `commit its changes, merge or push its branch claude-session/fix, apply or drop its stashes (\`git -C ${record.path} stash list\`)`,
      `its files saved in refs/claude-session/backup/${ID} first, its branch claude-session/fix kept with its commits, its stashes left in \`git stash list\``,
    ],
  ];
  it.each(cases)('%s', (_what, state, keep, kept) => {
    expect(wayOut(worktree(state))).toBe(keep);
    expect(forceKeeps(worktree(state), ID)).toBe(kept);
  });
});
