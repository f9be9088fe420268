import { backupRef, type WorktreeRecord } from '../worktree/model.js';
import { describeRemoval, removeInspected, type WorktreeRemoval } from '../worktree/remove.js';
import type { CandidateWorktree } from './plan.js';

/**
 * A session's worktree as rm and cleanup report it: what was (dry run: would be) done with it and its
 * branch, and where the work went. Pure; apply.ts carries out the removal.
 */
export interface WorktreeOutcome {
  path: string;
  /** Null: the session's record could not say whose worktree its dir is. */
  record: WorktreeRecord | null;
  problem: string | null;
  removal: WorktreeRemoval;
}

export interface WorktreeTarget {
  /** The session's id (the backup ref's name). */
  id: string;
  worktreesDir: string;
  /** rm --force on this one session: discard the work (saved first). */
  force: boolean;
}

/** What removing the session would do with its worktree, from what collect.ts found (no git runs). */
export function predictRemoval(worktree: CandidateWorktree, target: WorktreeTarget): WorktreeOutcome {
  if (!worktree.found)
    return { path: worktree.path, record: null, problem: null, removal: unknownDir(worktree) };
  const { record, state } = worktree.found;
  const removal = removeInspected(record, state, { ...target, dryRun: true });
  return { path: worktree.path, record, problem: state.problem, removal };
}

/**
 * A dir under the worktrees dir that no record describes: an empty one goes, anything else stays (it is
 * not ours to judge, and git may not even know it).
 */
export function unknownDir(worktree: CandidateWorktree): WorktreeRemoval {
  const empty = worktree.atRisk.length === 0;
  return {
    refused: null,
    atRisk: worktree.atRisk,
    worktree: empty ? 'removed' : 'left',
    leftReason: empty
      ? null
      : `${worktree.path} is left in place: its session's record cannot say what it is`,
    branch: 'absent',
    keptReason: null,
    backup: null,
    toSave: null,
    stashes: 0,
  };
}

/** The `worktree` part of a removed or refused session in `--json`. */
export interface WorktreeJson {
  path: string;
  repo: string | null;
  branch: string | null;
  problem: string | null;
  /** What removing it would lose (with --force: what was saved first, or kept). */
  atRisk: string[];
  /** The worktree's dir: removed, gone already, or left in place (dry run: what would be). */
  dir: 'removed' | 'absent' | 'left';
  dirReason: string | null;
  /** Its branch: deleted, kept (with why), gone already, or not ours (it existed before the session). */
  branchOutcome: 'deleted' | 'kept' | 'absent' | 'not-ours';
  branchReason: string | null;
  /** Where --force saved the uncommitted and untracked files. */
  backup: { ref: string; commit: string } | null;
  /** Dry run with --force: the ref they would be saved to, and how many files. */
  toSave: { files: number; ref: string } | null;
  stashes: number;
}

export function worktreeJson(outcome: WorktreeOutcome): WorktreeJson {
  const { removal, record } = outcome;
  return {
    path: outcome.path,
    repo: record?.repo ?? null,
    branch: record?.branch ?? null,
    problem: outcome.problem,
    atRisk: removal.atRisk,
    dir: removal.worktree,
    dirReason: removal.refused ?? removal.leftReason,
    branchOutcome: removal.branch,
    branchReason: removal.keptReason,
    backup: removal.backup,
    toSave: removal.toSave,
    stashes: removal.stashes,
  };
}

/** Lines for people: what happened to the worktree, its branch and its work (dry run: would). */
export function worktreeLines(outcome: WorktreeOutcome, dryRun: boolean): string[] {
  const { removal, record } = outcome;
  if (record) return describeRemoval(record, removal, { dryRun });
  if (removal.worktree === 'removed')
    return [`${dryRun ? 'would remove' : 'removed'} its empty worktree dir ${outcome.path}`];
  return [`${dryRun ? 'would leave' : 'left'} its worktree dir: ${removal.leftReason}`];
}

/** A few words for the audit log. */
export function worktreeAudit(outcome: WorktreeOutcome): string {
  const { removal, record } = outcome;
  const parts = [`worktree ${removal.worktree}`];
  if (record && removal.branch !== 'absent') parts.push(`branch ${record.branch} ${removal.branch}`);
  if (removal.backup)
    parts.push(`files saved in ${removal.backup.ref} (${removal.backup.commit.slice(0, 12)})`);
  return parts.join(', ');
}

/** How to keep what a worktree holds so that it may go: the steps, for a refusal's message. */
export function wayOut(worktree: CandidateWorktree): string {
  if (!worktree.found) return `look at ${worktree.path} and move out what you need`;
  const { record, state } = worktree.found;
  if (
    state.problem === 'repo-missing' ||
    state.problem === 'git-failed' ||
    state.problem === 'not-a-worktree'
  )
    return `look at ${state.path} and move out what you need`;
  const steps: string[] = [];
  const files = state.changed + state.untracked > 0;
  if (files) steps.push('commit its changes');
  if (files || state.unpushedCount > 0) steps.push(`merge or push its branch ${record.branch}`);
  if (state.stashes.length > 0) steps.push(`apply or drop its stashes (\`git -C ${state.path} stash list\`)`);
  if (state.locked !== null)
    steps.push(`once nothing uses it, unlock it (\`git -C ${record.repo} worktree unlock ${state.path}\`)`);
  return steps.join(', ');
}

/** What `rm --force` would still keep of a worktree's work: where it goes, for a refusal's message. */
export function forceKeeps(worktree: CandidateWorktree, id: string): string {
  if (!worktree.found) return 'its worktree dir stays where it is';
  const { record, state } = worktree.found;
  if (
    state.problem === 'repo-missing' ||
    state.problem === 'git-failed' ||
    state.problem === 'not-a-worktree'
  )
    return `its worktree ${state.path} stays where it is`;
  const kept: string[] = [];
  if (state.changed + state.untracked > 0) kept.push(`its files saved in ${backupRef(id)} first`);
  if (state.unpushedCount > 0) kept.push(`its branch ${record.branch} kept with its commits`);
  if (state.stashes.length > 0) kept.push('its stashes left in `git stash list`');
  return kept.length > 0 ? kept.join(', ') : 'nothing of it kept';
}
