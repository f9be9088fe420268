import { mkdirSync, readdirSync, readlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { replaceWithLink, writeJsonAtomicSync } from '../system/files.js';
import { tryAcquireLock } from '../system/lock.js';
import { isAlive, type ProcessIdentity } from '../system/proc.js';
import { isSessionId, locksDir, sessionPaths } from './layout.js';
import { readSession } from './records.js';
import { type Panes, paneProcess } from './running.js';

/**
 * An index of the sessions whose Claude may be running: `<root>/live/<id>` is a link whose target names
 * the process (`pid:startTime:bootId`). Counting live sessions then costs a readdir and a look at /proc
 * per entry, not a read of every record: the guard rails run before every session start. Entries whose
 * process has ended are removed when seen. The session record stays the truth; this only finds it fast.
 */
export function liveDir(root: string): string {
  return join(root, 'live');
}

export function registerLive(root: string, id: string, identity: ProcessIdentity): void {
  mkdirSync(liveDir(root), { recursive: true, mode: 0o700 });
  replaceWithLink(join(liveDir(root), id), `${identity.pid}:${identity.startTime}:${identity.bootId}`);
}

export function parseLiveTarget(target: string): ProcessIdentity | undefined {
  const match = /^(\d+):(\d+):([0-9a-f-]+)$/.exec(target);
  return match
    ? { pid: Number(match[1]), startTime: Number(match[2]), bootId: match[3] as string }
    : undefined;
}

/**
 * Ids of sessions whose recorded process runs now; forgets the others. An entry whose process has
 * ended is first checked against the session's tmux session (`panes`): a start in tmux interrupted
 * before it recorded the pane leaves Claude running there (see running.ts), and it counts.
 */
export function liveSessionIds(root: string, panes?: Panes): string[] {
  let names: string[];
  try {
    names = readdirSync(liveDir(root));
  } catch {
    return [];
  }
  const live: string[] = [];
  for (const id of names) {
    if (!isSessionId(id)) continue;
    const path = join(liveDir(root), id);
    let identity: ProcessIdentity | undefined;
    try {
      identity = parseLiveTarget(readlinkSync(path));
    } catch {
      continue;
    }
    if (identity && isAlive(identity)) {
      live.push(id);
      continue;
    }
    const record = panes ? readSession(root, id).record : undefined;
    const pane = record && panes ? paneProcess(record, sessionPaths(root, id).dir, panes) : undefined;
    if (pane) {
      live.push(id);
      try {
        registerLive(root, id, pane);
      } catch {}
    } else {
      try {
        unlinkSync(path);
      } catch {}
    }
  }
  return live;
}

/**
 * Makes the record name the process found running the session (its pane's, after a start in tmux was
 * interrupted before it could record it; see running.ts), under the session's lock. For commands that
 * change a session's state; reading commands leave the record alone. Skipped when the lock is busy.
 */
export function adoptProcess(root: string, id: string, identity: ProcessIdentity, now: Date): void {
  const lock = tryAcquireLock(locksDir(root), `session-${id}`);
  if (!lock) return;
  try {
    const { record, paths } = readSession(root, id);
    if (!record || sameProcess(record.process, identity)) return;
    writeJsonAtomicSync(paths.record, {
      ...record,
      process: { ...identity, startedAt: now.toISOString() },
      endedObservedAt: undefined,
    });
    registerLive(root, id, identity);
  } catch {
    // A repair only: the next command that finds the session running tries again.
  } finally {
    lock.release();
  }
}

export function sameProcess(a: ProcessIdentity | null | undefined, b: ProcessIdentity): boolean {
  return !!a && a.pid === b.pid && a.startTime === b.startTime && a.bootId === b.bootId;
}
