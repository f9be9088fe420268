import { describe, expect, it } from 'vitest';
import { type MergeFacts, mergeRefusal } from './merge-plan.js';
import type { WorktreeState } from './model.js';

const record = {
  repo: '/src/app',
  gitDir: '/src/app/.git',
  path: '/r/worktrees/id/app',
  branch: 'claude-session/fix',
  base: 'main',
  baseCommit: 'b'.repeat(40),
  createdBranch: true,
};

const state = (over: Partial<WorktreeState> = {}): WorktreeState => ({
  problem: null,
  detail: null,
  path: record.path,
  head: record.branch,
  headCommit: 'c'.repeat(40),
  changed: 0,
  untracked: 0,
  examples: [],
  ahead: 2,
  behind: 0,
  unpushed: [],
  unpushedCount: 2,
  stashes: [],
  locked: null,
  branchCommit: 'c'.repeat(40),
  ...over,
});

const facts = (over: Partial<MergeFacts> = {}, worktree: Partial<WorktreeState> = {}): MergeFacts => ({
  record,
  state: state(worktree),
  baseIsBranch: true,
  target: { path: '/src/app', changed: 0, examples: [], busy: null },
  conflicts: [],
  ...over,
});

describe('mergeRefusal', () => {
  it('merges a clean session with commits into a clean checkout of its base branch', () => {
    expect(mergeRefusal(facts())).toBeUndefined();
    // A worktree removed by hand still has its branch to merge; one moved is read where it is.
    expect(mergeRefusal(facts({}, { problem: 'missing', detail: 'removed' }))).toBeUndefined();
    expect(mergeRefusal(facts({}, { problem: 'moved', detail: 'moved' }))).toBeUndefined();
    // When git could not tell conflicts beforehand, the merge finds out (and is aborted).
    expect(mergeRefusal(facts({ conflicts: null }))).toBeUndefined();
  });

  it.each<[string, Partial<MergeFacts>, Partial<WorktreeState>, RegExp]>([
    [
      'repository gone',
      {},
      { problem: 'repo-missing', detail: 'the repository /src/app is gone' },
      /^the repository \/src\/app is gone: nothing to merge from$/,
    ],
    ['git failed', {}, { problem: 'git-failed', detail: 'git: bad object' }, /^git: bad object/],
    [
      'no longer a worktree',
      {},
      { problem: 'not-a-worktree', detail: '/x is no longer a worktree' },
      /no longer a worktree/,
    ],
    [
      'branch deleted',
      {},
      { problem: 'branch-missing' },
      /^its branch claude-session\/fix was deleted: nothing to merge$/,
    ],
    [
      'base is a commit',
      { baseIsBranch: false },
      {},
      /^its base main is not a branch .*`git merge claude-session\/fix`$/,
    ],
    [
      'uncommitted changes in the session',
      {},
      { changed: 2, examples: ['a.ts', 'b.ts'] },
      /has 2 files with uncommitted changes \(a\.ts, b\.ts\), which would not be in the merge: commit them there first/,
    ],
    [
      'untracked files in the session',
      {},
      { untracked: 1, examples: ['new.ts'] },
      /has 1 untracked file \(new\.ts\), which would not be in the merge/,
    ],
    [
      'both',
      {},
      { changed: 1, untracked: 7, examples: ['a', 'b', 'c'] },
      /has 1 file with uncommitted changes and 7 untracked files \(a, b, c, \.\.\.\)/,
    ],
    [
      'nothing to merge',
      {},
      { ahead: 0 },
      /^nothing to merge: claude-session\/fix has no commits that main lacks$/,
    ],
    [
      'no checkout of the base',
      { target: null },
      {},
      /^no checkout of \/src\/app has main checked out: `git -C \/src\/app switch main`, then merge again$/,
    ],
    [
      'a merge under way there',
      { target: { path: '/src/app', changed: 0, examples: [], busy: 'merge' } },
      {},
      /^\/src\/app is in the middle of a merge: finish or abort it there first$/,
    ],
    [
      'the checkout is dirty',
      { target: { path: '/src/app', changed: 1, examples: ['README'], busy: null } },
      {},
      /^\/src\/app has uncommitted changes to 1 tracked file \(README\): commit or stash them there first$/,
    ],
    [
      'a conflict',
      { conflicts: ['README', 'src/a.ts'] },
      {},
      /^merging claude-session\/fix into main conflicts in README, src\/a\.ts: resolve it in the session \(`git -C \/r\/worktrees\/id\/app merge main`/,
    ],
  ])('refuses: %s', (_, over, worktree, expected) => {
    expect(mergeRefusal(facts(over, worktree))).toMatch(expected);
  });

  it('says first what the session must do, then what the checkout must', () => {
    // Uncommitted work in the session comes before "nothing to merge" (its only change is uncommitted).
    expect(mergeRefusal(facts({}, { ahead: 0, changed: 1, examples: ['a'] }))).toMatch(/uncommitted/);
    expect(
      mergeRefusal(
        facts({ target: { path: '/src/app', changed: 1, examples: ['x'], busy: null } }, { ahead: 0 }),
      ),
    ).toMatch(/^nothing to merge/);
  });

  it('quotes what it tells you to type', () => {
    const odd = { ...record, repo: '/src/my app', base: 'feat;x' };
    expect(mergeRefusal(facts({ record: odd, target: null }))).toContain(
      "`git -C '/src/my app' switch 'feat;x'`",
    );
  });
});
