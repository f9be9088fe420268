import { describe, expect, it } from 'vitest';
import {
  backupRef,
  branchProblem,
  defaultBranch,
  isLockContention,
  parseAheadBehind,
  parseCommits,
  parseShortstat,
  parseStatus,
  parseWorktreeList,
  stashesOn,
  summarize,
  type WorktreeRecord,
  type WorktreeState,
  type WorktreeSummary,
  workAtRisk,
  worktreeCell,
  worktreePath,
} from './model.js';

const SHA = 'a'.repeat(40);
const SHA2 = 'b'.repeat(40);
const HASHES = `${'1'.repeat(40)} ${'2'.repeat(40)}`;

/** Fields of `git status --porcelain=v2 -z --branch` output, as git separates them. */
const z = (...fields: string[]) => `${fields.join('\0')}\0`;

describe('parseStatus', () => {
  it.each([
    ['nothing at all', '', { head: null, headCommit: null, changed: 0, untracked: 0, examples: [] }],
    [
      'a clean branch',
      z(`# branch.oid ${SHA}`, '# branch.head main'),
      { head: 'main', headCommit: SHA, changed: 0, untracked: 0, examples: [] },
    ],
    [
      'an upstream and its counts are not changes',
      z(`# branch.oid ${SHA}`, '# branch.head main', '# branch.upstream origin/main', '# branch.ab +1 -2'),
      { head: 'main', headCommit: SHA, changed: 0, untracked: 0, examples: [] },
    ],
    [
      'detached',
      z(`# branch.oid ${SHA}`, '# branch.head (detached)', '? new'),
      { head: null, headCommit: SHA, changed: 0, untracked: 1, examples: ['new'] },
    ],
    [
      'initial (no commit yet)',
      z('# branch.oid (initial)', '# branch.head master', '? a'),
      { head: 'master', headCommit: null, changed: 0, untracked: 1, examples: ['a'] },
    ],
    [
      'changed files, one with a space in its name',
      z(
        `# branch.oid ${SHA}`,
        '# branch.head main',
        `1 .M N... 100644 100644 100644 ${HASHES} b`,
        `1 MM N... 100644 100644 100644 ${HASHES} c d`,
      ),
      { head: 'main', headCommit: SHA, changed: 2, untracked: 0, examples: ['b', 'c d'] },
    ],
    [
      'a rename: its original path is a field of its own, not a change',
      z(
        `# branch.oid ${SHA}`,
        '# branch.head main',
        `2 R. N... 100644 100644 100644 ${HASHES} R100 a renamed`,
        '1 looks like a change',
        '? u',
      ),
      { head: 'main', headCommit: SHA, changed: 1, untracked: 1, examples: ['a renamed', 'u'] },
    ],
    [
      'a conflict',
      z(
        `# branch.oid ${SHA}`,
        '# branch.head other',
        `u UU N... 100644 100644 100644 100644 ${HASHES} ${'3'.repeat(40)} b`,
      ),
      { head: 'other', headCommit: SHA, changed: 1, untracked: 0, examples: ['b'] },
    ],
    [
      'untracked files: all counted, three shown',
      z('# branch.head main', '? a', '? b/c', '? d', '? e'),
      { head: 'main', headCommit: null, changed: 0, untracked: 4, examples: ['a', 'b/c', 'd'] },
    ],
    [
      'ignored entries (--ignored) are not work',
      z('# branch.head main', '! node_modules/x', '! .env'),
      { head: 'main', headCommit: null, changed: 0, untracked: 0, examples: [] },
    ],
  ])('%s', (_, output, expected) => {
    expect(parseStatus(output)).toEqual(expected);
  });
});

