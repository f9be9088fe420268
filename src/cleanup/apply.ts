import { chmodSync, readdirSync, readlinkSync, renameSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type AuditEntry, audit } from '../audit/audit.js';
import { errorCode, isUserError } from '../core/errors.js';
import { locksDir, sessionPaths, sessionsDir, worktreesDir } from '../store/layout.js';
import { liveDir } from '../store/live-index.js';
import { namesDir } from '../store/names.js';
import type { Panes } from '../store/running.js';
import { acquireLock, type Lock, tryAcquireLock, withLock } from '../system/lock.js';
import { removeInspected } from '../worktree/remove.js';
import { collectOne, liveEntry, lstatQuiet } from './collect.js';
import { startDeleter } from './deleter.js';
import {
  type CandidateWorktree,
  type CleanupCandidate,
  type CleanupRules,
  type Decision,
  decide,
  type KeepRule,
  mayClearTemp,
  type Removal,
} from './plan.js';
import { unknownDir, type WorktreeOutcome, worktreeAudit } from './worktree.js';

export type Outcome =
  | { status: 'removed'; freedBytes: number; worktree: WorktreeOutcome | null }
  | { status: 'skipped'; rule: KeepRule; reason: string }
  | { status: 'failed'; reason: string; worktree: WorktreeOutcome | null };

export const TRASH_PREFIX = '.trash-';

/**
 * Worker threads that delete while the main thread moves sessions aside: none for a few sessions, one
 * per hundred up to four (measured on ext4 mounted with `discard`, where each removed dir waits for the
 * device: 10,000 sessions took 15 s with one, 7-8 s with four; `rm -rf` 10 s).
 */
function deleteThreads(removals: number): number {
  return removals < 20 ? 0 : Math.min(4, Math.ceil(removals / 100));
}

/** Whether a session may go, asked again about each right before it is removed. */
export type Judge = (session: CleanupCandidate) => Decision;

