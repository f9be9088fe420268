import { rmdirSync, rmSync } from 'node:fs';
import { posix } from 'node:path';
import { git, gitMessage } from '../system/git.js';
import { realDir } from './create.js';
import { inspectWorktree } from './inspect.js';
import {
  backupRef,
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
  if (options.dryRun) return outcome;

  const env = options.env;
  if (outcome.worktree === 'removed' && state.changed + state.untracked > 0) {
    const saved = saveFiles(record, state, options.id, env);
    if (typeof saved === 'string') {
      return {
        ...outcome,
        refused: `could not save its files before removing it: ${saved}`,
        worktree: 'left',
        branch: outcome.branch === 'deleted' ? 'kept' : outcome.branch,
      };
    }
    outcome.backup = saved;
  }
  if (outcome.worktree !== 'left' && registered) {
    const force = state.locked !== null ? ['--force', '--force'] : ['--force'];
    const removed = git(record.gitDir, ['worktree', 'remove', ...force, '--', state.path], { env });
    if (!removed.ok && state.problem !== 'missing') {
      return {
        ...outcome,
        refused: `git could not remove the worktree ${state.path}: ${gitMessage(removed)}`,
        worktree: 'left',
        branch: outcome.branch === 'deleted' ? 'kept' : outcome.branch,
      };
    }
    if (!removed.ok) git(record.gitDir, ['worktree', 'prune'], { env });
  }
  if (outcome.branch === 'deleted' && state.branchCommit) {
    const holder = checkedOutAt(record, env);
    if (holder) {
      outcome.branch = 'kept';
      outcome.keptReason = `it is checked out at ${holder}`;
    } else {
      // Deleted only if it still points where it did when looked at: a commit made since keeps it.
      const deleted = git(
        record.gitDir,
        ['update-ref', '-d', `refs/heads/${record.branch}`, state.branchCommit],
        { env },
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

/** Lines for people about a removal that went: what happened to the worktree, its branch, its work. */
export function describeRemoval(record: WorktreeRecord, removal: WorktreeRemoval): string[] {
  const lines: string[] = [];
  if (removal.worktree === 'removed') lines.push(`removed its worktree ${record.path}`);
  if (removal.worktree === 'left' && removal.leftReason)
    lines.push(`left its worktree: ${removal.leftReason}`);
  if (removal.backup) {
    lines.push(
      `saved its uncommitted and untracked files as commit ${removal.backup.commit.slice(0, 12)} in ${removal.backup.ref} (\`git -C ${record.repo} checkout ${removal.backup.commit.slice(0, 12)} -- .\` brings them back)`,
    );
  }
  if (removal.branch === 'deleted')
    lines.push(`deleted its branch ${record.branch} (nothing on it was only there)`);
  if (removal.branch === 'kept')
    lines.push(`kept its branch ${record.branch}: ${removal.keptReason ?? 'it holds work'}`);
  if (removal.stashes > 0)
    lines.push(
      `${removal.stashes === 1 ? 'its stash stays' : `its ${removal.stashes} stashes stay`} in \`git stash list\``,
    );
  return lines;
}
