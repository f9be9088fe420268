import { existsSync } from 'node:fs';
import { type GitResult, gitAsync, gitMessage } from '../system/git.js';
import {
  parseAheadBehind,
  parseCommits,
  parseShortstat,
  parseStatus,
  parseWorktreeList,
  stashesOn,
  type WorktreeListEntry,
  type WorktreeRecord,
  type WorktreeState,
} from './model.js';

/**
 * What git says about a session's worktree now. Never throws: a repository that moved or vanished, a
 * worktree removed or moved by hand, a branch deleted under it come back as a `problem` with a line
 * for people, so that list, show, cleanup and doctor go on. Reads take no optional locks.
 */
/** A state with nothing found yet: no work counted, no problem named. */
export function unknownState(path: string): WorktreeState {
  return {
    problem: null,
    detail: null,
    path,
    head: null,
    headCommit: null,
    changed: 0,
    untracked: 0,
    examples: [],
    ahead: 0,
    behind: 0,
    unpushed: [],
    unpushedCount: 0,
    stashes: [],
    locked: null,
    branchCommit: null,
  };
}

export async function inspectWorktree(
  record: WorktreeRecord,
  env: NodeJS.ProcessEnv = process.env,
  /** What git said about whole repositories, kept for the other worktrees of one listing. */
  shared?: Map<string, Promise<GitResult>>,
): Promise<WorktreeState> {
  const state = unknownState(record.path);
  const read = (cwd: string, args: string[]) => gitAsync(cwd, args, { env, readOnly: true });
  const readRepository = (args: string[]) => {
    const key = `${record.gitDir}\0${args.join('\0')}`;
    const known = shared?.get(key);
    if (known) return known;
    const result = read(record.gitDir, args);
    shared?.set(key, result);
    return result;
  };
  if (!existsSync(record.gitDir)) {
    return {
      ...state,
      problem: 'repo-missing',
      detail: `the repository ${record.repo} is gone (no ${record.gitDir}): it was moved or deleted`,
    };
  }
  const [list, branches, baseRef, stashList] = await Promise.all([
    readRepository(['worktree', 'list', '--porcelain', '-z']),
    readRepository(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads']),
    readRepository(['rev-parse', '--verify', '-q', '--end-of-options', `${record.base}^{commit}`]),
    // `git stash list` needs a work tree; the stash's reflog is the same list, read from the git dir.
    readRepository(['log', '--walk-reflogs', '--format=%gd%x09%gs', 'refs/stash', '--']),
  ]);
  if (!list.ok) return failed(state, list);
  const entries = parseWorktreeList(list.stdout);
  const entry = findEntry(entries, record);
  state.branchCommit = branches.ok ? branchTip(branches.stdout, record.branch) : null;
  if (stashList.ok) state.stashes = stashesOn(stashList.stdout, record.branch);
  else if (!/bad revision 'refs\/stash'/.test(stashList.stderr)) return failed(state, stashList);
  if (entry) {
    state.path = entry.path;
    state.locked = entry.locked;
    if (entry.path !== record.path) {
      state.problem = 'moved';
      state.detail = `the worktree was moved to ${entry.path}`;
    }
  }
  const onDisk = existsSync(state.path);
  if (!onDisk) {
    state.problem = 'missing';
    state.detail = entry
      ? `the worktree ${state.path} was removed by hand (git still lists it: \`git -C ${record.repo} worktree prune\`)`
      : `the worktree ${state.path} was removed`;
  } else if (!entry) {
    state.problem = 'not-a-worktree';
    state.detail = `${state.path} is no longer a worktree of ${record.repo}`;
  } else {
    const status = await read(state.path, [
      'status',
      '--porcelain=v2',
      '-z',
      '--branch',
      '--untracked-files=all',
    ]);
    if (!status.ok) return failed(state, status);
    Object.assign(state, parseStatus(status.stdout));
  }
  if (state.branchCommit === null && state.problem === null) {
    state.problem = 'branch-missing';
    state.detail = `its branch ${record.branch} was deleted`;
  }
  const tips = [state.branchCommit, state.headCommit].filter(
    (tip, index, all): tip is string => tip !== null && all.indexOf(tip) === index,
  );
  const base = baseRef.ok ? baseRef.stdout.trim() : record.baseCommit;
  const tip = state.branchCommit ?? state.headCommit;
  const [unpushed, aheadBehind] = await Promise.all([
    tips.length === 0
      ? Promise.resolve(undefined)
      : read(record.gitDir, [
          'log',
          '--format=%H%x09%s',
          ...tips,
          '--not',
          // The session's own branch does not count as another one when removing the session may
          // delete it (a branch it made); a branch it found stays, and holds its commits. (--exclude
          // before --branches takes the name without refs/heads/: a full ref never matches.)
          ...(record.createdBranch ? [`--exclude=${record.branch}`] : []),
          '--branches',
          '--remotes',
          '--',
        ]),
    tip === null
      ? Promise.resolve(undefined)
      : read(record.gitDir, ['rev-list', '--left-right', '--count', `${base}...${tip}`, '--']),
  ]);
  if (unpushed && !unpushed.ok) return failed(state, unpushed);
  if (unpushed) {
    const { commits, count } = parseCommits(unpushed.stdout);
    state.unpushed = commits;
    state.unpushedCount = count;
  }
  const counts = aheadBehind?.ok ? parseAheadBehind(aheadBehind.stdout.trim()) : undefined;
  if (counts) Object.assign(state, counts);
  return state;
}

/** The commit of a branch in `git for-each-ref --format='%(objectname) %(refname)' refs/heads`. */
function branchTip(output: string, branch: string): string | null {
  const line = output.split('\n').find((each) => each.endsWith(` refs/heads/${branch}`));
  return line ? line.slice(0, line.indexOf(' ')) : null;
}

function findEntry(entries: WorktreeListEntry[], record: WorktreeRecord): WorktreeListEntry | undefined {
  return (
    entries.find((entry) => entry.path === record.path) ??
    entries.find((entry, index) => index > 0 && entry.branch === record.branch)
  );
}

function failed(state: WorktreeState, result: GitResult): WorktreeState {
  return { ...state, problem: 'git-failed', detail: `git: ${gitMessage(result)}` };
}

/** What the session changed against its base, committed or not: `git diff --shortstat`. */
export async function diffSummary(
  record: WorktreeRecord,
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ files: number; insertions: number; deletions: number } | undefined> {
  const base = await mergeBase(record, path, env);
  if (!base) return undefined;
  const result = await gitAsync(path, ['diff', '--shortstat', base, '--'], { env, readOnly: true });
  return result.ok ? parseShortstat(result.stdout) : undefined;
}

/** Where the session's work starts: the merge base of its base branch (or commit) and its HEAD. */
export async function mergeBase(
  record: WorktreeRecord,
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const baseRef = await gitAsync(
    path,
    ['rev-parse', '--verify', '-q', '--end-of-options', `${record.base}^{commit}`],
    {
      env,
      readOnly: true,
    },
  );
  const base = baseRef.ok ? baseRef.stdout.trim() : record.baseCommit;
  const result = await gitAsync(path, ['merge-base', base, 'HEAD'], { env, readOnly: true });
  return result.ok ? result.stdout.trim() : record.baseCommit;
}
