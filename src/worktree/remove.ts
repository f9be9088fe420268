import { rmdirSync, rmSync } from 'node:fs';
import { posix } from 'node:path';
import { isUserError } from '../core/errors.js';
import { type GitResult, git, gitMessage } from '../system/git.js';
import { sleep, withLock } from '../system/lock.js';
import { realDir, repositoryLockName } from './create.js';
import { inspectWorktree } from './inspect.js';
import {
  backupRef,
  isLockContention,
  parseWorktreeList,
  type WorktreeRecord,
  type WorktreeState,
  workAtRisk,
} from './model.js';

export interface WorktreeRemoval {
  /** Null when it went (or there was nothing to remove); else why it was left, for people. */
  refused: string | null;
  /** What would be (with --force: was) at risk, one item each. */
  atRisk: string[];
  worktree: 'removed' | 'absent' | 'left';
  /** Why the worktree dir was left in place (moved elsewhere by hand, repository gone). */
  leftReason: string | null;
  branch: 'deleted' | 'kept' | 'absent' | 'not-ours';
  /** Why the branch stays. */
  keptReason: string | null;
  /** Uncommitted and untracked files saved before a --force removal. */
  backup: { ref: string; commit: string } | null;
  /** The uncommitted and untracked files saved (dry run: to be saved) to a backup ref first, or null. */
  toSave: { files: number; ref: string } | null;
  stashes: number;
}

