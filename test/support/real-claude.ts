// The real native Claude Code binary for tests, pinned and installed once per checkout into
// <repo>/.cache/claude-code/<version>/ (npm registry only; the package's postinstall downloads
// nothing, it hard-links the native binary from the platform package over bin/claude.exe).
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { installIntoPrefix } from '../../src/system/npm.js';
import { cleanEnv } from './sandbox.js';

const execFileP = promisify(execFile);

export const REAL_CLAUDE_VERSION = '2.1.332';
export const REAL_CLAUDE_PACKAGE = '@anthropic-ai/claude-code';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLAUDE_CACHE_ROOT = join(REPO_ROOT, '.cache', 'claude-code');
export const REAL_CLAUDE_DIR = join(CLAUDE_CACHE_ROOT, REAL_CLAUDE_VERSION);

const binIn = (prefix: string): string => join(prefix, 'node_modules', '.bin', 'claude');

/** The clean test environment (see cleanEnv) plus the switches that keep Claude Code off the network apart from the model API, merged with `extra`. */
export function cleanClaudeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...cleanEnv(),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
    ...extra,
  };
}

async function answersVersion(bin: string): Promise<boolean> {
  try {
    const { stdout } = await execFileP(bin, ['--version'], {
      env: cleanClaudeEnv(),
      timeout: 30_000,
      encoding: 'utf8',
    });
    return stdout.trim() === `${REAL_CLAUDE_VERSION} (Claude Code)`;
  } catch {
    return false;
  }
}

/** Installs through the tool's own installer (src/system/npm.ts), so the real package proves it too. */
async function npmInstallInto(prefix: string): Promise<void> {
  const result = await installIntoPrefix(
    prefix,
    REAL_CLAUDE_PACKAGE,
    REAL_CLAUDE_VERSION,
    cleanClaudeEnv(),
    false,
  );
  if (!result.ok)
    throw new Error(`npm install of ${REAL_CLAUDE_PACKAGE}@${REAL_CLAUDE_VERSION} failed: ${result.output}`);
}

async function install(): Promise<string> {
  const finalBin = binIn(REAL_CLAUDE_DIR);
  if (await answersVersion(finalBin)) return finalBin;

  await mkdir(CLAUDE_CACHE_ROOT, { recursive: true });
  const tmp = await mkdtemp(join(CLAUDE_CACHE_ROOT, `.tmp-${REAL_CLAUDE_VERSION}-`));
  try {
    await chmod(tmp, 0o755); // mkdtemp makes 0700; tests also run the binary as an unprivileged user
    await npmInstallInto(tmp);
    if (!(await answersVersion(binIn(tmp)))) {
      throw new Error(
        `${REAL_CLAUDE_PACKAGE}@${REAL_CLAUDE_VERSION} installed into ${tmp} but its bin does not answer --version with ${REAL_CLAUDE_VERSION} (postinstall skipped?)`,
      );
    }
    try {
      await rename(tmp, REAL_CLAUDE_DIR);
    } catch {
      // Lost a race with another worker (fine), or a broken leftover: move it aside and retry once.
      if (!(await answersVersion(finalBin))) {
        const aside = join(CLAUDE_CACHE_ROOT, `.broken-${REAL_CLAUDE_VERSION}-${process.pid}-${Date.now()}`);
        await rename(REAL_CLAUDE_DIR, aside).catch(() => undefined);
        await rename(tmp, REAL_CLAUDE_DIR).catch(() => undefined);
        await rm(aside, { recursive: true, force: true });
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  if (!(await answersVersion(finalBin))) {
    throw new Error(`real Claude Code ${REAL_CLAUDE_VERSION} is not usable at ${finalBin}`);
  }
  return finalBin;
}

let pending: Promise<string> | undefined;

/**
 * Absolute path of `<repo>/.cache/claude-code/<version>/node_modules/.bin/claude`, a symlink to the
 * native binary of the pinned version (its directory can go first on PATH). Installs on first use.
 */
export function ensureRealClaude(): Promise<string> {
  pending ??= install().catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}
