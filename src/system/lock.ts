import { linkSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode, isUserError, UserError } from '../core/errors.js';
import { identify, isAlive, type ProcessIdentity } from './proc.js';

/**
 * A lock between processes of this tool: a symbolic link whose target names its owner
 * (`pid:startTime:bootId`), made with one symlink(2), so it never exists without an owner. A lock
 * whose owner is gone (killed, host rebooted) is taken over; a reused pid is not mistaken for the owner.
 * A link and not a file with the owner in it: on a full disk a short link still fits (in the inode,
 * on ext4 and tmpfs alike) where writing a file does not, and cleanup, which frees the space, needs
 * the locks (issue 10, item 7).
 */
export interface Lock {
  release(): void;
}

let myIdentity: ProcessIdentity | undefined;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Blocks this thread for `ms` (the synchronous commands wait between tries). */
export function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export function ownerTarget(identity: ProcessIdentity): string {
  return `${identity.pid}:${identity.startTime}:${identity.bootId}`;
}

export function parseOwner(target: string): ProcessIdentity | undefined {
  const match = /^(\d+):(\d+):([0-9a-f-]+)$/.exec(target);
  return match
    ? { pid: Number(match[1]), startTime: Number(match[2]), bootId: match[3] as string }
    : undefined;
}

/** The owner a lock names; undefined when there is no lock, or it is not one of ours (then: stale). */
function ownerOf(path: string): { exists: boolean; owner: string | undefined } {
  try {
    return { exists: true, owner: readlinkSync(path) };
  } catch (error) {
    // EINVAL: not a link (a lock directory of an earlier version, say): no owner to wait for.
    return { exists: errorCode(error) !== 'ENOENT', owner: undefined };
  }
}

function unique(): string {
  return `${process.pid}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Removes a lock whose owner is dead, unless another process replaced it meanwhile: it is moved aside
 * in one rename and looked at there; a live lock moved by mistake is put back with link(2), which never
 * replaces a lock taken in the meantime.
 */
function takeOver(locksDir: string, path: string, dead: string | undefined): void {
  const aside = join(locksDir, `.stale-${unique()}`);
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  const moved = ownerOf(aside).owner;
  if (moved !== undefined && moved !== dead && isAliveTarget(moved)) {
    try {
      linkSync(aside, path);
    } catch {}
  }
  removeQuietly(aside);
}

function isAliveTarget(target: string): boolean {
  const owner = parseOwner(target);
  return owner !== undefined && isAlive(owner);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    // A lock directory of an earlier version of this tool.
    if (errorCode(error) === 'EISDIR' || errorCode(error) === 'EPERM') {
      try {
        rmSync(path, { recursive: true, force: true });
      } catch {}
    }
  }
}

export function acquireLock(locksDir: string, name: string, timeoutMs = 10_000): Lock {
  mkdirSync(locksDir, { recursive: true, mode: 0o700 });
  const path = join(locksDir, name);
  myIdentity ??= identify(process.pid);
  const me = myIdentity ? ownerTarget(myIdentity) : `${process.pid}:0:unknown`;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      symlinkSync(me, path);
      return { release: () => releaseLock(path, me) };
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    const { exists, owner } = ownerOf(path);
    if (!exists) continue;
    if (owner === undefined || !isAliveTarget(owner)) {
      // Its owner crashed or was killed (or it is no lock of ours): take it over and try again at once.
      takeOver(locksDir, path, owner);
      if (attempt < 50) continue;
    }
    if (Date.now() >= deadline) {
      throw new UserError(
        `timed out waiting for lock ${path} held by pid ${parseOwner(owner ?? '')?.pid ?? '?'}: try again, or remove it if that process is stuck`,
      );
    }
    sleep(Math.min(5 + attempt * 5, 100));
  }
}

/** Removes the lock if it is still ours (a lock taken over after we were thought dead is not). */
function releaseLock(path: string, me: string): void {
  if (ownerOf(path).owner !== me) return;
  try {
    unlinkSync(path);
  } catch {}
}

/** Whether a lock is held now by a live owner (without taking it). */
export function isLockHeld(locksDir: string, name: string): boolean {
  const { owner } = ownerOf(join(locksDir, name));
  return owner !== undefined && isAliveTarget(owner);
}

/** The lock if it is free (or its owner is gone), else undefined at once. */
export function tryAcquireLock(locksDir: string, name: string): Lock | undefined {
  try {
    return acquireLock(locksDir, name, 0);
  } catch (error) {
    if (isUserError(error)) return undefined;
    throw error;
  }
}

export async function withLockAsync<T>(locksDir: string, name: string, action: () => Promise<T>): Promise<T> {
  const lock = acquireLock(locksDir, name);
  try {
    return await action();
  } finally {
    lock.release();
  }
}

export function withLock<T>(locksDir: string, name: string, action: () => T): T {
  const lock = acquireLock(locksDir, name);
  try {
    return action();
  } finally {
    lock.release();
  }
}
