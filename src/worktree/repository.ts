import { accessSync, constants } from 'node:fs';
import { posix } from 'node:path';
import { EXIT, UserError } from '../core/errors.js';
import { type GitResult, git, gitMessage } from '../system/git.js';
import { parseWorktreeList, type WorktreeListEntry } from './model.js';

/** The repository a session's worktree is made from, as found from the directory `new` runs in. */
export interface Repository {
  /** The top of the worktree the user is in (their checkout). */
  top: string;
  /** The repository's main worktree (where `merge` goes). */
  main: string;
  /** The common git dir, absolute. */
  gitDir: string;
  /** The branch checked out where the user is, or null when HEAD is detached. */
  branch: string | null;
  /** HEAD's commit. */
  head: string;
  /** Where the user is, relative to `top` ('' at the top). */
  prefix: string;
  worktrees: WorktreeListEntry[];
}

/**
 * Finds the repository around `cwd`, refusing in one line what cannot have a worktree: no repository,
 * a bare one, no commit yet, a submodule, a repository git cannot write in.
 */
export function findRepository(cwd: string, env: NodeJS.ProcessEnv = process.env): Repository {
  const read = (args: string[]) => git(cwd, args, { env, readOnly: true });
  const where = quickLook(read) ?? lookStepByStep(cwd, read);
  if (where.superproject) {
    throw new UserError(
      `--worktree: ${where.top} is a submodule of ${where.superproject}: start the session in ${where.superproject}, or clone the submodule on its own`,
      EXIT.USAGE,
    );
  }
  const list = read(['worktree', 'list', '--porcelain', '-z']);
  const worktrees = list.ok ? parseWorktreeList(list.stdout) : [];
  const commonDir = posix.normalize(where.gitDir);
  try {
    accessSync(commonDir, constants.W_OK);
  } catch {
    throw new UserError(
      `--worktree: cannot write in ${commonDir} (a read-only file system, or not yours): a worktree is registered there; start the session without --worktree`,
    );
  }
  return {
    top: where.top,
    main: worktrees[0]?.path ?? posix.dirname(commonDir),
    gitDir: commonDir,
    branch: where.branch,
    head: where.head,
    prefix: where.prefix.replace(/\/$/, ''),
    worktrees,
  };
}

interface Where {
  gitDir: string;
  top: string;
  prefix: string;
  head: string;
  branch: string | null;
  superproject: string;
}

type Read = (args: string[]) => GitResult;

/**
 * The usual case in one git (this is on the way to Claude's prompt): a checkout with a commit. Anything
 * else makes it fail, and lookStepByStep finds out which refusal it is. `--show-superproject-working-tree`
 * comes last: it prints a line only in a submodule.
 */
function quickLook(read: Read): Where | undefined {
  const result = read([
    'rev-parse',
    '--path-format=absolute',
    '--is-bare-repository',
    '--git-common-dir',
    '--show-toplevel',
    '--show-prefix',
    'HEAD^{commit}',
    '--symbolic-full-name',
    'HEAD',
    '--show-superproject-working-tree',
  ]);
  const lines = result.stdout.split('\n');
  if (!result.ok || lines[0] !== 'false' || lines.length < 7) return undefined;
  const [, gitDir, top, prefix, head, symbolic, superproject] = lines as string[];
  if (!/^[0-9a-f]{40,64}$/.test(head as string)) return undefined;
  return {
    gitDir: gitDir as string,
    top: top as string,
    prefix: prefix as string,
    head: head as string,
    branch: symbolic?.startsWith('refs/heads/') ? symbolic.slice('refs/heads/'.length) : null,
    superproject: superproject ?? '',
  };
}

/** One question at a time, so that what cannot have a worktree is refused with its own reason. */
function lookStepByStep(cwd: string, read: Read): Where {
  const where = read([
    'rev-parse',
    '--path-format=absolute',
    '--is-bare-repository',
    '--git-common-dir',
    '--show-superproject-working-tree',
  ]);
  if (!where.ok) {
    if (/not a git repository/i.test(where.stderr)) {
      throw new UserError(
        `--worktree: ${cwd} is not inside a git repository: cd into one (or \`git init\` and commit once)`,
        EXIT.USAGE,
      );
    }
    const foreign = /dubious ownership in repository at '(.*)'/.exec(where.stderr);
    if (foreign) {
      throw new UserError(
        `--worktree: git will not work in ${foreign[1]}: it belongs to another user (git's safe.directory): start the session as its owner, or trust it with \`git config --global --add safe.directory ${foreign[1]}\``,
      );
    }
    throw new UserError(`--worktree: git cannot read the repository at ${cwd}: ${gitMessage(where)}`);
  }
  const [bare, gitDir, superproject] = where.stdout.split('\n');
  if (bare === 'true') {
    throw new UserError(
      `--worktree: ${cwd} is a bare repository: start the session in one of its worktrees, or clone it`,
      EXIT.USAGE,
    );
  }
  const top = read(['rev-parse', '--path-format=absolute', '--show-toplevel', '--show-prefix']);
  if (!top.ok) {
    throw new UserError(
      `--worktree: ${cwd} is inside a git directory, not a checkout: cd into the checkout`,
      EXIT.USAGE,
    );
  }
  const [topDir, prefix] = top.stdout.split('\n');
  const head = read(['rev-parse', '--verify', '-q', 'HEAD^{commit}']);
  if (!head.ok && !superproject) {
    throw new UserError(
      `--worktree: the repository at ${topDir} has no commit yet: commit once, then start the session`,
      EXIT.USAGE,
    );
  }
  const branch = read(['symbolic-ref', '-q', '--short', 'HEAD']);
  return {
    gitDir: gitDir as string,
    top: topDir as string,
    prefix: prefix ?? '',
    head: head.stdout.trim(),
    branch: branch.ok ? branch.stdout.trim() : null,
    superproject: superproject ?? '',
  };
}

/** Whether `cwd` is inside a git checkout (for the config's default: outside one, no worktree). */
export function isInsideWorkTree(cwd: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const result = git(cwd, ['rev-parse', '--is-inside-work-tree'], { env, readOnly: true });
  return result.ok && result.stdout.trim() === 'true';
}
