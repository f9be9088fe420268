import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { readFileIfExists } from '../system/files.js';

/** The user's normal Claude configuration, which sessions share tools from and never write data into. */
export interface Base {
  dir: string;
  /** Claude keeps `.claude.json` in HOME unless CLAUDE_CONFIG_DIR is set. */
  claudeJson: string;
  source: 'CLAUDE_CONFIG_DIR' | 'default' | 'parent session';
}

/**
 * `$CLAUDE_CONFIG_DIR` when set and not itself one of our session dirs (then that session's base, so a
 * session started from inside a session shares the same tools), else `~/.claude`.
 */
export function resolveBase(env: NodeJS.ProcessEnv, home: string): Base {
  const fromEnv = env.CLAUDE_CONFIG_DIR ? resolve(env.CLAUDE_CONFIG_DIR) : undefined;
  let base: Base;
  if (fromEnv === undefined) {
    base = { dir: join(home, '.claude'), claudeJson: join(home, '.claude.json'), source: 'default' };
  } else {
    let parentRecord: string | undefined;
    try {
      parentRecord = readFileIfExists(join(dirname(fromEnv), 'session.json'));
    } catch {}
    if (parentRecord !== undefined) {
      const parentBase = baseOfRecordText(parentRecord);
      base = parentBase
        ? { dir: parentBase, claudeJson: claudeJsonFor(parentBase, home), source: 'parent session' }
        : { dir: join(home, '.claude'), claudeJson: join(home, '.claude.json'), source: 'parent session' };
    } else {
      base = { dir: fromEnv, claudeJson: join(fromEnv, '.claude.json'), source: 'CLAUDE_CONFIG_DIR' };
    }
  }
  assertBaseExists(base);
  return base;
}

/** The base a session was made from, as its record names it. */
export function baseOfSession(dir: string, home: string): Base {
  const base: Base = { dir, claudeJson: claudeJsonFor(dir, home), source: 'CLAUDE_CONFIG_DIR' };
  assertBaseExists(base);
  return base;
}

function assertBaseExists(base: Base): void {
  let isDir = false;
  try {
    isDir = statSync(base.dir).isDirectory();
  } catch {}
  if (!isDir) {
    const how =
      base.source === 'CLAUDE_CONFIG_DIR'
        ? 'set CLAUDE_CONFIG_DIR to your Claude config dir or unset it'
        : `create it with \`mkdir -m 700 ${base.dir}\` or run \`claude\` once`;
    throw new UserError(`base Claude config dir ${base.dir} does not exist: ${how}`);
  }
}

function baseOfRecordText(text: string): string | undefined {
  try {
    const base = (JSON.parse(text) as { base?: unknown }).base;
    return typeof base === 'string' && base.startsWith('/') ? base : undefined;
  } catch {
    return undefined;
  }
}

function claudeJsonFor(dir: string, home: string): string {
  return dir === join(home, '.claude') ? join(home, '.claude.json') : join(dir, '.claude.json');
}