describe('parseWorktreeList', () => {
  const entry = (path: string, more: Partial<ReturnType<typeof parseWorktreeList>[number]> = {}) => ({
    path,
    head: SHA,
    branch: null,
    locked: null,
    prunable: null,
    bare: false,
    ...more,
  });
  it.each([
    ['nothing', '', []],
    [
      'a field outside any entry is ignored',
      z('worktree /r', `HEAD ${SHA}`, 'branch refs/heads/main', '', 'HEAD stray', ''),
      [entry('/r', { branch: 'main' })],
    ],
    [
      'a linked worktree on a branch with a slash',
      z(
        'worktree /r',
        `HEAD ${SHA}`,
        'branch refs/heads/main',
        '',
        'worktree /w 6',
        `HEAD ${SHA}`,
        'branch refs/heads/claude-session/x',
        '',
      ),
      [entry('/r', { branch: 'main' }), entry('/w 6', { branch: 'claude-session/x' })],
    ],
    ['detached', z('worktree /w', `HEAD ${SHA}`, 'detached', ''), [entry('/w')]],
    [
      'locked with a reason',
      z('worktree /w', `HEAD ${SHA}`, 'branch refs/heads/b', 'locked pid 42', ''),
      [entry('/w', { branch: 'b', locked: 'pid 42' })],
    ],
    [
      'locked without a reason: still locked',
      z('worktree /w', `HEAD ${SHA}`, 'branch refs/heads/b', 'locked', ''),
      [entry('/w', { branch: 'b', locked: '' })],
    ],
    [
      'prunable',
      z(
        'worktree /w',
        `HEAD ${SHA}`,
        'branch refs/heads/b',
        'prunable gitdir file points to non-existent location',
        '',
      ),
      [entry('/w', { branch: 'b', prunable: 'gitdir file points to non-existent location' })],
    ],
    [
      'prunable without a reason',
      z('worktree /w', `HEAD ${SHA}`, 'detached', 'prunable', ''),
      [entry('/w', { prunable: 'gitdir file points to non-existent location' })],
    ],
    [
      'a bare repository, then a worktree of it',
      z('worktree /r.git', 'bare', '', 'worktree /wb', `HEAD ${SHA}`, 'branch refs/heads/main', ''),
      [entry('/r.git', { head: null, bare: true }), entry('/wb', { branch: 'main' })],
    ],
    [
      'a path with a newline (-z keeps it whole)',
      z('worktree /a\nb', `HEAD ${SHA}`, 'detached', ''),
      [entry('/a\nb')],
    ],
  ])('%s', (_, output, expected) => {
    expect(parseWorktreeList(output)).toEqual(expected);
  });
});

describe('parseCommits', () => {
  it.each([
    ['none', '', 20, { commits: [], count: 0 }],
    [
      'subjects with tabs keep them',
      `${SHA}\tfix: a\tb\n${SHA2}\t\n`,
      20,
      {
        commits: [
          { sha: SHA, subject: 'fix: a\tb' },
          { sha: SHA2, subject: '' },
        ],
        count: 2,
      },
    ],
    ['no tab at all', `${SHA}\n`, 20, { commits: [{ sha: SHA, subject: '' }], count: 1 }],
    [
      'all counted, `keep` kept',
      `${SHA}\tone\n${SHA2}\ttwo\n${SHA}\tthree\n`,
      2,
      {
        commits: [
          { sha: SHA, subject: 'one' },
          { sha: SHA2, subject: 'two' },
        ],
        count: 3,
      },
    ],
  ])('%s', (_, output, keep, expected) => {
    expect(parseCommits(output, keep)).toEqual(expected);
  });
});

describe('stashesOn', () => {
  const list = [
    'stash@{0}\tWIP on feature: 1234567 subject',
    'stash@{1}\tOn feature: a message',
    'stash@{2}\tWIP on feature/x: 1234567 another branch',
    'stash@{3}\tOn main: feature: not this one',
    'stash@{4}\tWIP on (no branch): 1234567 detached',
    'stash@{5}\tOn featured: prefix of another',
    'not a stash line',
    '',
  ].join('\n');
  it.each([
    ['feature', ['stash@{0}', 'stash@{1}']],
    ['feature/x', ['stash@{2}']],
    ['main', ['stash@{3}']],
    ['other', []],
  ])('made on %s', (branch, expected) => {
    expect(stashesOn(list, branch)).toEqual(expected);
  });
  it('no stash at all', () => expect(stashesOn('', 'main')).toEqual([]));
});

describe('parseAheadBehind', () => {
  it.each([
    ['0\t0', { ahead: 0, behind: 0 }],
    ['3\t5', { behind: 3, ahead: 5 }],
    ['12 7\n', { behind: 12, ahead: 7 }],
    ['', undefined],
    ['3', undefined],
    ['fatal: bad revision', undefined],
  ])('%j', (output, expected) => {
    expect(parseAheadBehind(output)).toEqual(expected);
  });
});

describe('parseShortstat', () => {
  it.each([
    ['', { files: 0, insertions: 0, deletions: 0 }],
    [' 1 file changed, 1 insertion(+)\n', { files: 1, insertions: 1, deletions: 0 }],
    [' 1 file changed, 2 deletions(-)\n', { files: 1, insertions: 0, deletions: 2 }],
    [' 12 files changed, 340 insertions(+), 1 deletion(-)\n', { files: 12, insertions: 340, deletions: 1 }],
  ])('%j', (output, expected) => {
    expect(parseShortstat(output)).toEqual(expected);
  });
});

