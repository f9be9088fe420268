import { mkdirSync, readdirSync, readlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, type ProcessIdentity } from '../system/proc.js';
import { isSessionId } from './layout.js';
import { replaceWithLink } from './shared.js';

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

/** Ids of sessions whose recorded process runs now; forgets the others. */
export function liveSessionIds(root: string): string[] {
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
    if (identity && isAlive(identity)) live.push(id);
    else {
      try {
        unlinkSync(path);
      } catch {}
    }
  }
  return live;
}
