import { formatDuration } from '../core/duration.js';
import type { WorktreeRecord, WorktreeState } from '../worktree/model.js';

/**
 * Which sessions cleanup removes, from plain data read beforehand (collect.ts). Pure: the dry run and
 * the real run make the same plan, and apply.ts asks `decide` again about each session right before
 * removing it.
 */

/**
 * How far the record can be trusted: `ok`; `corrupt` (torn, missing, invalid: the rules apply to what
 * is on disk); `foreign` (a newer schema, another session's id, unreadable): never removed, since a
 * newer claude-session may have pinned it or a person put it there.
 */
export type RecordHealth = 'ok' | 'corrupt' | 'foreign';

export interface CleanupCandidate {
  id: string;
  name: string | null;
  record: RecordHealth;
  problem: string | null;
  /** Why the session dir is not ours to delete (a link, another user's), or null. */
  notOurs: string | null;
  live: boolean;
  /** The pid that makes it live, for the reason shown. */
  pid: number | null;
  pinned: boolean;
  /** Newest of creation, last launch and anything Claude wrote, in ms; undefined when nothing tells. */
  lastActivityMs: number | undefined;
  hasConversation: boolean;
  diskBytes: number;
  /** Bytes in its temp dir (CLAUDE_CODE_TMPDIR) and whether it holds anything. */
  tempBytes: number;
  hasTemp: boolean;
  /** Its git worktree, or null when it has none. */
  worktree: CandidateWorktree | null;
}

/** A session's worktree as cleanup and rm judge it (collect.ts asks git). */
export interface CandidateWorktree {
  /** Where it is now. */
  path: string;
  branch: string | null;
  /** What removing it (and its branch) would lose, one item each: empty when it may go. */
  atRisk: string[];
  /**
   * The record and what git says now; null when the session's record cannot tell which worktree its
   * dir under the worktrees dir is (a broken record): then it is never removed, only left.
   */
  found: { record: WorktreeRecord; state: WorktreeState } | null;
}

export interface CleanupRules {
  olderThanMs: number;
  emptyGraceMs: number;
  nowMs: number;
  /** `--empty`: only the empty-session rule applies. */
  onlyEmpty: boolean;
}

/** `asked`: named to `claude-session rm`. */
export type RemoveRule = 'inactive' | 'empty' | 'asked';
/** `busy`, `changed` and `gone` come from apply.ts: what it found right before deleting. */
export type KeepRule =
  | 'running'
  | 'pinned'
  | 'not-ours'
  | 'unknown-record'
  | 'recent'
  | 'not-empty'
  | 'worktree-work'
  | 'busy'
  | 'changed'
  | 'gone';

export type Decision =
  | { remove: true; rule: RemoveRule; reason: string }
  | { remove: false; rule: KeepRule; reason: string };

export interface Removal {
  id: string;
  name: string | null;
  rule: RemoveRule;
  reason: string;
  diskBytes: number;
  /** Its worktree, which goes first (with its branch when nothing on it was only there). */
  worktree: { path: string; branch: string | null } | null;
}

export interface Keeping {
  id: string;
  name: string | null;
  rule: KeepRule;
  reason: string;
  /** With `worktree-work`: its worktree and what removing it would lose. */
  worktree?: { path: string; branch: string | null; atRisk: string[] };
}

export interface CleanupPlan {
  remove: Removal[];
  keep: Keeping[];
  /** Ended sessions that stay, whose temp dir Claude left files in (stale sockets, probes). */
  clearTemp: { id: string; name: string | null; tempBytes: number }[];
}

export function decide(session: CleanupCandidate, rules: CleanupRules): Decision {
  const decision = decideDir(session, rules);
  if (!decision.remove || !holdsWork(session)) return decision;
  return keep('worktree-work', `${decision.reason}, but ${worktreeWork(session.worktree)}`);
}

function decideDir(session: CleanupCandidate, rules: CleanupRules): Decision {
  if (session.live) return keep('running', `running${session.pid ? ` (pid ${session.pid})` : ''}`);
  if (session.notOurs) return keep('not-ours', `not ours to delete: ${session.notOurs}`);
  if (session.pinned) return keep('pinned', 'pinned (`claude-session unpin` lets cleanup remove it)');
  if (session.record === 'foreign')
    return keep('unknown-record', `${session.problem}: left for you to inspect`);
  const broken = session.record === 'corrupt' ? `broken (${session.problem}), ` : '';
  const idleMs = idle(session, rules);
  const idleText = `last active ${formatDuration(idleMs)} ago`;
  if (!session.hasConversation) {
    if (idleMs >= rules.emptyGraceMs) {
      const why = `${broken}empty (no prompt or transcript), ${idleText} (grace ${formatDuration(rules.emptyGraceMs)})`;
      return { remove: true, rule: 'empty', reason: why };
    }
    return keep(
      'recent',
      `${broken}empty, ${idleText}: within the grace of ${formatDuration(rules.emptyGraceMs)}`,
    );
  }
  if (rules.onlyEmpty)
    return keep('not-empty', `${broken}has a conversation (--empty removes only empty ones)`);
  if (idleMs >= rules.olderThanMs) {
    const why = `${broken}inactive for ${formatDuration(idleMs)} (limit ${formatDuration(rules.olderThanMs)})`;
    return { remove: true, rule: 'inactive', reason: why };
  }
  return keep('recent', `${broken}${idleText} (limit ${formatDuration(rules.olderThanMs)})`);
}

