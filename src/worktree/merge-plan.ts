import { shellWord } from '../core/format.js';
import { baseLabel } from './describe.js';
import type { WorktreeRecord, WorktreeState } from './model.js';

/**
 * Whether `claude-session merge` may bring a session's branch into its base branch: every reason to
 * refuse, decided from what git said beforehand (merge.ts gathers it). Pure and table-tested
 * (merge-plan.test.ts). A refusal says what to do, and nothing has been changed when it is given.
 */
export interface MergeFacts {
  record: WorktreeRecord;
  /** The session's worktree now. */
  state: WorktreeState;
  /** Whether the base is a local branch (a session based on a commit or tag has nowhere to merge). */
  baseIsBranch: boolean;
  /** The checkout that has the base branch checked out, or null. */
  target: Target | null;
  /**
   * Files that merging would leave in conflict (`git merge-tree`), [] for none, null when git could
   * not tell beforehand (the merge itself then finds out, and is aborted).
   */
  conflicts: string[] | null;
}

export interface Target {
  path: string;
  /** Tracked files with uncommitted changes there (staged or not), and a few of their paths. */
  changed: number;
  examples: string[];
  /** A merge, rebase, cherry-pick or revert under way there, or null. */
  busy: string | null;
}

function list(paths: readonly string[], total = paths.length): string {
  const shown = paths.slice(0, 5).join(', ');
  return total > 5 ? `${shown}, ...` : shown;
}

export function mergeRefusal(facts: MergeFacts): string | undefined {
  const { record, state, target } = facts;
  const base = baseLabel(record.base);
  switch (state.problem) {
    case 'repo-missing':
    case 'git-failed':
    case 'not-a-worktree':
      return `${state.detail ?? state.problem}: nothing to merge from`;
    case 'branch-missing':
      return `its branch ${record.branch} was deleted: nothing to merge`;
    default:
  }
  if (!facts.baseIsBranch) {
    return `its base ${base} is not a branch (the session started from a commit or tag): merge it by hand where you want it, \`git merge ${shellWord(record.branch)}\``;
  }
  if (state.changed + state.untracked > 0) {
    const what = [
      state.changed > 0
        ? `${state.changed} file${state.changed === 1 ? '' : 's'} with uncommitted changes`
        : '',
      state.untracked > 0 ? `${state.untracked} untracked file${state.untracked === 1 ? '' : 's'}` : '',
    ]
      .filter((part) => part !== '')
      .join(' and ');
    return `the session's worktree ${state.path} has ${what} (${list(state.examples, state.changed + state.untracked)}), which would not be in the merge: commit them there first (\`git add -A && git commit\` in it), or remove them`;
  }
  if (state.ahead === 0) {
    return `nothing to merge: ${record.branch} has no commits that ${base} lacks`;
  }
  if (!target) {
    return `no checkout of ${record.repo} has ${base} checked out: \`git -C ${shellWord(record.repo)} switch ${shellWord(record.base)}\`, then merge again`;
  }
  if (target.busy) {
    return `${target.path} is in the middle of a ${target.busy}: finish or abort it there first`;
  }
  if (target.changed > 0) {
    return `${target.path} has uncommitted changes to ${target.changed} tracked file${target.changed === 1 ? '' : 's'} (${list(target.examples, target.changed)}): commit or stash them there first`;
  }
  if (facts.conflicts && facts.conflicts.length > 0) {
    return conflictRefusal(record, state.path, facts.conflicts);
  }
  return undefined;
}

/** Merging would conflict (or did, and was aborted): what to do instead. */
export function conflictRefusal(
  record: WorktreeRecord,
  worktree: string,
  conflicts: readonly string[],
): string {
  const base = baseLabel(record.base);
  return `merging ${record.branch} into ${base} conflicts in ${list(conflicts)}: resolve it in the session (\`git -C ${shellWord(worktree)} merge ${shellWord(record.base)}\` or ask Claude to), commit, then merge again`;
}
