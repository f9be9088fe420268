import { posix } from 'node:path';
import type { WorktreeProblem, WorktreeSummary } from './model.js';

/** A diff's size: `git diff --shortstat`. */
export interface DiffSize {
  files: number;
  insertions: number;
  deletions: number;
}

/** What `show` says about a worktree, on top of `list`'s summary. */
export interface WorktreeDetail extends WorktreeSummary {
  /** What the session changed against its base, committed and not; null when it cannot be told. */
  diff: DiffSize | null;
}

/** A commit is shown short; a branch name as it is. */
export function baseLabel(base: string): string {
  return /^[0-9a-f]{40,64}$/.test(base) ? base.slice(0, 12) : base;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What to do about each problem, after git's own line. */
const ADVICE: Record<WorktreeProblem, string> = {
  'repo-missing': 'put the repository back, or `claude-session rm` the session',
  missing: 'its branch is still there: `git worktree add` brings it back, or `claude-session rm` the session',
  moved: '`resume` looks for it where it was: `git worktree move` it back',
  'not-a-worktree': 'the directory is left as it is; see `git worktree list` in the repository',
  'branch-missing': 'the worktree stays; `git switch -c BRANCH` there to give it a branch again',
  'git-failed': 'run `claude-session doctor`',
};

/** The problem for people: git's line, then what to do. */
export function problemText(summary: Pick<WorktreeSummary, 'problem' | 'detail'>): string | null {
  if (!summary.problem) return null;
  return `${summary.problem}: ${summary.detail ?? summary.problem} (${ADVICE[summary.problem]})`;
}

/** `show`'s worktree section: key, value rows (null values are left out by the caller). Pure. */
export function worktreeRows(detail: WorktreeDetail): [string, string | null][] {
  const base = baseLabel(detail.base);
  const readable = detail.problem !== 'repo-missing' && detail.problem !== 'git-failed';
  const onDisk = readable && detail.problem !== 'missing' && detail.problem !== 'not-a-worktree';
  const uncommitted =
    detail.changed + detail.untracked === 0
      ? 'none'
      : [
          detail.changed > 0 ? plural(detail.changed, 'changed file') : undefined,
          detail.untracked > 0 ? plural(detail.untracked, 'untracked file') : undefined,
        ]
          .filter((part) => part !== undefined)
          .join(', ');
  return [
    ['path', detail.path],
    ['repository', detail.repo],
    ['branch', `${detail.branch} (based on ${base})`],
    ['uncommitted', onDisk ? uncommitted : null],
    ['commits', readable ? `${detail.ahead} ahead of ${base}, ${detail.behind} behind` : null],
    [
      'diff',
      detail.diff
        ? `${plural(detail.diff.files, 'file')} changed, +${detail.diff.insertions} -${detail.diff.deletions} against ${base} (committed and not)`
        : null,
    ],
    [
      'unpushed',
      detail.unpushed > 0 ? `${plural(detail.unpushed, 'commit')} on no other branch or remote` : null,
    ],
    ['stashes', detail.stashes > 0 ? plural(detail.stashes, 'stash', 'stashes') : null],
    ['locked', detail.locked ? 'yes (`git worktree unlock` frees it)' : null],
    ['problem', problemText(detail)],
  ];
}

/**
 * `list`'s DIRECTORY cell: for a session in a worktree, the repository (and the subfolder it works in)
 * rather than the worktree's long path under the root, since the BRANCH cell beside it says it is a
 * worktree of that repository. `show` gives the worktree's own path.
 */
export function directoryShown(
  cwd: string | null,
  worktree: Pick<WorktreeSummary, 'path' | 'repo'> | null,
): string | null {
  if (!cwd || !worktree) return cwd;
  const inside = posix.relative(worktree.path, cwd);
  if (inside === '..' || inside.startsWith('../') || posix.isAbsolute(inside)) return cwd;
  return inside === '' ? worktree.repo : posix.join(worktree.repo, inside);
}
