import { posix } from 'node:path';

/**
 * A session's git worktree, as plain data: what the record keeps, what git said about it now, and what
 * removing it would lose. Pure and table-tested (model.test.ts); git runs in inspect.ts, create.ts and
 * remove.ts.
 */

/** What a session record keeps about its worktree (session.json `worktree`). */
export interface WorktreeRecord {
  /** The checkout it was made from (the repository's main worktree): where `merge` works. */
  repo: string;
  /** The repository's common git dir (absolute): the one every worktree of it shares. */
  gitDir: string;
  /** The worktree's own directory. */
  path: string;
  /** Its branch, short (`claude-session/fix-login`). */
  branch: string;
  /** What it was based on: a branch name (short) when it was one, else a commit. */
  base: string;
  baseCommit: string;
  /** Whether the session made the branch (only then may removing the session delete it). */
  createdBranch: boolean;
}

/** Why a worktree cannot be looked at as usual; each is shown, never thrown. */
export type WorktreeProblem =
  | 'repo-missing'
  | 'missing'
  | 'moved'
  | 'not-a-worktree'
  | 'branch-missing'
  | 'git-failed';

export interface Commit {
  sha: string;
  subject: string;
}

/** What git says about a worktree right now. */
export interface WorktreeState {
  problem: WorktreeProblem | null;
  /** One line for people when there is a problem. */
  detail: string | null;
  /** Where the worktree is now (another place when it was moved with `git worktree move`). */
  path: string;
  /** The branch checked out there now (null: detached, or unknown). */
  head: string | null;
  headCommit: string | null;
  /** Tracked files with changes, staged or not (conflicts included). */
  changed: number;
  /** Untracked files, ignored ones aside. */
  untracked: number;
  /** A few of the changed and untracked paths, for messages. */
  examples: string[];
  ahead: number;
  behind: number;
  /**
   * Commits of the branch (and of the worktree's HEAD) on no other branch or remote-tracking branch:
   * what removing the session would leave unreachable. A branch the session did not make is never
   * deleted, so it counts as one of those other branches.
   */
  unpushed: Commit[];
  unpushedCount: number;
  /** Stash entries made on the branch (`git stash list`: "WIP on BRANCH:" / "On BRANCH:"). */
  stashes: string[];
  /** `git worktree lock` reason (a running Claude's `-w` locks with its pid), or null. */
  locked: string | null;
  /** The branch ref's commit, to delete it only if nobody moved it since. */
  branchCommit: string | null;
}

/** What `list --json` shows under `worktree`. */
export interface WorktreeSummary {
  path: string;
  /** The checkout it was made from (where `merge` brings its branch). */
  repo: string;
  branch: string;
  base: string;
  dirty: boolean;
  untracked: number;
  ahead: number;
  behind: number;
  /** Tracked files with uncommitted changes. */
  changed: number;
  unpushed: number;
  stashes: number;
  locked: boolean;
  /** Null when all is well, else `missing`, `moved`, `repo-missing`, ... */
  problem: WorktreeProblem | null;
  detail: string | null;
}

export function summarize(record: WorktreeRecord, state: WorktreeState): WorktreeSummary {
  return {
    path: state.path,
    repo: record.repo,
    branch: record.branch,
    base: record.base,
    dirty: state.changed > 0,
    untracked: state.untracked,
    ahead: state.ahead,
    behind: state.behind,
    changed: state.changed,
    unpushed: state.unpushedCount,
    stashes: state.stashes.length,
    locked: state.locked !== null,
    problem: state.problem,
    detail: state.detail,
  };
}

