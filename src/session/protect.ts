import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  lstatSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { errorCode } from '../cli/errors.js';
import { SHARED_ENTRIES } from './shared.js';

/**
 * Protection of the shared skills, agents, commands, rules, output styles and CLAUDE.md. A session reaches
 * them through links, and a write through a link is a write to the base's file, so the only protection
 * that holds for the same user is the base's own permission bits: under `readonly` the shared trees have
 * no write bits, so a session (Claude's tools, a shell it runs) can neither change nor delete them.
 * The user edits them after `claude-session shared unlock` and re-protects with `shared lock`.
 * A top-level entry that is itself a link (a dotfiles checkout, say) is followed once; links inside the
 * trees are never followed: what they point to is left as it is.
 */
export const PROTECTED = SHARED_ENTRIES.filter((entry) => entry.protect).map((entry) => entry.name);

export function unlockMarker(root: string): string {
  return join(root, 'shared-unlocked');
}

export function isUnlocked(root: string): boolean {
  return existsSync(unlockMarker(root));
}

export interface ProtectionReport {
  changed: number;
  failed: string[];
}

type Mode = 'lock' | 'unlock';

function newMode(mode: number, how: Mode): number {
  return how === 'lock' ? mode & ~0o222 : mode | 0o200;
}

function walk(path: string, how: Mode, report: ProtectionReport): void {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  if (stat.isSymbolicLink()) return;
  const mode = stat.mode & 0o7777;
  const wanted = newMode(mode, how);
  // Unlock a directory before reading it; lock it after its children, the order a failure leaves safest.
  if (how === 'unlock' && wanted !== mode) change(path, wanted, report);
  if (stat.isDirectory()) {
    let names: string[] = [];
    try {
      names = readdirSync(path);
    } catch {
      report.failed.push(path);
    }
    for (const name of names) walk(join(path, name), how, report);
  }
  if (how === 'lock' && wanted !== mode) change(path, wanted, report);
}

function change(path: string, mode: number, report: ProtectionReport): void {
  try {
    chmodSync(path, mode);
    report.changed++;
  } catch {
    // Not ours to change (another user's): a failure only if we could write it all the same.
    if (isWritable(path)) report.failed.push(path);
  }
}

export function setProtection(baseDir: string, how: Mode): ProtectionReport {
  const report: ProtectionReport = { changed: 0, failed: [] };
  for (const name of PROTECTED) {
    let top: string;
    try {
      top = realpathSync(join(baseDir, name));
    } catch {
      continue;
    }
    walk(top, how, report);
  }
  return report;
}

/**
 * Cheap check for the launch path: the top of each protected entry present in the base has no write bit
 * (what root sees) or is not writable by us anyway (another user's shared tree).
 */
export function unprotectedEntries(baseDir: string): string[] {
  const open: string[] = [];
  for (const name of PROTECTED) {
    try {
      const path = join(baseDir, name);
      if ((statSync(path).mode & 0o222) !== 0 && isWritable(path)) open.push(name);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') open.push(name);
    }
  }
  return open;
}

function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function lockShared(root: string, baseDir: string): ProtectionReport {
  const report = setProtection(baseDir, 'lock');
  rmSync(unlockMarker(root), { force: true });
  return report;
}

export function unlockShared(root: string, baseDir: string): ProtectionReport {
  writeFileSync(unlockMarker(root), `${new Date().toISOString()}\n`, { mode: 0o600 });
  return setProtection(baseDir, 'unlock');
}
