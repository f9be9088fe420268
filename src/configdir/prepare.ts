import { accessSync, constants, existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { audit } from '../audit/audit.js';
import type { Settings } from '../config/config.js';
import { errorCode, UserError } from '../core/errors.js';
import { type SessionPaths, sessionsDir } from '../store/layout.js';
import { mkdirPrivate, readFileIfExists, writeJsonAtomicSync } from '../system/files.js';
import { type Answers, applyAnswers, noAnswers } from './answers.js';
import { CLAUDE_JSON_MAX_BYTES, rememberGiven } from './answers-store.js';
import type { Base } from './base.js';
import { sessionClaudeSettings } from './claude-settings.js';
import { applyLogin, type LoginStrategy } from './login.js';
import {
  inspectTops,
  isUnlocked,
  lockShared,
  type ProtectionScope,
  refusalLine,
  runsAsRoot,
} from './protect.js';
import { isWithin } from './protect-path.js';
import { parseBaseClaudeJson, seedClaudeJson } from './seed.js';
import { linkSharedEntries } from './shared.js';

/** Makes sure the root exists and is writable; only the default root is created on the fly. */
export function ensureRoot(settings: Settings): void {
  const { root } = settings;
  const claudeDir = settings.claudeDirs.find((dir) => isWithinResolved(root, dir));
  if (claudeDir !== undefined) {
    const shown = claudeDir === join(settings.home, '.claude') ? '~/.claude' : claudeDir;
    throw new UserError(
      `session root ${root} is inside ${shown}, a Claude config dir whose files sessions share or Claude Code owns: choose another`,
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

/** Whether `path` is `dir` or inside it, as written and as the links on the way resolve. */
function isWithinResolved(path: string, dir: string): boolean {
  if (isWithin(path, dir)) return true;
  const real = (p: string) => {
    try {
      return realpathSync.native(p);
    } catch {
      return undefined;
    }
  };
  // The root may not exist yet: resolve its nearest existing ancestor.
  let existing = path;
  let rest = '';
  let resolved = real(existing);
  while (resolved === undefined && dirname(existing) !== existing) {
    rest = rest ? join(basename(existing), rest) : basename(existing);
    existing = dirname(existing);
    resolved = real(existing);
  }
  const realDir = real(dir);
  return realDir !== undefined && isWithin(join(resolved ?? existing, rest), realDir);
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
export function readBaseClaudeJson(base: Base): string | undefined {
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
 * unlock was undone by hand). Returns the lines to tell the user (none when there is nothing to say).
 */
export function enforceProtection(settings: Settings, base: Base): string[] {
  if (settings.protectShared !== 'readonly') return [];
  if (runsAsRoot()) {
    return [
      'running as root, which ignores permission bits: the shared tools are not protected from sessions',
    ];
  }
  if (isUnlocked(settings.root)) {
    return [
      'shared skills, agents and commands are unlocked: sessions can change them (`claude-session shared lock` protects them again)',
    ];
  }
  const scope: ProtectionScope = { baseDir: base.dir, home: settings.home, root: settings.root };
  const tops = inspectTops(scope);
  const lines = tops.flatMap((top) =>
    top.state === 'refused'
      ? [`not protected: shared ${refusalLine(top)} (see \`claude-session doctor\`)`]
      : [],
  );
  const open = tops.filter((top) => top.state === 'writable').map((top) => top.name);
  if (open.length === 0) return lines;
  const report = lockShared(scope, tops);
  audit(settings.root, {
    action: 'protection-changed',
    outcome: report.failed.length > 0 ? 'failed' : 'ok',
    detail: `lock ${base.dir} at a session start (${open.join(', ')})`,
  });
  const [failed] = report.failed;
  if (failed) {
    lines.push(
      `could not protect ${report.failed.length} shared path(s), e.g. ${failed.path} (${failed.reason}): see \`claude-session shared status\``,
    );
  } else {
    lines.push(
      `protected shared ${open.join(', ')} in ${base.dir} (read-only); edit them after \`claude-session shared unlock\``,
    );
  }
  return lines;
}