/**
 * Whether `claude-session rm` may remove a session it was asked to: never one that runs (`--force`
 * ends its Claude first) or whose dir is not ours; a pinned one, or one whose record a newer version
 * wrote, only with `force`. Pure, like decide.
 */
export function decideAsked(session: CleanupCandidate, force: boolean, discardWork = false): Decision {
  if (session.live) return keep('running', `running${session.pid ? ` (pid ${session.pid})` : ''}`);
  if (session.notOurs) return keep('not-ours', `${session.notOurs}: not ours to delete`);
  if (session.pinned && !force) return keep('pinned', 'pinned');
  if (session.record === 'foreign' && !force)
    return keep('unknown-record', session.problem ?? 'unknown record');
  const work = holdsWork(session);
  if (work && !discardWork) return keep('worktree-work', worktreeWork(session.worktree));
  const how = [
    session.record === 'corrupt' ? `broken (${session.problem})` : undefined,
    session.pinned ? 'pinned, --force' : undefined,
    session.record === 'foreign' ? `${session.problem}, --force` : undefined,
    work ? 'the work in its worktree discarded, --force' : undefined,
  ].filter((part) => part !== undefined);
  return { remove: true, rule: 'asked', reason: `by rm${how.length > 0 ? ` (${how.join('; ')})` : ''}` };
}

export function planCleanup(sessions: readonly CleanupCandidate[], rules: CleanupRules): CleanupPlan {
  const plan: CleanupPlan = { remove: [], keep: [], clearTemp: [] };
  for (const session of sessions) {
    const decision = decide(session, rules);
    const { id, name } = session;
    if (decision.remove) {
      plan.remove.push({
        id,
        name,
        rule: decision.rule,
        reason: decision.reason,
        diskBytes: session.diskBytes,
        worktree: session.worktree && { path: session.worktree.path, branch: session.worktree.branch },
      });
      continue;
    }
    plan.keep.push(keeping(session, decision.rule, decision.reason));
    if (mayClearTemp(session, rules)) plan.clearTemp.push({ id, name, tempBytes: session.tempBytes });
  }
  return plan;
}

/**
 * What Claude left in the temp dir of a session that stays is removed once the session has ended and
 * been idle for the grace period: Claude uses it only while it runs, and a resume recreates the dir.
 */
export function mayClearTemp(session: CleanupCandidate, rules: CleanupRules): boolean {
  return (
    session.hasTemp &&
    !session.live &&
    session.notOurs === null &&
    session.record !== 'foreign' &&
    idle(session, rules) >= rules.emptyGraceMs
  );
}

/** A kept session as the report shows it: with what its worktree holds when that is why. */
export function keeping(session: CleanupCandidate, rule: KeepRule, reason: string): Keeping {
  const { id, name, worktree } = session;
  return rule === 'worktree-work' && worktree
    ? {
        id,
        name,
        rule,
        reason,
        worktree: { path: worktree.path, branch: worktree.branch, atRisk: worktree.atRisk },
      }
    : { id, name, rule, reason };
}

function holdsWork(session: CleanupCandidate): boolean {
  return session.worktree !== null && session.worktree.atRisk.length > 0;
}

function worktreeWork(worktree: CandidateWorktree | null): string {
  // What happened to it, when git's view is odd but readable (a branch deleted under it, say): the
  // unreadable ones say so in what is at risk.
  const state = worktree?.found?.state;
  const odd =
    state?.problem === 'branch-missing' || state?.problem === 'missing' || state?.problem === 'moved';
  const detail = odd && state?.detail ? ` (${state.detail})` : '';
  return `its worktree ${worktree?.path}${detail} holds work that would be lost: ${worktree?.atRisk.join('; ')}`;
}

function idle(session: CleanupCandidate, rules: CleanupRules): number {
  return session.lastActivityMs === undefined
    ? Number.POSITIVE_INFINITY
    : rules.nowMs - session.lastActivityMs;
}

function keep(rule: KeepRule, reason: string): Decision {
  return { remove: false, rule, reason };
}

/**
 * Pure: the health of a record from the problem store/records.ts reported. A record that does not parse, is
 * missing or fails validation is `corrupt`; one from a newer schema, naming another id, or unreadable
 * (permissions) is `foreign`.
 */
export function recordHealth(problem: string | undefined): RecordHealth {
  if (problem === undefined) return 'ok';
  if (/has schema|names id|cannot be read/.test(problem)) return 'foreign';
  return 'corrupt';
}
