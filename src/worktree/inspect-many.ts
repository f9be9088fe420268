import type { GitResult } from '../system/git.js';
import { inspectWorktree, unknownState } from './inspect.js';
import type { WorktreeRecord, WorktreeState } from './model.js';

/** Sessions whose worktrees are looked at together: each look runs a few gits at once. */
const PARALLEL = 8;

/**
 * inspectWorktree for many worktrees at once, a few at a time, in the order given. Never throws: a
 * look that fails in an unforeseen way comes back as a `git-failed` problem, so that one broken
 * worktree or repository never stops `list`.
 */
export async function inspectWorktrees(
  records: readonly WorktreeRecord[],
  env: NodeJS.ProcessEnv = process.env,
  parallel = PARALLEL,
): Promise<WorktreeState[]> {
  const states: WorktreeState[] = new Array(records.length);
  // Worktrees of one repository share its worktree list, stashes and base: asked of git once.
  const shared = new Map<string, Promise<GitResult>>();
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const index = next++;
      const record = records[index] as WorktreeRecord;
      states[index] = await inspectWorktreeSafely(record, env, shared);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, records.length) }, worker));
  return states;
}

export async function inspectWorktreeSafely(
  record: WorktreeRecord,
  env: NodeJS.ProcessEnv = process.env,
  shared?: Map<string, Promise<GitResult>>,
): Promise<WorktreeState> {
  try {
    return await inspectWorktree(record, env, shared);
  } catch (error) {
    return {
      ...unknownState(record.path),
      problem: 'git-failed',
      detail: `cannot look at it: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