describe('branchProblem', () => {
  it.each(['main', 'claude-session/fix-login', 'feature/a.b_c-d', 'héllo', 'a@b', 'v1.2'])(
    '%j is fine',
    (branch) => {
      expect(branchProblem(branch)).toBeUndefined();
    },
  );
  it.each([
    ['', /1-200 characters/],
    ['x'.repeat(201), /1-200 characters/],
    ['-b', /may not start with '-'/],
    ['--force', /may not start with '-'/],
    ['a b', /no spaces/],
    ['a\tb', /no spaces/],
    ['a\nb', /no spaces/],
    ['a\x7fb', /no spaces/],
    ['a~1', /no spaces/],
    ['a^', /no spaces/],
    ['a:b', /no spaces/],
    ['a?', /no spaces/],
    ['a*', /no spaces/],
    ['a[b', /no spaces/],
    ['a\\b', /no spaces/],
    ['a..b', /no '\.\.'/],
    ['a@{1}', /no '\.\.' or '@\{'/],
    ['@', /no '\.\.' or '@\{'/],
    ['/a', /misplaced '\/'/],
    ['a/', /misplaced '\/'/],
    ['a//b', /misplaced '\/'/],
    ['a.', /may not end with '\.'/],
    ['a.lock', /'\.lock'/],
    ['.a', /start with '\.'/],
    ['x/.y', /start with '\.'/],
  ])('%j is refused', (branch, why) => {
    expect(branchProblem(branch)).toMatch(why);
    expect(branchProblem(branch)).toMatch(/^invalid branch name /);
  });
});

describe('defaultBranch', () => {
  it.each([
    ['claude-session/', 'fix-login', '0123456789abcdef', 'claude-session/fix-login'],
    ['claude-session/', null, '0123456789abcdef', 'claude-session/01234567'],
    ['', null, '0123456789abcdef', '01234567'],
    ['me/', 'x', 'ff', 'me/x'],
  ])('prefix %j, name %j, id %j -> %j', (prefix, name, id, expected) => {
    expect(defaultBranch(prefix, name, id)).toBe(expected);
  });
});

describe('worktreePath and backupRef', () => {
  it.each([
    ['/r/worktrees', 'id1', '/home/u/project', '/r/worktrees/id1/project'],
    ['/r/worktrees', 'id1', '/home/u/my project/', '/r/worktrees/id1/my project'],
    ['/r/worktrees', 'id1', '/', '/r/worktrees/id1/repo'],
  ])('%j %j %j -> %j', (dir, id, repo, expected) => {
    expect(worktreePath(dir, id, repo)).toBe(expected);
  });
  it('backupRef', () => expect(backupRef('id1')).toBe('refs/claude-session/backup/id1'));
});

describe('isLockContention', () => {
  it.each([
    [
      "fatal: Unable to create '/r/.git/worktrees/x/index.lock': File exists.\n\nAnother git process seems to be running",
      true,
    ],
    ['error: could not lock config file .git/config: File exists\n', true],
    [
      "fatal: cannot lock ref 'refs/heads/x': Unable to create '/r/.git/refs/heads/x.lock': File exists.",
      true,
    ],
    ["fatal: a branch named 'x' already exists", false],
    ["fatal: '/w' already exists", false],
    ['fatal: invalid reference: nope', false],
  ])('%j -> %j', (stderr, expected) => {
    expect(isLockContention(stderr)).toBe(expected);
  });
});

// ---- what removal would lose, and what list shows ----

const RECORD: WorktreeRecord = {
  repo: '/home/u/project',
  gitDir: '/home/u/project/.git',
  path: '/r/worktrees/id1/project',
  branch: 'claude-session/x',
  base: 'main',
  baseCommit: SHA,
  createdBranch: true,
};

function state(more: Partial<WorktreeState> = {}): WorktreeState {
  return {
    problem: null,
    detail: null,
    path: RECORD.path,
    head: RECORD.branch,
    headCommit: SHA2,
    changed: 0,
    untracked: 0,
    examples: [],
    ahead: 0,
    behind: 0,
    unpushed: [],
    unpushedCount: 0,
    stashes: [],
    locked: null,
    branchCommit: SHA2,
    ...more,
  };
}

const commits = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ sha: `${i}`.repeat(40).slice(0, 40), subject: `commit ${i}` }));

