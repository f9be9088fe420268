import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { audit } from '../audit/audit.js';
import { errorCode, UserError } from '../cli/errors.js';
import type { Settings } from '../config/config.js';
import { mkdirPrivate, readFileIfExists, writeJsonAtomicSync } from '../system/files.js';
import { type Answers, applyAnswers, noAnswers } from './answers.js';
import { CLAUDE_JSON_MAX_BYTES, rememberGiven } from './answers-store.js';
import type { Base } from './base.js';
import { sessionClaudeSettings } from './launch.js';
import { type SessionPaths, sessionsDir } from './layout.js';
import { applyLogin, type LoginStrategy } from './login.js';
import { isUnlocked, lockShared, unprotectedEntries } from './protect.js';
import { parseBaseClaudeJson, seedClaudeJson } from './seed.js';
import { linkSharedEntries } from './shared.js';

/** Makes sure the root exists and is writable; only the default root is created on the fly. */
export function ensureRoot(settings: Settings): void {
  const { root } = settings;
  if (root.startsWith(join(settings.home, '.claude', 'sessions'))) {
    throw new UserError(
      `session root ${root} is inside ~/.claude/sessions, which is Claude Code's own: choose another`,
    );
  }
  if (!existsSync(root)) {
    if (settings.rootIsExplicit) {
      throw new UserError(
        `session root ${root} does not exist: create it with \`mkdir -m 700 ${root}\` or change CLAUDE_SESSION_ROOT / "root" in ${settings.configFile}`,
      );
    }
    mkdirPrivate(root);
  }
  try {
    if (!statSync(root).isDirectory())
      throw new UserError(`session root ${root} is not a directory: choose another`);
    accessSync(root, constants.W_OK | constants.X_OK);
    mkdirSync(sessionsDir(root), { mode: 0o700, recursive: true });
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `session root ${root} is not writable (${errorCode(error) ?? String(error)}): fix its permissions or set CLAUDE_SESSION_ROOT`,
    );
  }
}

export interface PrepareResult {
  /** Shared entries that are real files or dirs in the session instead of links. */
  notLinked: string[];
}

/**
 * Lays out a session's config dir: links to the shared entries, the login, its private `.claude.json`
 * (seeded from the base's unless it has one, with the answers kept from other sessions filled in) and
 * its own Claude settings. Safe to repeat on every launch (Claude is not running in it then).
 */
export function prepareConfigDir(
  paths: SessionPaths,
  base: Base,
  login: LoginStrategy,
  answers: Answers = noAnswers(),
): PrepareResult {
  mkdirPrivate(paths.configDir);
  mkdirPrivate(paths.tmpDir);
  const notLinked = linkSharedEntries(paths.configDir, base.dir);
  applyLogin(paths.configDir, login);
  const claudeJson = join(paths.configDir, '.claude.json');
  const existing = readValidJson(claudeJson);
  const start = existing ? existing.value : seedClaudeJson(parseBaseClaudeJson(readBaseClaudeJson(base)));
  const { json, changed } = applyAnswers(start, answers);
  // First: a start looking at this session meanwhile must not take what it is given for its own answers.
  rememberGiven(paths.dir, json);
  if (!existing || changed) writeJsonAtomicSync(claudeJson, json);
  writeJsonAtomicSync(paths.claudeSettings, sessionClaudeSettings());
  return { notLinked };
}

/** The base's `.claude.json` (it may be a link, to a dotfiles checkout say); unreadable counts as none. */
function readBaseClaudeJson(base: Base): string | undefined {
  try {
    return readFileIfExists(base.claudeJson, { follow: true, maxBytes: CLAUDE_JSON_MAX_BYTES });
  } catch {
    return undefined;
  }
}

/** The file's JSON, or undefined when it is missing or not valid JSON (then it is seeded afresh). */
function readValidJson(path: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(readFileIfExists(path, { maxBytes: CLAUDE_JSON_MAX_BYTES }) ?? '') };
  } catch {
    return undefined;
  }
}

/**
 * Under the `readonly` policy, protects shared entries found writable (new in the base, or after an
 * unlock was undone by hand). Returns a line for the user, or undefined when there is nothing to say.
 */
export function enforceProtection(settings: Settings, base: Base): string | undefined {
  if (settings.protectShared !== 'readonly') return undefined;
  if (isUnlocked(settings.root)) {
    return 'shared skills, agents and commands are unlocked: sessions can change them (`claude-session shared lock` protects them again)';
  }
  const open = unprotectedEntries(base.dir);
  if (open.length === 0) return undefined;
  const report = lockShared(settings.root, base.dir);
  audit(settings.root, {
    action: 'protection-changed',
    outcome: report.failed.length > 0 ? 'failed' : 'ok',
    detail: `lock ${base.dir} at a session start (${open.join(', ')})`,
  });
  if (report.failed.length > 0) {
    return `could not protect ${report.failed.length} shared path(s), e.g. ${report.failed[0]}: see \`claude-session shared status\``;
  }
  return `protected shared ${open.join(', ')} in ${base.dir} (read-only); edit them after \`claude-session shared unlock\``;
}
