import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { errorCode } from '../core/errors.js';

/**
 * Where a shared entry of the base really is, resolved by hand one component at a time, and whether
 * another user could change what that path leads to. A lock or unlock follows a top-level link (a
 * dotfiles or team checkout), so a link through a directory someone else can write would let them point
 * it, between our look and our chmod, at the victim's own files (HOME, ~/.ssh): refused, never followed.
 * Every directory passed through must be ours or root's and writable by no one else; in a sticky directory
 * (/tmp) an entry that is ours or root's cannot be replaced by others, so that is safe too. Group write
 * counts as no one else's only for our private group (umask 002 setups: Debian and Ubuntu give each user a
 * group of its own). Once each directory on the way is safe, only we and root can change the path, so what
 * we checked is what we open.
 */
export type Resolution =
  | { kind: 'found'; path: string; viaLink: boolean }
  | { kind: 'missing' }
  /** `at` is a directory on the way that another user could change; `why` says how. */
  | { kind: 'unsafe'; at: string; why: string }
  | { kind: 'unchecked'; at: string; code: string };

/** Whom a path may belong to: us, and root; a group of our own, whose write bit is ours alone. */
export interface Trust {
  uid: number;
  isPrivateGroup: (gid: number) => boolean;
}

const MAX_LINKS = 40;

export function resolveSafely(path: string, trust: Trust): Resolution {
  const pending = splitPath(resolve(path));
  let done = '/';
  let doneStat = lstatSync('/');
  const rootProblem = changeableBy(doneStat, doneStat, trust);
  if (rootProblem) return { kind: 'unsafe', at: '/', why: rootProblem };
  let links = 0;
  while (pending.length > 0) {
    const name = pending.shift() as string;
    if (name === '.') continue;
    if (name === '..') {
      // `done` has no links in it, so its parent is the lexical one, and a directory we passed through.
      done = dirname(done);
      doneStat = lstatSync(done);
      continue;
    }
    const next = join(done, name);
    let stat: Stats;
    try {
      stat = lstatSync(next);
    } catch (error) {
      const code = errorCode(error);
      // Missing for now, in a directory someone else can write: it is theirs to create, so still refused.
      const problem = changeableItself(doneStat, trust);
      if (problem) return { kind: 'unsafe', at: done, why: problem };
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
      return { kind: 'unchecked', at: next, code: code ?? String(error) };
    }
    const problem = changeableBy(doneStat, stat, trust);
    if (problem) return { kind: 'unsafe', at: done, why: problem };
    if (stat.isSymbolicLink()) {
      if (++links > MAX_LINKS) return { kind: 'unchecked', at: next, code: 'ELOOP' };
      const target = readlinkSync(next);
      pending.unshift(...splitPath(target));
      if (isAbsolute(target)) {
        done = '/';
        doneStat = lstatSync('/');
      }
      continue;
    }
    if (pending.length > 0 && !stat.isDirectory()) return { kind: 'missing' };
    done = next;
    doneStat = stat;
  }
  return { kind: 'found', path: done, viaLink: links > 0 };
}

/**
 * Why someone besides us and root could replace `entry` inside `dir` (for `/`, change it), or undefined
 * when nobody can.
 */
export function changeableBy(dir: Stats, entry: Stats, trust: Trust): string | undefined {
  if ((dir.mode & 0o1000) !== 0 && trusted(dir, trust) && trusted(entry, trust)) return undefined;
  return changeableItself(dir, trust);
}

/** Why someone besides us and root could change `stat`'s own entries or mode, or undefined. */
export function changeableItself(stat: Stats, trust: Trust): string | undefined {
  if (!trusted(stat, trust)) return `belongs to another user (uid ${stat.uid})`;
  if ((stat.mode & 0o002) !== 0) return 'is writable by other users';
  if ((stat.mode & 0o020) !== 0 && !trust.isPrivateGroup(stat.gid)) {
    return `is writable by its group (gid ${stat.gid})`;
  }
  return undefined;
}

function trusted(stat: Stats, trust: Trust): boolean {
  return stat.uid === trust.uid || stat.uid === 0;
}

/**
 * Our primary group when it is ours alone: named like us, with no members listed in /etc/group (the
 * private group of a user-private-group system). Undefined when it is shared, or cannot be told.
 */
export function privateGroup(groupFile: string | undefined, user: string, gid: number): number | undefined {
  for (const line of (groupFile ?? '').split('\n')) {
    const [name, , id, members] = line.split(':');
    if (Number(id) !== gid || id === undefined || id === '') continue;
    return name === user && (members ?? '').trim() === '' ? gid : undefined;
  }
  return undefined;
}

/** `inner` is `outer` or lies inside it. */
export function isWithin(inner: string, outer: string): boolean {
  return inner === outer || outer === '/' || inner.startsWith(`${outer}/`);
}

function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}
