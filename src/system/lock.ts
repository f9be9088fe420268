import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode, isUserError, UserError } from '../cli/errors.js';
import { identify, isAlive, type ProcessIdentity } from './proc.js';

/**
 * A lock between processes of this tool: a directory holding its owner's identity (pid, start time, boot),
 * put in place with one rename so it is never seen without an owner. A lock whose owner is gone (killed,
 * host rebooted) is taken over; a reused pid is not mistaken for the owner.
 */
export interface Lock {
  release(): void;
}

let myIdentity: ProcessIdentity | undefined;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function ownerOf(lockDir: string): ProcessIdentity | undefined {
  try {
    return JSON.parse(readFileSync(join(lockDir, 'owner.json'), 'utf8')) as ProcessIdentity;
  } catch {
    return undefined;
  }
}

function sameOwner(a: ProcessIdentity | undefined, b: ProcessIdentity | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.pid === b.pid &&
    a.startTime === b.startTime &&
    a.bootId === b.bootId
  );
}

function unique(): string {
  return `${process.pid}-${Math.random().toString(36).slice(2)}`;
}

/** Removes a lock directory whose owner is dead, unless another process replaced it meanwhile. */
function takeOver(locksDir: string, lockDir: string, dead: ProcessIdentity | undefined): void {
  const aside = join(locksDir, `.stale-${unique()}`);
  try {
    renameSync(lockDir, aside);
  } catch {
    return;
  }
  if (dead !== undefined && !sameOwner(ownerOf(aside), dead)) {
    // We moved a live lock that replaced the stale one: put it back (it cannot be taken meanwhile by
    // anyone who checks its owner, since it is missing only for this instant).
    try {
      renameSync(aside, lockDir);
      return;
    } catch {}
  }
  rmSync(aside, { recursive: true, force: true });
}

export function acquireLock(locksDir: string, name: string, timeoutMs = 10_000): Lock {
  mkdirSync(locksDir, { recursive: true, mode: 0o700 });
  const lockDir = join(locksDir, name);
  myIdentity ??= identify(process.pid);
  const me = myIdentity;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const temp = mkdtempSync(join(locksDir, '.new-'));
    try {
      writeFileSync(join(temp, 'owner.json'), JSON.stringify(me), { mode: 0o600 });
      renameSync(temp, lockDir);
      return { release: () => releaseLock(locksDir, lockDir) };
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      if (errorCode(error) !== 'ENOTEMPTY' && errorCode(error) !== 'EEXIST') throw error;
    }
    const owner = ownerOf(lockDir);
    if (owner !== undefined && !isAlive(owner)) {
      // Its owner crashed or was killed: take it over and try again at once.
      takeOver(locksDir, lockDir, owner);
      if (attempt < 50) continue;
    }
    // No owner file for long means a lock left half-removed; it is gone in an instant otherwise.
    if (owner === undefined && attempt > 20) takeOver(locksDir, lockDir, owner);
    if (Date.now() >= deadline) {
      throw new UserError(
        `timed out waiting for lock ${lockDir} held by pid ${owner?.pid ?? '?'}: try again, or remove it if that process is stuck`,
      );
    }
    sleep(Math.min(5 + attempt * 5, 100));
  }
}

function releaseLock(locksDir: string, lockDir: string): void {
  const aside = join(locksDir, `.released-${unique()}`);
  try {
    renameSync(lockDir, aside);
  } catch {
    return;
  }
  rmSync(aside, { recursive: true, force: true });
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