export interface RemoveOptions {
  judge: Judge;
  /** Must answer afresh (tmuxPanes with `fresh`): a session may have started in tmux since the plan. */
  panes: Panes;
  /** How long to wait for a session's lock; 0 (cleanup): a busy lock means skip that session. */
  lockWaitMs?: number;
  /** `rm --force` naming this one session: its worktree goes even with work in it (saved first). */
  discardWork?: (id: string) => boolean;
  /** For git (the worktrees). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Removes the planned sessions, safely against a resume starting at the same moment: under each
 * session's lock (which resume holds while it checks and prepares a session), the session is read and
 * judged again (its worktree too), its worktree is removed, then its dir is renamed out of `sessions/`
 * in one step, so a resume finds the whole session or none. The worktree goes first: when git cannot
 * remove it the session stays, so there is never a worktree left that no session accounts for. The renamed dirs are deleted meanwhile by fs.rmSync on worker threads
 * (deleter.ts), which never follows a link: the shared entries, and anything a planted link points
 * to, stay untouched. Outcomes are in the order of `removals`.
 */
export async function removeSessions(
  root: string,
  removals: readonly Removal[],
  planned: ReadonlyMap<string, CleanupCandidate>,
  options: RemoveOptions,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const deleter = startDeleter(deleteThreads(removals.length));
  try {
    const deleting: Promise<void>[] = [];
    for (const [index, removal] of removals.entries()) {
      const moved = await moveAsideLocked(root, removal, planned.get(removal.id), options);
      if ('status' in moved) {
        outcomes[index] = moved;
        continue;
      }
      outcomes[index] = { status: 'removed', freedBytes: moved.freedBytes, worktree: moved.worktree };
      const deleted = deleter.remove(moved.trash).then((problem) => {
        if (problem) outcomes[index] = retryDelete(root, removal, moved, problem);
      });
      deleting.push(deleted);
    }
    deleter.flush();
    await Promise.all(deleting);
  } finally {
    await deleter.close();
  }
  // On a full disk the entries written while moving sessions aside failed; the space is free now.
  for (const entry of unwritten.splice(0)) audit(root, entry.entry, entry.time);
  return outcomes;
}

/** A tree the worker could not delete (`problem`): once more here, making its dirs writable first. */
function retryDelete(root: string, removal: Removal, moved: Moved, problem: string): Outcome {
  const still = removeTree(moved.trash) && problem;
  if (still === undefined)
    return { status: 'removed', freedBytes: moved.freedBytes, worktree: moved.worktree };
  const reason = `moved to ${moved.trash} but not deleted (${still}): remove it by hand`;
  auditRemoval(root, removal, 'failed', reason);
  return { status: 'failed', reason, worktree: moved.worktree };
}

type Moved = { trash: string; freedBytes: number; worktree: WorktreeOutcome | null };

async function moveAsideLocked(
  root: string,
  removal: Removal,
  planned: CleanupCandidate | undefined,
  options: RemoveOptions,
): Promise<Outcome | Moved> {
  const lock = options.lockWaitMs
    ? waitForLock(root, removal.id, options.lockWaitMs)
    : tryAcquireLock(locksDir(root), `session-${removal.id}`);
  if (!lock) return { status: 'skipped', rule: 'busy', reason: 'being resumed or changed right now' };
  try {
    return await moveAside(root, removal, planned, options);
  } finally {
    lock.release();
  }
}

function waitForLock(root: string, id: string, waitMs: number): Lock | undefined {
  try {
    return acquireLock(locksDir(root), `session-${id}`, waitMs);
  } catch (error) {
    if (isUserError(error)) return undefined;
    throw error;
  }
}

/**
 * Under the session's lock: judge it again (its worktree as git sees it now), remove its worktree, then
 * rename it out of `sessions/`. Nothing is awaited between the judging and the removal.
 */
async function moveAside(
  root: string,
  removal: Removal,
  planned: CleanupCandidate | undefined,
  options: RemoveOptions,
): Promise<Outcome | Moved> {
  const dir = sessionPaths(root, removal.id).dir;
  if (!lstatQuiet(dir)) {
    return { status: 'skipped', rule: 'gone', reason: 'already removed' };
  }
  const indexed = liveEntry(root, removal.id);
  const fresh = await collectOne(root, removal.id, indexed, options.panes, { planned, env: options.env });
  const decision = options.judge(fresh);
  if (!decision.remove) {
    const rule =
      decision.rule === 'not-ours' || decision.rule === 'worktree-work' ? decision.rule : 'changed';
    return { status: 'skipped', rule, reason: decision.reason };
  }
  const worktree = fresh.worktree && removeWorktreeOf(root, removal.id, fresh.worktree, options);
  if (worktree?.removal.refused) {
    const reason = `its worktree was not removed, so the session stays: ${worktree.removal.refused}`;
    auditRemoval(root, removal, 'failed', reason);
    return { status: 'failed', reason, worktree };
  }
  const trash = join(sessionsDir(root), `${TRASH_PREFIX}${removal.id}-${process.pid}`);
  try {
    renameSync(dir, trash);
  } catch (error) {
    const gone = worktree?.removal.worktree === 'removed' ? ' (its worktree was removed)' : '';
    const reason = `could not move it aside (${errorCode(error) ?? String(error)})${gone}`;
    auditRemoval(root, removal, 'failed', reason);
    return { status: 'failed', reason, worktree };
  }
  forgetIndexes(root, removal.id, fresh.record === 'ok' ? fresh.name : undefined, indexed !== undefined);
  // Removed for every reader from here on: resume, list and show no longer see it.
  auditRemoval(
    root,
    removal,
    'ok',
    worktree ? `${removal.reason}; ${worktreeAudit(worktree)}` : removal.reason,
  );
  return { trash, freedBytes: fresh.diskBytes, worktree };
}

/**
 * Removes the session's worktree and the branch it made, from git's view of it just taken: refused
 * (the session then stays) when it holds work, unless this is `rm --force` on this one session.
 */
function removeWorktreeOf(
  root: string,
  id: string,
  worktree: CandidateWorktree,
  options: RemoveOptions,
): WorktreeOutcome {
  const force = worktree.atRisk.length > 0 && options.discardWork?.(id) === true;
  if (!worktree.found) {
    const removal = unknownDir(worktree);
    if (removal.worktree === 'removed') {
      try {
        rmdirSync(worktree.path);
      } catch {}
    }
    return { path: worktree.path, record: null, problem: null, removal };
  }
  const { record, state } = worktree.found;
  const removal = removeInspected(record, state, {
    id,
    worktreesDir: worktreesDir(root),
    force,
    locksDir: locksDir(root),
    env: options.env,
  });
  return { path: worktree.path, record, problem: state.problem, removal };
}

/** Empties the temp dir of an ended session that stays, if it is still ended and idle. */
export async function clearTemp(
  root: string,
  planned: CleanupCandidate,
  rules: CleanupRules,
  panes: Panes,
  env?: NodeJS.ProcessEnv,
): Promise<number | undefined> {
  const id = planned.id;
  const lock = tryAcquireLock(locksDir(root), `session-${id}`);
  if (!lock) return undefined;
  try {
    const fresh = await collectOne(root, id, liveEntry(root, id), panes, { planned, env });
    if (decide(fresh, rules).remove || !mayClearTemp(fresh, rules)) return undefined;
    const tmp = sessionPaths(root, id).tmpDir;
    if (!lstatQuiet(tmp)?.isDirectory()) return undefined;
    let names: string[];
    try {
      names = readdirSync(tmp);
    } catch {
      return undefined;
    }
    for (const name of names) removeTree(join(tmp, name));
    return fresh.tempBytes;
  } finally {
    lock.release();
  }
}

/**
 * Deletes a tree of ours without following links. A directory without write permission (Go's module
 * cache makes those) is made writable first, by a walk that lstat-s and so never leaves the tree.
 * Returns the problem, or undefined when it is gone.
 */
export function removeTree(path: string): string | undefined {
  try {
    rmSync(path, { recursive: true, force: true });
    return undefined;
  } catch (error) {
    if (errorCode(error) !== 'EACCES' && errorCode(error) !== 'EPERM')
      return errorCode(error) ?? String(error);
  }
  makeWritable(path);
  try {
    rmSync(path, { recursive: true, force: true });
    return undefined;
  } catch (error) {
    return errorCode(error) ?? String(error);
  }
}

function makeWritable(path: string): void {
  const stat = lstatQuiet(path);
  if (!stat?.isDirectory() || stat.uid !== process.getuid?.()) return;
  try {
    chmodSync(path, 0o700);
    for (const name of readdirSync(path)) makeWritable(join(path, name));
  } catch {}
}

/**
 * The name and live index entries of a removed session; a name only while it still points at it.
 * `name` undefined: the record was unreadable, so every name entry is checked for this id.
 */
function forgetIndexes(root: string, id: string, name: string | null | undefined, live: boolean): void {
  try {
    if (live) unlinkSync(join(liveDir(root), id));
  } catch {}
  if (name === null) return;
  let entries: string[] = [];
  try {
    entries = name === undefined ? readdirSync(namesDir(root)) : [name];
  } catch {}
  if (entries.length === 0) return;
  withLock(locksDir(root), 'names', () => {
    for (const entry of entries) {
      try {
        if (readlinkSync(join(namesDir(root), entry)) === id) unlinkSync(join(namesDir(root), entry));
      } catch {}
    }
  });
}

const unwritten: { entry: AuditEntry; time: Date }[] = [];

function auditRemoval(root: string, removal: Removal, outcome: 'ok' | 'failed', detail: string): void {
  const entry: AuditEntry = { action: 'removed', session: removal.id, name: removal.name, outcome, detail };
  const time = new Date();
  if (!audit(root, entry, time)) unwritten.push({ entry, time });
}
