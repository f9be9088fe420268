import { describe, expect, it } from 'vitest';
import { baseLabel, directoryShown, problemText, type WorktreeDetail, worktreeRows } from './describe.js';

const detail = (over: Partial<WorktreeDetail> = {}): WorktreeDetail => ({
  path: '/r/worktrees/id/app',
  repo: '/src/app',
  branch: 'claude-session/fix',
  base: 'main',
  dirty: false,
  untracked: 0,
  ahead: 0,
  behind: 0,
  changed: 0,
  unpushed: 0,
  stashes: 0,
  locked: false,
  problem: null,
  detail: null,
  diff: null,
  ...over,
});

const rows = (over: Partial<WorktreeDetail>) =>
  Object.fromEntries(worktreeRows(detail(over)).filter(([, value]) => value !== null));

describe('worktreeRows', () => {
  it('a clean worktree: path, repository, branch, nothing uncommitted, the counts', () => {
    expect(rows({})).toEqual({
      path: '/r/worktrees/id/app',
      repository: '/src/app',
      branch: 'claude-session/fix (based on main)',
      uncommitted: 'none',
      commits: '0 ahead of main, 0 behind',
    });
  });

  it('work in it: changed and untracked files, commits, the diff, unpushed, stashes, a lock', () => {
    expect(
      rows({
        changed: 2,
        dirty: true,
        untracked: 1,
        ahead: 3,
        behind: 1,
        unpushed: 3,
        stashes: 2,
        locked: true,
        diff: { files: 4, insertions: 10, deletions: 2 },
      }),
    ).toMatchObject({
      uncommitted: '2 changed files, 1 untracked file',
      commits: '3 ahead of main, 1 behind',
      diff: '4 files changed, +10 -2 against main (committed and not)',
      unpushed: '3 commits on no other branch or remote',
      stashes: '2 stashes',
      locked: 'yes (`git worktree unlock` frees it)',
    });
  });

  it('a base that is a commit is shown short', () => {
    expect(rows({ base: 'a'.repeat(40) }).branch).toBe(`claude-session/fix (based on ${'a'.repeat(12)})`);
    expect(baseLabel('release/2.1')).toBe('release/2.1');
  });

  it.each([
    ['missing', 'the worktree /x was removed', ['commits'], ['uncommitted']],
    ['repo-missing', 'the repository /src/app is gone', [], ['uncommitted', 'commits']],
    ['git-failed', 'git: bad object', [], ['uncommitted', 'commits']],
    ['not-a-worktree', '/x is no longer a worktree', ['commits'], ['uncommitted']],
    ['moved', 'the worktree was moved to /y', ['uncommitted', 'commits'], []],
    ['branch-missing', 'its branch was deleted', ['uncommitted', 'commits'], []],
  ] as const)(
    'a worktree %s: the problem with its advice, and only counts that can be known',
    (problem, text, shown, hidden) => {
      const got = rows({ problem, detail: text });
      expect(got.problem).toMatch(new RegExp(`^${problem}: ${text.replace(/[/.]/g, '\\$&')} \\(.+\\)$`));
      for (const key of shown) expect(got).toHaveProperty(key);
      for (const key of hidden) expect(got).not.toHaveProperty(key);
    },
  );

  it('problemText is null without a problem', () => {
    expect(problemText({ problem: null, detail: null })).toBeNull();
  });
});

describe('directoryShown', () => {
  const worktree = { path: '/r/worktrees/id/app', repo: '/src/app' };
  it.each([
    ['/r/worktrees/id/app', worktree, '/src/app'],
    ['/r/worktrees/id/app/src/ui', worktree, '/src/app/src/ui'],
    ['/elsewhere', worktree, '/elsewhere'],
    ['/r/worktrees/id/app-2', worktree, '/r/worktrees/id/app-2'],
    ['/r/worktrees/id/..x', { path: '/r/worktrees/id', repo: '/src/app' }, '/src/app/..x'],
    ['/home/u/p', null, '/home/u/p'],
    [null, worktree, null],
  ])('%s in %j shows %s', (cwd, tree, shown) => {
    expect(directoryShown(cwd, tree)).toBe(shown);
  });
});
