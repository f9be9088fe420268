import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { mkdirPrivate, readFileIfExists, writeJsonAtomicSync } from './files.js';
import { childProcess } from './lazy.js';

export const INSTALL_HINT =
  'install it with `npm install -g @anthropic-ai/claude-code` or set CLAUDE_SESSION_CLAUDE=/path/to/claude';

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `CLAUDE_SESSION_CLAUDE` when set, else `claude` on PATH; absolute, links not resolved. */
export function findClaude(env: NodeJS.ProcessEnv): string {
  const explicit = env.CLAUDE_SESSION_CLAUDE;
  if (explicit) {
    const path = resolve(explicit);
    if (!isExecutableFile(path)) {
      throw new UserError(
        `CLAUDE_SESSION_CLAUDE=${explicit} is not an executable file: fix the path or unset it`,
        127,
      );
    }
    return path;
  }
  try {
    return findExecutable('claude', env);
  } catch {
    throw new UserError(`Claude Code (\`claude\`) not found on PATH: ${INSTALL_HINT}`, 127);
  }
}

/** An executable's absolute path on PATH (only absolute PATH entries count); throws when there is none. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv): string {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const path = join(dir, name);
    if (isExecutableFile(path)) return path;
  }
  throw new Error(`${name} not found on PATH`);
}

const VERSION = /^(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\b/;

export function parseClaudeVersion(output: string): string | undefined {
  return VERSION.exec(output.trim())?.[1];
}

/** What a `claude` binary says its version is (uncached); undefined when it does not answer in time. */
export function askVersion(binary: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    const out = childProcess().execFileSync(binary, ['--version'], {
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...env, DISABLE_AUTOUPDATER: '1' },
    });
    return parseClaudeVersion(out);
  } catch {
    return undefined;
  }
}

type CacheEntry = { size: number; mtimeMs: number; ino: number; version: string };
type VersionCache = Record<string, CacheEntry>;

/**
 * The cache as far as it can be trusted: a file that is not one (a link, a FIFO, too large), not JSON,
 * or entries of the wrong shape (a `null`) count as nothing cached, and are rewritten by the next answer.
 */
function readVersionCache(cacheFile: string): VersionCache {
  let json: unknown;
  try {
    json = JSON.parse(readFileIfExists(cacheFile) ?? '{}');
  } catch {
    return {};
  }
  const cache: VersionCache = {};
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return cache;
  for (const [path, entry] of Object.entries(json)) {
    if (isCacheEntry(entry)) cache[path] = entry;
  }
  return cache;
}

function isCacheEntry(value: unknown): value is CacheEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.size === 'number' &&
    typeof entry.mtimeMs === 'number' &&
    typeof entry.ino === 'number' &&
    typeof entry.version === 'string'
  );
}

/**
 * The binary's version, from a cache keyed by its real path, size, mtime and inode, so that only the
 * first launch after an install pays for running `claude --version`. Undefined when it does not answer.
 */
export function claudeVersion(binary: string, cacheFile: string): string | undefined {
  let real: string;
  let stat: ReturnType<typeof statSync>;
  try {
    real = realpathSync.native(binary);
    stat = statSync(real);
  } catch {
    return undefined;
  }
  const cache = readVersionCache(cacheFile);
  const hit = cache[real];
  if (hit && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs && hit.ino === stat.ino)
    return hit.version;
  const version = askVersion(binary, process.env);
  if (version === undefined) return undefined;
  try {
    cache[real] = { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, version };
    mkdirPrivate(dirname(cacheFile));
    writeJsonAtomicSync(cacheFile, cache);
  } catch {}
  return version;
}

/** Runs `claude setup-token` on this terminal (it prints a long-lived token); says how it ended. */
export function runSetupToken(
  claude: string,
  env: NodeJS.ProcessEnv,
): { error?: Error; status: number | null } {
  const result = childProcess().spawnSync(claude, ['setup-token'], { stdio: 'inherit', env });
  return { error: result.error, status: result.status };
}
