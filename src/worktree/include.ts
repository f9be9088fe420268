import { constants, copyFileSync, lstatSync, mkdirSync } from 'node:fs';
import { posix } from 'node:path';
import { errorCode } from '../core/errors.js';
import { git, gitMessage } from '../system/git.js';

/** Claude Code's file of patterns (.gitignore syntax) naming ignored files each new worktree gets. */
export const INCLUDE_FILE = '.worktreeinclude';

export interface Included {
  copied: string[];
  /** Files named but not copied, each with why (a link, a device, a tracked file there). */
  skipped: string[];
}

/**
 * Copies into a new worktree the files its repository's `.worktreeinclude` names (Claude Code's own
 * convention, shared with ccmanager, Codex and others): only files that match a pattern AND are
 * ignored by git, so nothing tracked is duplicated; regular files only (no link is followed, no FIFO
 * or device opened); never over a file the worktree has, never through a link inside the worktree.
 */
export function copyIncluded(from: string, to: string, env?: NodeJS.ProcessEnv): Included {
  const included: Included = { copied: [], skipped: [] };
  const patterns = posix.join(from, INCLUDE_FILE);
  try {
    if (!lstatSync(patterns).isFile()) return included;
  } catch {
    return included;
  }
  const listed = git(from, ['ls-files', '-z', '--others', '--ignored', `--exclude-from=${patterns}`], {
    env,
    readOnly: true,
  });
  if (!listed.ok) {
    included.skipped.push(`${INCLUDE_FILE}: git could not read it: ${gitMessage(listed)}`);
    return included;
  }
  const candidates = listed.stdout.split('\0').filter((path) => path.length > 0);
  if (candidates.length === 0) return included;
  const ignored = git(from, ['check-ignore', '-z', '--stdin'], {
    env,
    readOnly: true,
    input: `${candidates.join('\0')}\0`,
  });
  const reallyIgnored = new Set(ignored.stdout.split('\0').filter((path) => path.length > 0));
  for (const path of candidates) {
    if (!reallyIgnored.has(path)) continue;
    const why = copyOne(from, to, path);
    if (why) included.skipped.push(`${path}: ${why}`);
    else included.copied.push(path);
  }
  return included;
}

function copyOne(from: string, to: string, path: string): string | undefined {
  const parts = path.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..')) return 'not a plain relative path';
  const source = posix.join(from, path);
  try {
    if (!lstatSync(source).isFile()) return 'not a regular file (links, FIFOs and devices are not copied)';
  } catch (error) {
    return `cannot be read (${errorCode(error) ?? 'error'})`;
  }
  // Every folder on the way must be a real folder of the worktree, never a link (a tracked link could
  // lead anywhere).
  let dir = to;
  for (const part of parts.slice(0, -1)) {
    dir = posix.join(dir, part);
    try {
      if (!lstatSync(dir).isDirectory()) return `${posix.relative(to, dir)} in the worktree is not a folder`;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') return `cannot be copied (${errorCode(error)})`;
      mkdirSync(dir, { mode: 0o700 });
    }
  }
  try {
    copyFileSync(source, posix.join(to, path), constants.COPYFILE_EXCL);
  } catch (error) {
    return errorCode(error) === 'EEXIST'
      ? 'the worktree has that file already'
      : `cannot be copied (${errorCode(error)})`;
  }
  return undefined;
}
