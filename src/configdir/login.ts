import { existsSync, lstatSync, readdirSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errorCode } from '../core/errors.js';
import { isSessionId, sessionsDir } from '../store/layout.js';
import { readFileIfExists, replaceWithLink, writeFileAtomicSync } from '../system/files.js';

/**
 * How a session logs in, so that no session asks the user to log in again:
 * - `environment`: ANTHROPIC_AUTH_TOKEN, ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN inherited; nothing to do.
 * - `stored-token`: the long-lived token `claude-session login` stored (from `claude setup-token`), given as
 *   CLAUDE_CODE_OAUTH_TOKEN. It is never refreshed, so parallel sessions cannot log each other out.
 * - `shared-login`: the base's `/login` credentials file, linked into every session. Refresh tokens are
 *   single-use; Claude refreshes under a lock keyed by the file's real path, so sessions sharing one file
 *   take turns and each re-reads what the last one saved. Claude saves by temp file + rename, which turns
 *   the link into a private copy (#76561); `healCredentialLinks` moves the newest copy back and relinks.
 * - `none`: the session will ask to log in.
 */
export type LoginStrategy =
  | { kind: 'environment'; variable: string }
  | { kind: 'stored-token'; token: string }
  | { kind: 'shared-login'; credentials: string }
  | { kind: 'none' };

export const ENV_LOGINS = ['ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'] as const;

export const CREDENTIALS_FILE = '.credentials.json';

export function chooseLogin(
  env: NodeJS.ProcessEnv,
  storedToken: string | undefined,
  baseCredentials: string | undefined,
): LoginStrategy {
  const variable = ENV_LOGINS.find((name) => env[name]);
  if (variable) return { kind: 'environment', variable };
  if (storedToken) return { kind: 'stored-token', token: storedToken };
  if (baseCredentials) return { kind: 'shared-login', credentials: baseCredentials };
  return { kind: 'none' };
}

export function loginEnvironment(strategy: LoginStrategy): Record<string, string> {
  return strategy.kind === 'stored-token' ? { CLAUDE_CODE_OAUTH_TOKEN: strategy.token } : {};
}

export function readStoredToken(file: string): string | undefined {
  const text = readFileIfExists(file, { maxBytes: 64 * 1024 })?.trim();
  return text ? text : undefined;
}

export function baseCredentialsFile(baseDir: string): string | undefined {
  const file = join(baseDir, CREDENTIALS_FILE);
  try {
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Links (or unlinks) the session's credentials file according to the strategy. */
export function applyLogin(configDir: string, strategy: LoginStrategy): void {
  const path = join(configDir, CREDENTIALS_FILE);
  if (strategy.kind === 'shared-login') {
    let current: string | undefined;
    try {
      current = lstatSync(path).isSymbolicLink() ? 'link' : 'file';
    } catch {}
    if (current === undefined) replaceWithLink(path, strategy.credentials);
    return;
  }
  try {
    if (lstatSync(path).isSymbolicLink()) unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

function expiresAt(text: string | undefined): number {
  try {
    const value = (JSON.parse(text ?? '') as { claudeAiOauth?: { expiresAt?: unknown } }).claudeAiOauth
      ?.expiresAt;
    return typeof value === 'number' ? value : 0;
  } catch {
    return 0;
  }
}

/**
 * Repairs what Claude's save does to a linked credentials file: a session's private copy whose token
 * expires later than the shared file's holds the newest refresh token, so it becomes the shared file;
 * then the session's entry is a link again. Skipped while Claude holds its refresh lock.
 */
export function healCredentialLinks(root: string, credentials: string): number {
  let shared: string;
  try {
    shared = realpathSync.native(credentials);
  } catch {
    return 0;
  }
  if (existsSync(join(dirname(shared), '.oauth_refresh.lock'))) return 0;
  let healed = 0;
  let ids: string[] = [];
  try {
    ids = readdirSync(sessionsDir(root)).filter(isSessionId);
  } catch {
    return 0;
  }
  for (const id of ids) {
    const path = join(sessionsDir(root), id, 'config', CREDENTIALS_FILE);
    try {
      if (!lstatSync(path, { throwIfNoEntry: false })?.isFile()) continue;
      const copy = readFileIfExists(path) ?? '';
      if (expiresAt(copy) > expiresAt(readFileIfExists(shared))) writeFileAtomicSync(shared, copy, 0o600);
      replaceWithLink(path, credentials);
      healed++;
    } catch {}
  }
  return healed;
}