/** The work removing a worktree (and its branch) would lose: empty when it may go. */
export function workAtRisk(state: WorktreeState): string[] {
  const lost: string[] = [];
  // A dir git does not list as a worktree (the repository was cloned again, say) is not looked into:
  // its files may be the only copy of something, so it counts as work.
  if (
    state.problem === 'git-failed' ||
    state.problem === 'repo-missing' ||
    state.problem === 'not-a-worktree'
  ) {
    lost.push(`its state cannot be read (${state.detail ?? state.problem})`);
    return lost;
  }
  // git status lists the changed files before the untracked ones, and so do the examples.
  const changedExamples = state.examples.slice(0, state.changed);
  const untrackedExamples = state.examples.slice(changedExamples.length);
  if (state.changed > 0)
    lost.push(
      count(state.changed, 'file with uncommitted changes', 'files with uncommitted changes') +
        shown(changedExamples, state.changed),
    );
  if (state.untracked > 0)
    lost.push(
      count(state.untracked, 'untracked file', 'untracked files') + shown(untrackedExamples, state.untracked),
    );
  if (state.unpushedCount > 0) {
    const shown = state.unpushed
      .slice(0, 3)
      .map((commit) => `${commit.sha.slice(0, 7)} ${commit.subject}`)
      .join('; ');
    lost.push(
      `${count(state.unpushedCount, 'commit', 'commits')} on no other branch or remote (${shown}${state.unpushedCount > 3 ? '; ...' : ''})`,
    );
  }
  if (state.stashes.length > 0)
    lost.push(count(state.stashes.length, 'stash made there', 'stashes made there'));
  if (state.locked !== null) lost.push(`it is locked (${state.locked || 'git worktree lock'})`);
  return lost;
}

/** ` (a, b, ...)`: the paths shown of `total`, or nothing when none is. */
function shown(examples: string[], total: number): string {
  return examples.length === 0 ? '' : ` (${examples.join(', ')}${total > examples.length ? ', ...' : ''})`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One `list` cell: `branch*` style marks, short. */
export function worktreeCell(summary: WorktreeSummary): string {
  if (summary.problem) return `${summary.branch} (${summary.problem})`;
  const marks: string[] = [];
  if (summary.changed > 0) marks.push(`~${summary.changed}`);
  if (summary.untracked > 0) marks.push(`?${summary.untracked}`);
  if (summary.ahead > 0) marks.push(`+${summary.ahead}`);
  if (summary.behind > 0) marks.push(`-${summary.behind}`);
  return marks.length > 0 ? `${summary.branch} ${marks.join(' ')}` : summary.branch;
}

// ---- parsing what git prints ----

/** `git status --porcelain=v2 -z --branch --untracked-files=all`: counts, the head, a few paths. */
export function parseStatus(output: string): {
  head: string | null;
  headCommit: string | null;
  changed: number;
  untracked: number;
  examples: string[];
} {
  const fields = output.split('\0');
  let head: string | null = null;
  let headCommit: string | null = null;
  let changed = 0;
  let untracked = 0;
  const examples: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (field.startsWith('# branch.head ')) {
      const name = field.slice('# branch.head '.length);
      head = name === '(detached)' ? null : name;
    } else if (field.startsWith('# branch.oid ')) {
      const oid = field.slice('# branch.oid '.length);
      headCommit = oid === '(initial)' ? null : oid;
    } else if (field.startsWith('1 ') || field.startsWith('u ')) {
      changed++;
      note(
        examples,
        field
          .split(' ')
          .slice(field.startsWith('1 ') ? 8 : 10)
          .join(' '),
      );
    } else if (field.startsWith('2 ')) {
      changed++;
      note(examples, field.split(' ').slice(9).join(' '));
      i++; // the original path follows as its own field
    } else if (field.startsWith('? ')) {
      untracked++;
      note(examples, field.slice(2));
    }
  }
  return { head, headCommit, changed, untracked, examples };
}

function note(examples: string[], path: string): void {
  if (examples.length < 3) examples.push(path);
}

export interface WorktreeListEntry {
  path: string;
  head: string | null;
  branch: string | null;
  locked: string | null;
  prunable: string | null;
  bare: boolean;
}

