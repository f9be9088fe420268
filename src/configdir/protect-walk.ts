import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  openSync,
  readdirSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { errorCode } from '../core/errors.js';

/**
 * Changes the write bits of a shared tree through descriptors only, so that nobody who can write inside
 * the tree (a teammate's drop box) can turn our chmod onto another file by swapping an entry for a link
 * between our look and our change. Each entry is opened with O_PATH | O_NOFOLLOW relative to its
 * directory's descriptor (`/proc/self/fd/N/name`, Node's openat): a link is opened as the link and never
 * followed, a FIFO or device is never opened for I/O, and no read permission is needed. The mode is taken
 * from that descriptor's fstat and set through the same descriptor (`chmod /proc/self/fd/N`, fchmod for
 * O_PATH), so what we look at is what we change. Only what we own is changed, never a file with other
 * hard links (one of them may be a file of ours outside the tree), and only the directories of us and of
 * root are entered (what another user owns is theirs to change, and could be of any size).
 */
export type Protection = 'lock' | 'unlock';

export interface Failure {
  path: string;
  reason: string;
}

export interface WalkReport {
  changed: number;
  failed: Failure[];
}

/** O_PATH is 010000000 on every Linux architecture Node runs on; Node does not export it. */
const O_PATH = 0o10000000;
const OPEN_FLAGS = O_PATH | constants.O_NOFOLLOW;

const fdPath = (fd: number) => `/proc/self/fd/${fd}`;

function newMode(mode: number, how: Protection): number {
  return how === 'lock' ? mode & ~0o222 : mode | 0o200;
}

/** Walks the tree at `path`, which the caller has resolved (see protect-path.ts); a link there is left alone. */
export function protectTree(path: string, how: Protection, uid: number, report: WalkReport): void {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') report.failed.push({ path, reason: reasonOf(error) });
    return;
  }
  try {
    visit(fd, path, how, uid, report, new Set());
  } finally {
    closeSync(fd);
  }
}

function visit(
  fd: number,
  path: string,
  how: Protection,
  uid: number,
  report: WalkReport,
  seen: Set<string>,
): void {
  const stat = fstatSync(fd);
  const isDir = stat.isDirectory();
  // Links are never followed; FIFOs, sockets and devices are no part of a skill.
  if (!isDir && !stat.isFile()) return;
  if (stat.uid !== uid) {
    // Not ours to change; a failure only if a session could write it all the same.
    if (how === 'lock' && (stat.mode & 0o222) !== 0 && isWritable(fd)) {
      report.failed.push({
        path,
        reason: `it belongs to another user (uid ${stat.uid}) and you can write it`,
      });
    }
    if (!isDir || stat.uid !== 0) return;
  } else if (!isDir && stat.nlink > 1) {
    report.failed.push({
      path,
      reason: 'it has other hard links, which may be files outside the shared tree',
    });
    return;
  }
  const ours = stat.uid === uid;
  const mode = stat.mode & 0o7777;
  const wanted = newMode(mode, how);
  // Unlock a directory before reading it; lock it after its children, the order a failure leaves safest.
  if (ours && how === 'unlock' && wanted !== mode) change(fd, path, wanted, report);
  if (isDir) walkChildren(fd, stat, path, how, uid, report, seen);
  if (ours && how === 'lock' && wanted !== mode) change(fd, path, wanted, report);
}

function walkChildren(
  fd: number,
  stat: Stats,
  path: string,
  how: Protection,
  uid: number,
  report: WalkReport,
  seen: Set<string>,
): void {
  const key = `${stat.dev}:${stat.ino}`;
  if (seen.has(key)) return;
  seen.add(key);
  let names: string[];
  try {
    names = readdirSync(fdPath(fd));
  } catch (error) {
    report.failed.push({ path, reason: `cannot list it (${reasonOf(error)})` });
    return;
  }
  for (const name of names) {
    let child: number;
    try {
      child = openSync(join(fdPath(fd), name), OPEN_FLAGS);
    } catch (error) {
      // Gone since the listing (renamed or removed by whoever can write here): nothing to change.
      if (errorCode(error) !== 'ENOENT')
        report.failed.push({ path: join(path, name), reason: reasonOf(error) });
      continue;
    }
    try {
      visit(child, join(path, name), how, uid, report, seen);
    } finally {
      closeSync(child);
    }
  }
}

function change(fd: number, path: string, mode: number, report: WalkReport): void {
  try {
    chmodSync(fdPath(fd), mode);
    report.changed++;
  } catch (error) {
    report.failed.push({ path, reason: reasonOf(error) });
  }
}

function isWritable(fd: number): boolean {
  try {
    accessSync(fdPath(fd), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function reasonOf(error: unknown): string {
  return errorCode(error) ?? String(error);
}
