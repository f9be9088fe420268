import { mkdirSync, rmdirSync } from 'node:fs';
import { posix } from 'node:path';
import { EXIT, UserError } from '../core/errors.js';
import { type GitResult, git, gitMessage } from '../system/git.js';
import { sleep, withLock } from '../system/lock.js';
import { branchProblem, isLockContention, type WorktreeRecord, worktreePath } from './model.js';
import type { Repository } from './repository.js';

export interface WorktreeRequest {
  repo: Repository;
  /** The session's id (the worktree's folder). */
  id: string;
  branch: string;
  /** `--base REF`, or null: the checkout's HEAD. */
  base: string | null;
  worktreesDir: string;
  env?: NodeJS.ProcessEnv;
}

/** A worktree decided but not made yet: everything is checked before the first write. */
export interface WorktreePlan {
  record: WorktreeRecord;
  /** The commit a new branch starts at (null: an existing branch, checked out as it is). */
  startAt: string | null;
  /** Where the session's Claude runs: the same subfolder the user was in. */
  cwd: string;
  /** The checkout the user started in: where `.worktreeinclude` and the files it names are read. */
  source: string;
}

/** Checks the request against the repository and decides the worktree; writes nothing. */
export function planWorktree(request: WorktreeRequest): WorktreePlan {
  const { repo, branch } = request;
  const read = (args: string[]) => git(repo.top, args, { env: request.env, readOnly: true });
  const problem = branchProblem(branch);
  if (problem) throw new UserError(`--worktree: ${problem}`, EXIT.USAGE);
  const valid = read(['check-ref-format', '--branch', branch]);
  if (!valid.ok)
    throw new UserError(`--worktree: git refuses the branch name ${JSON.stringify(branch)}`, EXIT.USAGE);
  const path = worktreePath(request.worktreesDir, request.id, repo.top);
  const existing = read(['rev-parse', '--verify', '-q', `refs/heads/${branch}`]);
  const cwdIn = (dir: string) => (repo.prefix ? posix.join(dir, repo.prefix) : dir);
  if (existing.ok) {
    if (request.base !== null) {
      throw new UserError(
        `--worktree: branch ${branch} exists already, and --base is for a new branch: drop --base, or name a new branch`,
        EXIT.USAGE,
      );
    }
    const holder = repo.worktrees.find((entry) => entry.branch === branch);
    if (holder) {
      throw new UserError(
        `--worktree: branch ${branch} is already checked out at ${holder.path}: name another branch (or none, for a new one)`,
        EXIT.USAGE,
      );
    }
    return {
      record: {
        repo: repo.main,
        gitDir: repo.gitDir,
        path,
        branch,
        base: repo.branch ?? repo.head,
        baseCommit: repo.head,
        createdBranch: false,
      },
      startAt: null,
      cwd: cwdIn(path),
      source: repo.top,
    };
  }
  let base: string;
  let baseCommit: string;
  if (request.base === null) {
    if (repo.branch === null) {
      throw new UserError(
        `--worktree: HEAD is detached at ${repo.head.slice(0, 7)} in ${repo.top}: give --base REF (the branch or commit to start from), or check out a branch`,
        EXIT.USAGE,
      );
    }
    base = repo.branch;
    baseCommit = repo.head;
  } else {
    if (request.base.startsWith('-') || request.base.length === 0) {
      throw new UserError(`--worktree: invalid --base ${JSON.stringify(request.base)}`, EXIT.USAGE);
    }
    const commit = read(['rev-parse', '--verify', '-q', '--end-of-options', `${request.base}^{commit}`]);
    if (!commit.ok) {
      throw new UserError(
        `--worktree: --base ${JSON.stringify(request.base)} names no commit in ${repo.top}`,
        EXIT.USAGE,
      );
    }
    base = request.base;
    baseCommit = commit.stdout.trim();
  }
  return {
    record: {
      repo: repo.main,
      gitDir: repo.gitDir,
      path,
      branch,
      base,
      baseCommit,
      createdBranch: true,
    },
    startAt: baseCommit,
    cwd: cwdIn(path),
    source: repo.top,
  };
}

/** How often a `git worktree add` that met another git's lock is tried again. */
const ATTEMPTS = 30;

/**
 * Makes the worktree. Starts of ours in one repository take turns (a lock per repository in our
 * locks dir), and a git lock held by anyone else (the user's own git, another tool) is waited out:
 * git's `worktree add` fails at once on a held `.lock`, it does not wait.
 */
export function createWorktree(plan: WorktreePlan, locksDir: string, env?: NodeJS.ProcessEnv): void {
  const { record } = plan;
  mkdirSync(posix.dirname(record.path), { recursive: true, mode: 0o700 });
  const args = ['worktree', 'add', '--quiet'];
  if (plan.startAt !== null) args.push('--no-track', '-b', record.branch, '--', record.path, plan.startAt);
  else args.push('--', record.path, record.branch);
  let result: GitResult | undefined;
  try {
    withLock(locksDir, repositoryLockName(record.gitDir), () => {
      for (let attempt = 1; ; attempt++) {
        result = git(record.repo, args, { env });
        if (result.ok || !isLockContention(result.stderr) || attempt >= ATTEMPTS) return;
        // What git half-made before it met the lock is its own to clean: it removes the new worktree dir.
        sleep(Math.min(20 * attempt, 200));
      }
    });
  } catch (error) {
    removeEmptyParent(record.path);
    throw error;
  }
  if (!result?.ok) {
    removeEmptyParent(record.path);
    const message = result ? gitMessage(result) : 'git did not run';
    throw new UserError(`--worktree: git could not make the worktree: ${message}`);
  }
}

/**
 * Undoes a worktree made for a start that then failed (the set-up command, a guard rail): it holds
 * nothing of the user's yet, but only what is still exactly as made goes (a branch that moved stays).
 */
export function discardNewWorktree(plan: WorktreePlan, env?: NodeJS.ProcessEnv): void {
  const { record } = plan;
  git(record.repo, ['worktree', 'remove', '--force', '--', record.path], { env });
  if (plan.startAt !== null) {
    git(record.repo, ['update-ref', '-d', `refs/heads/${record.branch}`, plan.startAt], { env });
  }
  removeEmptyParent(record.path);
}

function removeEmptyParent(path: string): void {
  try {
    rmdirSync(posix.dirname(path));
  } catch {}
}

/** A lock name per repository (FNV-1a of its git dir: no crypto module on the launch path). */
export function repositoryLockName(gitDir: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < gitDir.length; i++) {
    hash ^= gitDir.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `git-${hash.toString(16).padStart(8, '0')}`;
}
