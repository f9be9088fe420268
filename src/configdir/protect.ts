import { accessSync, constants, existsSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { errorCode } from '../core/errors.js';
import { readFileIfExists } from '../system/files.js';
import { changeableItself, isWithin, privateGroup, resolveSafely, type Trust } from './protect-path.js';
import { type Failure, type Protection, protectTree } from './protect-walk.js';
import { SHARED_ENTRIES } from './shared.js';

/**
 * Protection of the shared skills, agents, commands, rules, output styles and CLAUDE.md. A session reaches
 * them through links, and a write through a link is a write to the base's file, so the only protection
 * that holds for the same user is the base's own permission bits: under `readonly` the shared trees have
 * no write bits, so Claude's tools and the commands a session runs cannot change them by accident. A
 * session's own shell can still `chmod` them back: this guards against accidents, not a hostile agent,
 * and it is nothing at all to root, who ignores permission bits.
 * The user edits them after `claude-session shared unlock` and re-protects with `shared lock`.
 * A top-level entry that is itself a link (a dotfiles checkout) is followed only when nobody else can
 * change where it leads (see protect-path.ts); links inside the trees are never followed (protect-walk.ts).
 */
export const PROTECTED = SHARED_ENTRIES.filter((entry) => entry.protect).map((entry) => entry.name);

function unlockMarker(root: string): string {
  return join(root, 'shared-unlocked');
}

export function isUnlocked(root: string): boolean {
  return existsSync(unlockMarker(root));
}

/** Root ignores permission bits: read-only files protect nothing from a session running as root. */
export function runsAsRoot(): boolean {
  return process.geteuid?.() === 0;
}

/** What protection is about: the base's shared entries, and what a lock must never reach. */
export interface ProtectionScope {
  baseDir: string;
  home: string;
  root: string;
}

export interface Refusal {
  name: string;
  reason: string;
  fix: string;
}

export interface ProtectionReport {
  changed: number;
  failed: Failure[];
  /** Entries left alone: their link leads where another user could redirect it. */
  refused: Refusal[];
}

export type TopState =
  | { name: string; state: 'missing' }
  | { name: string; state: 'protected' | 'writable'; path: string }
  | ({ state: 'refused' } & Refusal);

/**
 * Each protected entry of the base: where it really is, and whether a session could write it. Cheap
 * enough for every launch (a few lstat calls per entry, no walk).
 */
export function inspectTops(scope: ProtectionScope): TopState[] {
  const trust = ourTrust();
  const { uid } = trust;
  const own = [scope.home, scope.baseDir, scope.root].map(canonical);
  return PROTECTED.map((name): TopState => {
    const entry = join(scope.baseDir, name);
    const refuse = (reason: string, fix: string): TopState => ({ name, state: 'refused', reason, fix });
    let resolution: ReturnType<typeof resolveSafely>;
    try {
      resolution = resolveSafely(entry, trust);
    } catch (error) {
      return refuse(
        `cannot be checked (${errorCode(error) ?? String(error)})`,
        `check the permissions of ${entry}`,
      );
    }
    if (resolution.kind === 'missing') return { name, state: 'missing' };
    if (resolution.kind === 'unchecked') {
      return refuse(
        `cannot be checked at ${resolution.at} (${resolution.code})`,
        `check the permissions of ${resolution.at}`,
      );
    }
    if (resolution.kind === 'unsafe') {
      const { at, why } = resolution;
      return refuse(
        `leads through ${at}, which ${why}: another user could point it at your own files`,
        `make ${at} (and every directory on the way) yours or root's and not writable by group or others, or replace ${entry} with a copy`,
      );
    }
    const { path } = resolution;
    if (own.some((dir) => isWithin(dir, path)) || isWithin(path, own[2] as string)) {
      return refuse(
        `leads to ${path}, which holds your home, base config or session root`,
        `point ${entry} at the shared tree itself`,
      );
    }
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { name, state: 'missing' };
      return refuse(
        `cannot be checked at ${path} (${errorCode(error) ?? String(error)})`,
        `check the permissions of ${path}`,
      );
    }
    const problem = resolution.viaLink ? changeableItself(stat, trust) : undefined;
    if (problem) {
      return refuse(
        `links to ${path}, which ${problem}: another user could change what it holds`,
        stat.uid === uid ? `chmod go-w ${path}` : `replace ${entry} with a copy, or leave it unprotected`,
      );
    }
    const writable = (stat.mode & 0o222) !== 0 && isWritable(path);
    return { name, state: writable ? 'writable' : 'protected', path };
  });
}

/** A refused entry, as the start notice, `shared` and `doctor` name it. */
export function refusalLine(refusal: Refusal): string {
  return `${refusal.name} ${refusal.reason}`;
}

/** `tops`: what inspectTops(scope) found, when the caller has just looked. */
function setProtection(
  scope: ProtectionScope,
  how: Protection,
  tops: readonly TopState[] = inspectTops(scope),
): ProtectionReport {
  const uid = process.geteuid?.() ?? -1;
  const report: ProtectionReport = { changed: 0, failed: [], refused: [] };
  for (const top of tops) {
    if (top.state === 'refused') report.refused.push({ name: top.name, reason: top.reason, fix: top.fix });
    else if (top.state !== 'missing') protectTree(top.path, how, uid, report);
  }
  return report;
}

export function lockShared(scope: ProtectionScope, tops?: readonly TopState[]): ProtectionReport {
  const report = setProtection(scope, 'lock', tops);
  rmSync(unlockMarker(scope.root), { force: true });
  return report;
}

export function unlockShared(scope: ProtectionScope): ProtectionReport {
  writeFileSync(unlockMarker(scope.root), `${new Date().toISOString()}\n`, { mode: 0o600 });
  return setProtection(scope, 'unlock');
}

/** Us, as protect-path.ts trusts: /etc/group is read only when a group-writable directory comes up. */
function ourTrust(): Trust {
  const uid = process.geteuid?.() ?? -1;
  const gid = process.getegid?.() ?? -1;
  let ours: number | undefined | null = null;
  return {
    uid,
    isPrivateGroup: (candidate) => {
      if (candidate !== gid) return false;
      if (ours === null) {
        try {
          const groups = readFileIfExists('/etc/group', { maxBytes: 4 * 1024 * 1024 });
          ours = privateGroup(groups, userInfo().username, gid);
        } catch {
          ours = undefined;
        }
      }
      return ours === gid;
    },
  };
}

function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function canonical(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return resolve(path);
  }
}
