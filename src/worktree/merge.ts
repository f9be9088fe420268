import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { git, gitMessage } from '../system/git.js';
import { conflictRefusal, type MergeFacts, type Target } from './merge-plan.js';
import { parseStatus, parseWorktreeList, type WorktreeRecord, type WorktreeState } from './model.js';

/**
 * Bringing a session's branch into its base branch, in the checkout that has the base checked out:
 * what git says beforehand (gatherMergeFacts, reads only), then the merge (runMerge). A merge that
 * fails anyway is aborted, so the checkout is left as it was.
 */

/** What merge-plan.ts decides from. Reads only, without optional locks. */
export function gatherMergeFacts(
  record: WorktreeRecord,
  state: WorktreeState,
  env?: NodeJS.ProcessEnv,
): MergeFacts {
  const read = (cwd: string, args: string[]) => git(cwd, args, { env, readOnly: true });
  const facts: MergeFacts = { record, state, baseIsBranch: false, target: null, conflicts: null };
  if (state.problem === 'repo-missing' || state.problem === 'git-failed') return facts;
  facts.baseIsBranch = read(record.gitDir, ['rev-parse', '--verify', '-q', `refs/heads/${record.base}`]).ok;
  if (!facts.baseIsBranch) return facts;
  const list = read(record.gitDir, ['worktree', 'list', '--porcelain', '-z']);
  const holder = list.ok
    ? parseWorktreeList(list.stdout).find((entry) => !entry.bare && entry.branch === record.base)
    : undefined;
  if (holder && existsSync(holder.path)) facts.target = readTarget(holder.path, env);
  if (state.branchCommit) facts.conflicts = predictConflicts(record, state.branchCommit, env);
  return facts;
}

function readTarget(path: string, env: NodeJS.ProcessEnv | undefined): Target {
  const read = (args: string[]) => git(path, args, { env, readOnly: true });
  const status = read(['status', '--porcelain=v2', '-z', '--untracked-files=no']);
  const parsed = status.ok ? parseStatus(status.stdout) : undefined;
  return {
    path,
    changed: parsed ? parsed.changed : 1,
    examples: parsed ? parsed.examples : [`(git status failed: ${gitMessage(status)})`],
    busy: operationUnderWay(path, env),
  };
}

const OPERATIONS: [string, string][] = [
  ['MERGE_HEAD', 'merge'],
  ['rebase-merge', 'rebase'],
  ['rebase-apply', 'rebase'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
];

/** A merge, rebase, cherry-pick or revert left under way in a checkout (the user's: never ours to end). */
function operationUnderWay(path: string, env: NodeJS.ProcessEnv | undefined): string | null {
  const where = git(
    path,
    ['rev-parse', '--path-format=absolute', ...OPERATIONS.flatMap(([file]) => ['--git-path', file])],
    { env, readOnly: true },
  );
  if (!where.ok) return null;
  const paths = where.stdout.split('\n');
  const found = OPERATIONS.find((_, index) => {
    const file = paths[index];
    return file !== undefined && posix.isAbsolute(file) && existsSync(file);
  });
  return found ? found[1] : null;
}

/**
 * The files a merge would leave in conflict, found without touching any checkout (`git merge-tree
 * --write-tree`, git 2.38 and later); null when git cannot tell (older git, an error).
 */
function predictConflicts(
  record: WorktreeRecord,
  branchCommit: string,
  env: NodeJS.ProcessEnv | undefined,
): string[] | null {
  const result = git(
    record.gitDir,
    [
      'merge-tree',
      '--write-tree',
      '--name-only',
      '--no-messages',
      '-z',
      `refs/heads/${record.base}`,
      branchCommit,
    ],
    { env, readOnly: true },
  );
  const fields = result.stdout.split('\0');
  if (!/^[0-9a-f]{40,64}$/.test(fields[0] ?? '')) return null;
  if (result.status === 0) return [];
  if (result.status !== 1) return null;
  return [...new Set(fields.slice(1).filter((field) => field !== ''))];
}

export type MergeOutcome =
  | { ok: true; commit: string; before: string }
  | { ok: false; refusal: string; conflicts: string[] };

/**
 * `git merge --no-ff --no-edit BRANCH` in the target checkout. When git stops half-way (a conflict
 * the prediction missed, a hook that refused the merge commit), the merge is aborted, so the checkout
 * is as it was. A merge under way that is not ours (the user's) is never aborted: facts.target.busy
 * refused that beforehand.
 */
export function runMerge(record: WorktreeRecord, target: string, env?: NodeJS.ProcessEnv): MergeOutcome {
  const head = () =>
    git(target, ['rev-parse', '--verify', '-q', 'HEAD'], { env, readOnly: true }).stdout.trim();
  const before = head();
  const tip = () =>
    git(record.gitDir, ['rev-parse', '--verify', '-q', `refs/heads/${record.branch}`], {
      env,
      readOnly: true,
    }).stdout.trim();
  const merging = tip();
  // By its full ref (a tag of the same name must not be merged instead), with git's usual message.
  const message = `Merge branch '${record.branch}' into ${record.base}`;
  const merged = git(
    target,
    ['merge', '--no-ff', '--no-edit', '-m', message, '--end-of-options', `refs/heads/${record.branch}`],
    { env },
  );
  if (merged.ok) return { ok: true, commit: head(), before };
  const mergeHead = git(target, ['rev-parse', '--verify', '-q', 'MERGE_HEAD'], { env, readOnly: true });
  const theirs = mergeHead.stdout.trim();
  if (!mergeHead.ok || (theirs !== merging && theirs !== tip())) {
    // Git refused before it began (an untracked file in the way, no identity, a lock): nothing changed.
    return {
      ok: false,
      refusal: `git would not merge: ${explain(merged.stderr, gitMessage(merged))}`,
      conflicts: [],
    };
  }
  const unmerged = git(target, ['diff', '--name-only', '--diff-filter=U', '-z'], { env, readOnly: true });
  const conflicts = unmerged.ok ? unmerged.stdout.split('\0').filter((path) => path !== '') : [];
  const aborted = git(target, ['merge', '--abort'], { env });
  if (!aborted.ok || head() !== before) {
    return {
      ok: false,
      refusal: `the merge stopped half-way and could not be aborted (${gitMessage(aborted)}): \`git -C ${target} merge --abort\` by hand`,
      conflicts,
    };
  }
  const refusal =
    conflicts.length > 0
      ? `${conflictRefusal(record, record.path, conflicts)} (the merge was aborted)`
      : `git stopped the merge (${explain(merged.stderr, gitMessage(merged))}): it was aborted`;
  return { ok: false, refusal, conflicts };
}

/** Git's reason, with what to do where its first line alone does not say. */
function explain(stderr: string, first: string): string {
  if (/Please tell me who you are|identity unknown/i.test(stderr)) {
    return 'git does not know who you are: `git config --global user.name "Your Name"` and `git config --global user.email you@example.com`';
  }
  if (/untracked working tree files would be overwritten/i.test(stderr)) {
    const files = stderr
      .split('\n')
      .filter((line) => /^\t/.test(line))
      .map((line) => line.trim());
    return `untracked files in the checkout would be overwritten (${files.slice(0, 5).join(', ')}): move them away first`;
  }
  return first;
}
