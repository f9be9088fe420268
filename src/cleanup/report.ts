import { formatDuration } from '../core/duration.js';
import { formatBytes, printable, table, tildify } from '../core/format.js';
import { shortId } from '../store/layout.js';
import type { CleanupRules, Keeping, KeepRule, Removal } from './plan.js';
import { type WorktreeOutcome, worktreeJson, worktreeLines } from './worktree.js';

/** What a cleanup did, or (dry run) would do. */
export interface CleanupResult {
  dryRun: boolean;
  rules: CleanupRules;
  removed: Removal[];
  kept: Keeping[];
  failed: (Removal & { error: string })[];
  temp: { id: string; name: string | null; tempBytes: number }[];
  leftovers: string[];
  notOurs: string[];
  /** What was (dry run: would be) done with the worktrees of the sessions removed or failed, by id. */
  worktrees: ReadonlyMap<string, WorktreeOutcome>;
}

export function freedBytes(result: CleanupResult): number {
  const sessions = result.removed.reduce((sum, removal) => sum + removal.diskBytes, 0);
  return sessions + result.temp.reduce((sum, temp) => sum + temp.tempBytes, 0);
}

/** Pure: the JSON object for scripts. */
export function cleanupJson(result: CleanupResult): Record<string, unknown> {
  const { dryRun, rules } = result;
  return {
    dryRun,
    olderThanMs: rules.olderThanMs,
    emptyGraceMs: rules.emptyGraceMs,
    onlyEmpty: rules.onlyEmpty,
    [dryRun ? 'wouldRemove' : 'removed']: result.removed.map((removal) => withWorktree(result, removal)),
    kept: result.kept,
    failed: result.failed.map((failure) => withWorktree(result, failure)),
    [dryRun ? 'wouldClearTemp' : 'clearedTemp']: result.temp,
    [dryRun ? 'wouldRemoveLeftovers' : 'removedLeftovers']: result.leftovers,
    notOurs: result.notOurs,
    freedBytes: freedBytes(result),
  };
}

function withWorktree<T extends Removal>(result: CleanupResult, removal: T): T {
  const outcome = result.worktrees.get(removal.id);
  return outcome ? { ...removal, worktree: worktreeJson(outcome) } : removal;
}

/** Rules whose sessions are counted, not listed: the ordinary reasons to keep one. */
const ORDINARY: readonly KeepRule[] = ['running', 'pinned', 'recent', 'not-empty', 'gone'];

/** Pure: the lines for people. `home` shortens paths. */
export function cleanupText(result: CleanupResult, home: string): string {
  const { dryRun, rules } = result;
  const out: string[] = [];
  const would = (done: string, planned: string) => (dryRun ? planned : done);
  const criteria = rules.onlyEmpty
    ? `empty for ${formatDuration(rules.emptyGraceMs)}`
    : `inactive for ${formatDuration(rules.olderThanMs)}, or empty for ${formatDuration(rules.emptyGraceMs)}`;
  if (result.removed.length === 0)
    out.push(`no session to remove (rules: ${criteria}, not running, not pinned)`);
  else {
    const size = formatBytes(result.removed.reduce((sum, removal) => sum + removal.diskBytes, 0));
    out.push(
      `${would('removed', 'would remove')} ${count(result.removed.length, 'session')}, ${would('freed', 'freeing')} ${size} (rules: ${criteria}):`,
    );
    out.push(sessionTable(result.removed));
    for (const removal of result.removed) out.push(...worktreeText(result, removal, dryRun));
  }
  if (result.failed.length > 0) {
    out.push(`could not remove ${count(result.failed.length, 'session')}:`);
    for (const failure of result.failed) {
      out.push(`  ${label(failure)}  ${printable(failure.error)}`);
      out.push(...worktreeText(result, failure, dryRun));
    }
  }
  if (result.kept.length > 0) {
    const byRule = new Map<string, number>();
    for (const kept of result.kept) byRule.set(kept.rule, (byRule.get(kept.rule) ?? 0) + 1);
    // Most first, then by name: the same sessions always read the same, whatever order they were found in.
    const counts = [...byRule]
      .sort(([a, m], [b, n]) => n - m || a.localeCompare(b))
      .map(([rule, n]) => `${n} ${rule}`)
      .join(', ');
    out.push(`${would('kept', 'would keep')} ${count(result.kept.length, 'session')}: ${counts}`);
    for (const kept of result.kept) {
      if (!ORDINARY.includes(kept.rule)) out.push(`  ${label(kept)}  ${printable(kept.reason)}`);
    }
  }
  if (result.temp.length > 0) {
    const bytes = formatBytes(result.temp.reduce((sum, temp) => sum + temp.tempBytes, 0));
    out.push(
      `${would('cleared', 'would clear')} the temp files Claude left in ${count(result.temp.length, 'ended session')} (${bytes})`,
    );
  }
  for (const path of result.leftovers) {
    out.push(
      `${would('removed', 'would remove')} a leftover of an interrupted run: ${printable(tildify(path, home))}`,
    );
  }
  for (const path of result.notOurs) out.push(`not ours, left alone: ${printable(tildify(path, home))}`);
  if (dryRun) out.push('dry run: nothing was changed');
  return `${out.join('\n')}\n`;
}

export function sessionTable(removals: readonly Removal[]): string {
  const rows = removals.map((removal) => [
    shortId(removal.id),
    printable(removal.name ?? '-'),
    formatBytes(removal.diskBytes),
    printable(removal.reason),
  ]);
  return table(['ID', 'NAME', 'SIZE', 'WHY'], rows).trimEnd();
}

function worktreeText(result: CleanupResult, removal: Removal, dryRun: boolean): string[] {
  const outcome = result.worktrees.get(removal.id);
  if (!outcome) return [];
  return worktreeLines(outcome, dryRun).map((line) => `  ${shortId(removal.id)}: ${printable(line)}`);
}

function label(session: { id: string; name: string | null }): string {
  return session.name ? `${shortId(session.id)} (${printable(session.name)})` : shortId(session.id);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