describe('workAtRisk', () => {
  it.each<[string, Partial<WorktreeState>, string[]]>([
    ['a clean worktree', {}, []],
    ['ahead and behind its base, all pushed or merged', { ahead: 3, behind: 2 }, []],
    ['removed by hand, nothing unpushed', { problem: 'missing', detail: 'gone' }, []],
    ['its branch deleted', { problem: 'branch-missing', branchCommit: null }, []],
    ['one dirty file', { changed: 1, examples: ['a.ts'] }, ['1 file with uncommitted changes (a.ts)']],
    [
      'dirty and untracked: each with its own examples (git lists the changed ones first)',
      { changed: 2, untracked: 1, examples: ['a.ts', 'b.ts', 'new.ts'] },
      ['2 files with uncommitted changes (a.ts, b.ts)', '1 untracked file (new.ts)'],
    ],
    [
      'more files than examples',
      { untracked: 5, examples: ['a', 'b', 'c'] },
      ['5 untracked files (a, b, c, ...)'],
    ],
    [
      'one unpushed commit',
      { unpushed: [{ sha: SHA, subject: 'wip' }], unpushedCount: 1 },
      ['1 commit on no other branch or remote (aaaaaaa wip)'],
    ],
    [
      'many unpushed commits: three shown',
      { unpushed: commits(4), unpushedCount: 25 },
      ['25 commits on no other branch or remote (0000000 commit 0; 1111111 commit 1; 2222222 commit 2; ...)'],
    ],
    ['a stash', { stashes: ['stash@{0}'] }, ['1 stash made there']],
    ['two stashes', { stashes: ['stash@{0}', 'stash@{3}'] }, ['2 stashes made there']],
    ['locked with a reason', { locked: 'claude pid 42' }, ['it is locked (claude pid 42)']],
    ['locked without one', { locked: '' }, ['it is locked (git worktree lock)']],
    [
      'unreadable: nothing else is trusted',
      { problem: 'git-failed', detail: 'git: bad object', changed: 3 },
      ['its state cannot be read (git: bad object)'],
    ],
    [
      'the repository is gone',
      { problem: 'repo-missing', detail: null },
      ['its state cannot be read (repo-missing)'],
    ],
    [
      'everything at once',
      {
        changed: 1,
        untracked: 1,
        examples: ['a', 'b'],
        unpushed: [{ sha: SHA, subject: 's' }],
        unpushedCount: 1,
        stashes: ['stash@{0}'],
        locked: 'x',
      },
      [
        '1 file with uncommitted changes (a)',
        '1 untracked file (b)',
        '1 commit on no other branch or remote (aaaaaaa s)',
        '1 stash made there',
        'it is locked (x)',
      ],
    ],
  ])('%s', (_, more, expected) => {
    expect(workAtRisk(state(more))).toEqual(expected);
  });
});

describe('summarize', () => {
  it('a clean worktree', () => {
    expect(summarize(RECORD, state({ ahead: 2, behind: 1 }))).toEqual({
      path: RECORD.path,
      repo: RECORD.repo,
      branch: RECORD.branch,
      base: 'main',
      dirty: false,
      untracked: 0,
      ahead: 2,
      behind: 1,
      changed: 0,
      unpushed: 0,
      stashes: 0,
      locked: false,
      problem: null,
      detail: null,
    });
  });
  it('work of every kind, moved: the path is where it is now', () => {
    const summary = summarize(
      RECORD,
      state({
        problem: 'moved',
        detail: 'the worktree was moved to /elsewhere',
        path: '/elsewhere',
        changed: 2,
        untracked: 3,
        unpushed: commits(1),
        unpushedCount: 7,
        stashes: ['stash@{0}'],
        locked: '',
      }),
    );
    expect(summary).toMatchObject({
      path: '/elsewhere',
      dirty: true,
      changed: 2,
      untracked: 3,
      unpushed: 7,
      stashes: 1,
      locked: true,
      problem: 'moved',
      detail: 'the worktree was moved to /elsewhere',
    });
  });
  it('untracked files alone are not dirty', () => {
    expect(summarize(RECORD, state({ untracked: 1 })).dirty).toBe(false);
  });
});

describe('worktreeCell', () => {
  const summary = (more: Partial<WorktreeSummary>): WorktreeSummary => ({
    ...summarize(RECORD, state()),
    ...more,
  });
  it.each<[Partial<WorktreeSummary>, string]>([
    [{}, 'claude-session/x'],
    [{ changed: 2 }, 'claude-session/x ~2'],
    [{ untracked: 1 }, 'claude-session/x ?1'],
    [{ ahead: 3, behind: 4 }, 'claude-session/x +3 -4'],
    [{ changed: 1, untracked: 2, ahead: 3, behind: 4 }, 'claude-session/x ~1 ?2 +3 -4'],
    [{ problem: 'missing', changed: 1 }, 'claude-session/x (missing)'],
    [{ problem: 'repo-missing' }, 'claude-session/x (repo-missing)'],
  ])('%j -> %j', (more, expected) => {
    expect(worktreeCell(summary(more))).toBe(expected);
  });
});
