import { lstatSync, readdirSync, readlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode } from '../core/errors.js';
import { isSessionId, locksDir, sessionDir, sessionsDir } from '../store/layout.js';
import { namesDir } from '../store/names.js';
import { withLock } from '../system/lock.js';
import { processStartTime } from '../system/proc.js';
import { removeTree, TRASH_PREFIX } from './apply.js';
import { lstatQuiet, ownedByUs } from './collect.js';

/**
 * What this tool left behind when one of its processes was killed half-way, found without changing
 * anything: a cleanup's `.trash-<id>-<pid>` whose process is gone, a session start's `.new-<id>` or a
 * lock's temporary dir older than an hour, a name whose session is gone. Anything else in `sessions/`
 * that is not a session is reported and left alone.
 */
export interface Leftover {
  path: string;
  kind: 'trash' | 'build' | 'lock' | 'name';
}

export interface Leftovers {
  ours: Leftover[];
  notOurs: string[];
}

/** A session start or a lock takes well under a second; an hour-old temporary of theirs is a crash's. */
export const STALE_TEMP_MS = 3_600_000;

const TRASH = new RegExp(`^${TRASH_PREFIX.replace('.', '\\.')}([0-9a-f-]{36})-(\\d+)$`);
const BUILD = /^\.new-[0-9a-f-]{36}$/;
const LOCK_TEMP = /^\.(new|stale|released)-/;

export function findLeftovers(root: string, nowMs: number): Leftovers {
  const found: Leftovers = { ours: [], notOurs: [] };
  const old = (path: string) => nowMs - (lstatQuiet(path)?.mtimeMs ?? nowMs) >= STALE_TEMP_MS;
  for (const name of list(sessionsDir(root))) {
    if (isSessionId(name)) continue;
    const path = join(sessionsDir(root), name);
    const trash = TRASH.exec(name);
    const stat = lstatQuiet(path);
    if (!stat) continue;
    if (!ownedByUs(stat)) found.notOurs.push(path);
    else if (trash) {
      if (processStartTime(Number(trash[2])) === undefined) found.ours.push({ path, kind: 'trash' });
    } else if (BUILD.test(name)) {
      if (old(path)) found.ours.push({ path, kind: 'build' });
    } else found.notOurs.push(path);
  }
  for (const name of list(locksDir(root))) {
    const path = join(locksDir(root), name);
    if (LOCK_TEMP.test(name) && old(path)) found.ours.push({ path, kind: 'lock' });
  }
  for (const name of list(namesDir(root))) {
    const path = join(namesDir(root), name);
    if (staleName(root, path) !== undefined) found.ours.push({ path, kind: 'name' });
  }
  return found;
}

/** Removes what findLeftovers found, each checked again first; returns the paths removed. */
export function removeLeftovers(root: string, leftovers: readonly Leftover[]): string[] {
  const removed: string[] = [];
  const names = leftovers.filter((leftover) => leftover.kind === 'name');
  for (const leftover of leftovers) {
    if (leftover.kind === 'name') continue;
    const stat = lstatQuiet(leftover.path);
    if (!stat || !ownedByUs(stat)) continue;
    if (leftover.kind === 'trash' && !stat.isDirectory()) continue;
    if (removeTree(leftover.path) === undefined) removed.push(leftover.path);
  }
  if (names.length > 0) {
    // Under the lock that session starts take to publish a name, so a name claimed meanwhile stays.
    withLock(locksDir(root), 'names', () => {
      for (const { path } of names) {
        if (staleName(root, path) === undefined) continue;
        try {
          unlinkSync(path);
          removed.push(path);
        } catch {}
      }
    });
  }
  return removed;
}

/** The id a name entry points at when that session is gone, else undefined. */
function staleName(root: string, path: string): string | undefined {
  let id: string;
  try {
    id = readlinkSync(path);
  } catch {
    return undefined;
  }
  if (!isSessionId(id)) return undefined;
  try {
    lstatSync(sessionDir(root, id));
    return undefined;
  } catch (error) {
    return errorCode(error) === 'ENOENT' ? id : undefined;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