export interface RemoveOptions {
  /** The session's id (the backup ref's name). */
  id: string;
  /** Our worktrees dir: a worktree outside it (moved by hand) is never deleted by us. */
  worktreesDir: string;
  /** `rm --force` on this one session: remove even with work in it, saving it first. */
  force: boolean;
  /** Only say what would happen. */
  dryRun?: boolean;
  /** Our locks dir: removals take turns with our own `worktree add`s in the same repository. */
  locksDir?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Removes a session's worktree and the branch it made, or refuses with exactly what would be lost:
 * uncommitted changes, untracked files (ignored ones aside), stashes made there, commits on no other
 * branch or remote-tracking branch, a lock. Git itself deletes the worktree (`git worktree remove`,
 * which only ever removes a registered worktree of that repository); nothing is deleted by a walk of
 * ours. With `force`, the files are first committed to a backup ref and a branch with commits found
 * nowhere else is kept, so that even then nothing becomes unreachable.
 */
export async function removeWorktree(
  record: WorktreeRecord,
  options: RemoveOptions,
): Promise<WorktreeRemoval> {
  const state = await inspectWorktree(record, options.env);
  return removeInspected(record, state, options);
}

export function removeInspected(
  record: WorktreeRecord,
  state: WorktreeState,
  options: RemoveOptions,
): WorktreeRemoval {
  const atRisk = workAtRisk(state);
  const outcome: WorktreeRemoval = {
    refused: null,
    atRisk,
    worktree: 'absent',
    leftReason: null,
    branch: record.createdBranch ? (state.branchCommit ? 'deleted' : 'absent') : 'not-ours',
    keptReason: record.createdBranch ? null : 'it existed before the session',
    backup: null,
    toSave: null,
    stashes: state.stashes.length,
  };
  if (atRisk.length > 0 && !options.force) {
    outcome.refused = `its worktree ${state.path} holds work that would be lost: ${atRisk.join('; ')}`;
    outcome.worktree = 'left';
    outcome.branch = record.createdBranch && state.branchCommit ? 'kept' : outcome.branch;
    return outcome;
  }
  const ours = isInside(state.path, realDir(options.worktreesDir));
  const registered =
    state.problem === null ||
    state.problem === 'branch-missing' ||
    state.problem === 'missing' ||
    state.problem === 'moved';
  if (state.problem === 'repo-missing' || state.problem === 'git-failed') {
    outcome.worktree = 'left';
    outcome.leftReason = state.detail;
  } else if (state.problem === 'not-a-worktree') {
    outcome.worktree = 'left';
    outcome.leftReason = `${state.path} is no longer a worktree of ${record.repo}: left in place`;
  } else if (!ours && state.problem !== 'missing') {
    outcome.worktree = 'left';
    outcome.leftReason = `it was moved to ${state.path}, outside claude-session's worktrees: left there`;
  } else if (registered) {
    outcome.worktree = state.problem === 'missing' ? 'absent' : 'removed';
  }
  if (state.unpushedCount > 0 && outcome.branch === 'deleted') {
    outcome.branch = 'kept';
    outcome.keptReason = `it has ${state.unpushedCount} commit${state.unpushedCount === 1 ? '' : 's'} on no other branch`;
  }
  if (outcome.worktree === 'left' && outcome.branch === 'deleted') {
    outcome.branch = 'kept';
    outcome.keptReason = 'its worktree was left in place';
  }
  const files = state.changed + state.untracked;
  if (outcome.worktree === 'removed' && files > 0) outcome.toSave = { files, ref: backupRef(options.id) };
  if (options.dryRun) return outcome;
  if (!options.locksDir) return applyRemoval(record, state, options, outcome);
  try {
    return withLock(options.locksDir, repositoryLockName(record.gitDir), () =>
      applyRemoval(record, state, options, outcome),
    );
  } catch (error) {
    if (!isUserError(error)) throw error;
    return keepAll(outcome, `the repository is busy: ${error.message}`);
  }
}

function applyRemoval(
  record: WorktreeRecord,
  state: WorktreeState,
  options: RemoveOptions,
  outcome: WorktreeRemoval,
): WorktreeRemoval {
  const env = options.env;
  if (outcome.toSave) {
    const saved = saveFiles(record, state, options.id, env);
    if (typeof saved === 'string')
      return keepAll(outcome, `could not save its files before removing it: ${saved}`);
    outcome.backup = saved;
  }
  if (outcome.worktree === 'removed' || state.problem === 'missing') {
    // Without work at risk git checks again that the worktree is clean (a file written since it was
    // looked at makes it refuse); with --force the files were saved just above. A lock needs two.
    const force =
      outcome.atRisk.length === 0 ? [] : state.locked !== null ? ['--force', '--force'] : ['--force'];
    const removed = retrying(record.gitDir, ['worktree', 'remove', ...force, '--', state.path], env);
    if (!removed.ok && state.problem !== 'missing') {
      return keepAll(outcome, `git could not remove the worktree ${state.path}: ${gitMessage(removed)}`);
    }
    if (!removed.ok) {
      outcome.leftReason = `git still lists it (\`git -C ${record.repo} worktree prune\` forgets it)`;
    }
  }
  if (outcome.branch === 'deleted' && state.branchCommit) {
    const holder = checkedOutAt(record, env);
    if (holder) {
      outcome.branch = 'kept';
      outcome.keptReason = `it is checked out at ${holder}`;
    } else {
      // Deleted only if it still points where it did when looked at: a commit made since keeps it.
      const deleted = retrying(
        record.gitDir,
        ['update-ref', '-d', `refs/heads/${record.branch}`, state.branchCommit],
        env,
      );
      if (!deleted.ok) {
        outcome.branch = 'kept';
        outcome.keptReason = `git would not delete it: ${gitMessage(deleted)}`;
      }
    }
  }
  try {
    rmdirSync(posix.dirname(record.path));
  } catch {}
  return outcome;
}

/** Nothing removed after all: the worktree and its branch stay, and why. */
function keepAll(outcome: WorktreeRemoval, why: string): WorktreeRemoval {
  return {
    ...outcome,
    refused: why,
    worktree: outcome.worktree === 'absent' ? 'absent' : 'left',
    branch: outcome.branch === 'deleted' ? 'kept' : outcome.branch,
    keptReason: outcome.branch === 'deleted' ? 'the worktree was not removed' : outcome.keptReason,
  };
}

/** How often a git step that met another git's lock is tried again (git does not wait for one). */
const ATTEMPTS = 30;

function retrying(cwd: string, args: string[], env: NodeJS.ProcessEnv | undefined): GitResult {
  for (let attempt = 1; ; attempt++) {
    const result = git(cwd, args, { env });
    if (result.ok || !isLockContention(result.stderr) || attempt >= ATTEMPTS) return result;
    sleep(Math.min(20 * attempt, 200));
  }
}

function checkedOutAt(record: WorktreeRecord, env: NodeJS.ProcessEnv | undefined): string | undefined {
  const list = git(record.gitDir, ['worktree', 'list', '--porcelain', '-z'], { env, readOnly: true });
  if (!list.ok) return undefined;
  return parseWorktreeList(list.stdout).find((entry) => entry.branch === record.branch)?.path;
}

function isInside(path: string, dir: string): boolean {
  const relative = posix.relative(dir, path);
  return relative !== '' && !relative.startsWith('..') && !posix.isAbsolute(relative);
}

/**
 * Commits the worktree's files as they are (tracked changes and untracked files, ignored ones aside)
 * to a backup ref, through an index of its own: the worktree, its index and its branch are untouched.
 */
function saveFiles(
  record: WorktreeRecord,
  state: WorktreeState,
  id: string,
  env: NodeJS.ProcessEnv | undefined,
): { ref: string; commit: string } | string {
  const index = posix.join(record.gitDir, `claude-session-index-${id}`);
  const withIndex = { env, extraEnv: { GIT_INDEX_FILE: index } };
  try {
    if (state.headCommit) {
      const read = git(state.path, ['read-tree', state.headCommit], withIndex);
      if (!read.ok) return gitMessage(read);
    }
    const add = git(state.path, ['add', '-A', '--', '.'], withIndex);
    if (!add.ok) return gitMessage(add);
    const tree = git(state.path, ['write-tree'], withIndex);
    if (!tree.ok) return gitMessage(tree);
    const identity = git(state.path, ['config', 'user.email'], { env, readOnly: true }).ok
      ? []
      : ['-c', 'user.name=claude-session', '-c', 'user.email=claude-session@localhost'];
    const parents = state.headCommit ? ['-p', state.headCommit] : [];
    const message = `claude-session: the files left in ${state.path} (branch ${record.branch}) when session ${id} was removed with --force`;
    const commit = git(
      state.path,
      [...identity, 'commit-tree', tree.stdout.trim(), ...parents, '-m', message],
      { env },
    );
    if (!commit.ok) return gitMessage(commit);
    const ref = backupRef(id);
    const sha = commit.stdout.trim();
    const update = git(state.path, ['update-ref', '-m', 'claude-session rm --force', ref, sha], { env });
    if (!update.ok) return gitMessage(update);
    return { ref, commit: sha };
  } finally {
    rmSync(index, { force: true });
  }
}

/**
 * Lines for people about a removal that went (or, with `dryRun`, would go): what happened to the
 * worktree, its branch, its work, and where what was saved is.
 */
export function describeRemoval(
  record: WorktreeRecord,
  removal: WorktreeRemoval,
  options: { dryRun?: boolean } = {},
): string[] {
  const would = (done: string, planned: string) => (options.dryRun ? planned : done);
  const lines: string[] = [];
  if (removal.toSave && !removal.backup && options.dryRun) {
    const { files, ref } = removal.toSave;
    lines.push(
      `would save its ${files} uncommitted and untracked file${files === 1 ? '' : 's'} as a commit in ${ref}`,
    );
  }
  if (removal.backup) {
    lines.push(
      `saved its uncommitted and untracked files as commit ${removal.backup.commit.slice(0, 12)} in ${removal.backup.ref} (\`git -C ${record.repo} branch ${record.branch}-saved ${removal.backup.commit.slice(0, 12)}\` puts them on a branch)`,
    );
  }
  if (removal.worktree === 'removed')
    lines.push(`${would('removed', 'would remove')} its worktree ${record.path}`);
  if (removal.worktree === 'absent') {
    lines.push(
      `its worktree ${record.path} was gone already${removal.leftReason ? `: ${removal.leftReason}` : ''}`,
    );
  }
  if (removal.worktree === 'left')
    lines.push(
      `${would('left', 'would leave')} its worktree${removal.leftReason ? `: ${removal.leftReason}` : ''}`,
    );
  if (removal.branch === 'deleted')
    lines.push(
      `${would('deleted', 'would delete')} its branch ${record.branch} (nothing on it was only there)`,
    );
  if (removal.branch === 'kept' || removal.branch === 'not-ours')
    lines.push(
      `${would('kept', 'would keep')} its branch ${record.branch}: ${removal.keptReason ?? (removal.branch === 'not-ours' ? 'it existed before the session' : 'it holds work')}`,
    );
  if (removal.stashes > 0)
    lines.push(
      `${removal.stashes === 1 ? 'its stash stays' : `its ${removal.stashes} stashes stay`} in \`git stash list\``,
    );
  return lines;
}