/** `git worktree list --porcelain -z`. */
export function parseWorktreeList(output: string): WorktreeListEntry[] {
  const entries: WorktreeListEntry[] = [];
  let current: WorktreeListEntry | undefined;
  for (const field of output.split('\0')) {
    if (field === '') {
      current = undefined;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space < 0 ? field : field.slice(0, space);
    const value = space < 0 ? '' : field.slice(space + 1);
    if (key === 'worktree') {
      current = { path: value, head: null, branch: null, locked: null, prunable: null, bare: false };
      entries.push(current);
      continue;
    }
    if (!current) continue;
    if (key === 'HEAD') current.head = value;
    else if (key === 'branch') current.branch = value.replace(/^refs\/heads\//, '');
    else if (key === 'locked') current.locked = value;
    else if (key === 'prunable') current.prunable = value || 'gitdir file points to non-existent location';
    else if (key === 'bare') current.bare = true;
  }
  return entries;
}

/** `git log --format=%H%x09%s`: the commits, at most `keep` of them, and how many there were. */
export function parseCommits(output: string, keep = 20): { commits: Commit[]; count: number } {
  const lines = output.split('\n').filter((line) => line.length > 0);
  const commits = lines.slice(0, keep).map((line) => {
    const tab = line.indexOf('\t');
    return tab < 0 ? { sha: line, subject: '' } : { sha: line.slice(0, tab), subject: line.slice(tab + 1) };
  });
  return { commits, count: lines.length };
}

/** Stash entries (`git stash list --format=%gd%x09%gs`) made on the branch. */
export function stashesOn(output: string, branch: string): string[] {
  const found: string[] = [];
  for (const line of output.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const subject = line.slice(tab + 1);
    if (subject.startsWith(`WIP on ${branch}: `) || subject.startsWith(`On ${branch}: `)) {
      found.push(line.slice(0, tab));
    }
  }
  return found;
}

/** `git rev-list --left-right --count A...B`: behind (only in A), ahead (only in B). */
export function parseAheadBehind(output: string): { ahead: number; behind: number } | undefined {
  const match = /^(\d+)\s+(\d+)\s*$/.exec(output);
  return match ? { behind: Number(match[1]), ahead: Number(match[2]) } : undefined;
}

/** `git diff --shortstat`: files, insertions, deletions. */
export function parseShortstat(output: string): { files: number; insertions: number; deletions: number } {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
  return {
    files: number(/(\d+) files? changed/),
    insertions: number(/(\d+) insertions?\(\+\)/),
    deletions: number(/(\d+) deletions?\(-\)/),
  };
}

// ---- names ----

/** The branch a session's worktree gets when none is given: the prefix, then its name or short id. */
export function defaultBranch(prefix: string, name: string | null, id: string): string {
  return `${prefix}${name ?? id.slice(0, 8)}`;
}

/**
 * Why git would refuse a branch name, or undefined (git check-ref-format --branch has the last word;
 * this catches what must never reach git as an argument, such as a leading `-`).
 */
export function branchProblem(branch: string): string | undefined {
  const why = `invalid branch name ${JSON.stringify(branch)}`;
  if (branch.length === 0 || branch.length > 200) return `${why}: use 1-200 characters`;
  if (branch.startsWith('-')) return `${why}: it may not start with '-'`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(branch)) return `${why}: no spaces, control characters or ~^:?*[\\`;
  if (branch.includes('..') || branch.includes('@{') || branch === '@') return `${why}: no '..' or '@{'`;
  if (branch.startsWith('/') || branch.endsWith('/') || branch.includes('//')) return `${why}: misplaced '/'`;
  if (branch.endsWith('.') || branch.endsWith('.lock') || /(^|\/)\./.test(branch))
    return `${why}: no component may start with '.' or end with '.lock', and it may not end with '.'`;
  return undefined;
}

/**
 * Where a session's worktree lives: `<root>/worktrees/<id>/<repository's folder name>`, so that the
 * folder Claude shows is the repository's name and every session's is its own.
 */
export function worktreePath(worktreesDir: string, id: string, repo: string): string {
  const name = posix.basename(repo) || 'repo';
  return posix.join(worktreesDir, id, name);
}

/** The ref that keeps a removed worktree's uncommitted and untracked files when --force removed it. */
export function backupRef(id: string): string {
  return `refs/claude-session/backup/${id}`;
}

/** Git's lock contention (concurrent `worktree add`, a ref or index being written): worth a retry. */
export function isLockContention(stderr: string): boolean {
  return /\.lock'?: File exists|Unable to create '.*\.lock'|cannot lock ref|could not lock config file|unable to lock|another git process seems to be running/i.test(
    stderr,
  );
}
