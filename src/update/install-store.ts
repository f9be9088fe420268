import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { errorCode } from '../core/errors.js';
import { isVersion } from '../core/version.js';
import { askVersion } from '../system/claude-binary.js';
import { replaceWithLink } from '../system/files.js';
import { installIntoPrefix } from '../system/npm.js';
import { identify, processStartTime } from '../system/proc.js';

/**
 * The managed store: Claude Code versions side by side in a prefix the user owns (no sudo).
 *
 *   <root>/claude/versions/<version>/       an npm prefix; its node_modules/.bin/claude is the binary
 *   <root>/claude/current -> versions/<v>   what new sessions start
 *   <root>/claude/previous -> versions/<v>  what `update --rollback` returns to
 *   <root>/claude/.install-<v>-<pid>-<t>/   an install in progress, renamed into versions/ only after
 *                                            its binary answered --version with the right version
 *
 * A session's argv names the binary by its real path inside versions/<v>, so switching `current` never
 * touches a running session, and a session never starts on a half-installed version.
 */
export function storeDir(root: string): string {
  return join(root, 'claude');
}

export function versionDir(root: string, version: string): string {
  return join(storeDir(root), 'versions', version);
}

export function binaryIn(prefix: string): string {
  return join(prefix, 'node_modules', '.bin', 'claude');
}

function pointer(root: string, which: 'current' | 'previous'): string | undefined {
  try {
    const target = readlinkSync(join(storeDir(root), which));
    const version = target.replace(/^versions\//, '');
    return isVersion(version) && target === `versions/${version}` && existsSync(versionDir(root, version))
      ? version
      : undefined;
  } catch {
    return undefined;
  }
}

export function currentVersion(root: string): string | undefined {
  return pointer(root, 'current');
}

export function previousVersion(root: string): string | undefined {
  return pointer(root, 'previous');
}

export function installedVersions(root: string): string[] {
  try {
    return readdirSync(join(storeDir(root), 'versions')).filter(isVersion);
  } catch {
    return [];
  }
}

/** The real path of the current version's binary, for a new session; undefined when the store is empty. */
export function currentBinary(root: string): string | undefined {
  const version = currentVersion(root);
  if (!version) return undefined;
  try {
    return realpathSync.native(binaryIn(versionDir(root, version)));
  } catch {
    return undefined;
  }
}

/** The store version a binary path belongs to, if any (how live sessions pin their version). */
export function versionOfBinary(root: string, binary: string): string | undefined {
  const prefix = `${join(storeDir(root), 'versions')}/`;
  if (!binary.startsWith(prefix)) return undefined;
  const version = binary.slice(prefix.length).split('/')[0];
  return isVersion(version) ? version : undefined;
}

export class InstallError extends Error {
  constructor(
    message: string,
    readonly detail = '',
  ) {
    super(message);
    this.name = 'InstallError';
  }
}

/** Removes installs left by processes that died half-way (killed, crashed, machine rebooted). */
export function removeStaleInstalls(root: string): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(storeDir(root));
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = /^\.(?:install|remove)-[\d.]+-(\d+)-(\d+)(?:-|$)/.exec(name);
    if (!match) continue;
    if (processStartTime(Number(match[1])) === Number(match[2])) continue;
    rmSync(join(storeDir(root), name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export interface InstallOptions {
  packageName: string;
  env: NodeJS.ProcessEnv;
  showProgress: boolean;
}

/**
 * Installs `version` into a temporary prefix, checks that its binary answers `--version` with exactly
 * that version, and renames it into versions/. Returns false when it was installed already (by us
 * earlier, or by another process that won the rename).
 */
export async function installVersion(
  root: string,
  version: string,
  options: InstallOptions,
): Promise<boolean> {
  if (!isVersion(version))
    throw new InstallError(`refusing to install ${JSON.stringify(version)}: not a version`);
  const final = versionDir(root, version);
  if (existsSync(final)) return false;
  mkdirSync(join(storeDir(root), 'versions'), { recursive: true, mode: 0o700 });
  const me = identify(process.pid);
  const temp = join(storeDir(root), `.install-${version}-${process.pid}-${me?.startTime ?? 0}-${Date.now()}`);
  mkdirSync(temp, { mode: 0o755 });
  try {
    const result = await installIntoPrefix(
      temp,
      options.packageName,
      version,
      options.env,
      options.showProgress,
    );
    if (!result.ok) {
      throw new InstallError(
        `npm install ${options.packageName}@${version} failed (exit ${result.status})`,
        lastLine(result.output),
      );
    }
    const answered = askVersion(binaryIn(temp), options.env);
    if (answered !== version) {
      throw new InstallError(
        `the installed binary answered --version with ${answered === undefined ? 'nothing usable' : answered}, not ${version}`,
      );
    }
    try {
      renameSync(temp, final);
    } catch (error) {
      if (errorCode(error) === 'ENOTEMPTY' || errorCode(error) === 'EEXIST') return false;
      throw error;
    }
    return true;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

function lastLine(output: string): string {
  const lines = output
    .trim()
    .split('\n')
    .filter((line) => /\S/.test(line));
  return (
    lines.find((line) => /ERR!? (code|404|notarget)|ENOSPC|EACCES/.test(line)) ??
    lines.at(-1) ??
    ''
  ).slice(0, 300);
}

/** Points `current` at `version` (and `previous` at what was current), each with one atomic rename. */
export function switchTo(root: string, version: string): string | undefined {
  const was = currentVersion(root);
  if (was === version) return was;
  if (was) replaceWithLink(join(storeDir(root), 'previous'), `versions/${was}`);
  replaceWithLink(join(storeDir(root), 'current'), `versions/${version}`);
  return was;
}

/** Versions that may go: not current, not previous, not used by a live session. */
export function removableVersions(root: string, live: ReadonlySet<string>): string[] {
  const keep = new Set([currentVersion(root), previousVersion(root)]);
  return installedVersions(root).filter((version) => !keep.has(version) && !live.has(version));
}

/** Removes one version dir; it must be a real directory inside the store (never a link's target). */
export function removeVersion(root: string, version: string): void {
  if (!isVersion(version)) return;
  const dir = versionDir(root, version);
  if (!lstatSync(dir).isDirectory()) return;
  const aside = join(
    storeDir(root),
    `.remove-${version}-${process.pid}-${identify(process.pid)?.startTime ?? 0}`,
  );
  renameSync(dir, aside);
  rmSync(aside, { recursive: true, force: true });
}
