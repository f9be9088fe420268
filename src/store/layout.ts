import { join } from 'node:path';
import { printable } from '../core/format.js';

/**
 * Where things live under the tool's root. Pure: every path is derived from the root and a session id.
 *
 *   <root>/sessions/<id>/session.json            our record of the session
 *   <root>/sessions/<id>/config/                 the session's CLAUDE_CONFIG_DIR
 *   <root>/sessions/<id>/tmp/                    its CLAUDE_CODE_TMPDIR
 *   <root>/sessions/<id>/claude-settings.json    settings for this session only (passed with --settings)
 *   <root>/sessions/<id>/answers-given.json      the answers its .claude.json was given (see answers.ts)
 *   <root>/sessions/<id>/usage-cache.json        how far its transcripts were read for usage, and their totals
 *   <root>/cache/usage-base.json                 the same for the base config dir (`usage --include-base`)
 *   <root>/answers.json                          answers given in sessions, for later sessions
 *   <root>/worktrees/<id>/<repository name>/     a session's git worktree (`new --worktree`)
 */
export function sessionsDir(root: string): string {
  return join(root, 'sessions');
}

export function sessionDir(root: string, id: string): string {
  return join(sessionsDir(root), id);
}

export interface SessionPaths {
  dir: string;
  record: string;
  configDir: string;
  tmpDir: string;
  claudeSettings: string;
}

export function sessionPaths(root: string, id: string): SessionPaths {
  const dir = sessionDir(root, id);
  return {
    dir,
    record: join(dir, 'session.json'),
    configDir: join(dir, 'config'),
    tmpDir: join(dir, 'tmp'),
    claudeSettings: join(dir, 'claude-settings.json'),
  };
}

/** Sessions' git worktrees: outside the session dirs, so that removing a session dir never touches one. */
export function worktreesDir(root: string): string {
  return join(root, 'worktrees');
}

export function locksDir(root: string): string {
  return join(root, 'locks');
}

export function cacheDir(root: string): string {
  return join(root, 'cache');
}

/** Where `claude --version` answers are cached, per binary (see claudeVersion). */
export function versionCacheFile(root: string): string {
  return join(cacheDir(root), 'claude-versions.json');
}

/** How far a session's transcripts were read for `usage`, with their totals so far (see src/usage/). */
export function usageCacheFile(sessionDir: string): string {
  return join(sessionDir, 'usage-cache.json');
}

/** The usage cache of the base config dir: kept under the root, since nothing of ours goes into the base. */
export function baseUsageCacheFile(root: string): string {
  return join(cacheDir(root), 'usage-base.json');
}

/** Answers given in sessions that hold for later ones (see answers.ts). */
export function answersFile(root: string): string {
  return join(root, 'answers.json');
}

/** The answers a session's `.claude.json` was given when we last wrote it, so only its own count as new. */
export function givenAnswersFile(sessionDir: string): string {
  return join(sessionDir, 'answers-given.json');
}

export function tokenFile(root: string): string {
  return join(root, 'credentials', 'oauth-token');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isSessionId(value: string): boolean {
  return UUID.test(value);
}

/** Claude's project folder name for a working directory: every non-alphanumeric character becomes `-`. */
export function projectSlug(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

/** As many characters of an id as `list` shows in its ID column. */
export const SHORT_ID_LENGTH = 8;

export function shortId(id: string): string {
  return id.slice(0, SHORT_ID_LENGTH);
}

const UUID_SHAPE = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';

/**
 * Whether a text could be the start of a session id at least as long as the ID column of `list`:
 * 8 or more hex digits (either case), with dashes where a uuid has them (`7196b2e2`, `7196b2e2-0c`).
 */
export function looksLikeIdPrefix(text: string): boolean {
  if (text.length < SHORT_ID_LENGTH || text.length > UUID_SHAPE.length) return false;
  return [...text.toLowerCase()].every((char, index) =>
    UUID_SHAPE[index] === '-' ? char === '-' : /^[0-9a-f]$/.test(char),
  );
}

/** How messages name a session: `"name" (3f2a9c1e)`, or the short id alone. */
export function sessionLabel(id: string, name: string | null | undefined): string {
  return name ? `"${printable(name)}" (${shortId(id)})` : shortId(id);
}
