import { posix } from 'node:path';
import { compareVersions, isVersion } from '../core/version.js';

/**
 * Answers a user gives inside a session that should hold for later sessions (issue 10, item 14): the
 * "use this API key?" question, folder trust, and notices, tips and upsells already seen or dismissed.
 * Pure: what counts as an answer in a `.claude.json`, what a session added to what it was given, how
 * kept answers combine, and how they go into a session's `.claude.json`.
 *
 * Only the keys below, each with its type, are ever read or written: anything else in a file (an OAuth
 * account, an `env`, a key of another type) is ignored, so a hostile or newer file cannot smuggle a
 * setting into every session. The keys are Claude Code's own, undocumented (2.1.332): Claude sets each
 * when the user answers or the notice was shown, and only ever raises it (a flag from unset to true,
 * a count or version upwards), so combining by "the larger one" keeps what Claude would have kept.
 */
type Json = Record<string, unknown>;

type Rule = 'flag' | 'number' | 'numbers' | 'flags' | 'version';

const GLOBAL_RULES: Record<string, Rule> = {
  // Notices shown once, and "don't ask again" answers.
  hasSeenAutoDefaultNotice: 'flag',
  hasSeenAutoDefaultNudge: 'flag',
  hasSeenAutoModeEntryWarning: 'flag',
  hasSeenAutoModeOutsideReadPrompt: 'flag',
  hasSeenTasksHint: 'flag',
  hasSeenUltraplanTerms: 'flag',
  hasAcknowledgedCostThreshold: 'flag',
  hasCompletedClaudeInChromeOnboarding: 'flag',
  chromeInstallUpsellDismissed: 'flag',
  daemonInstallPromptDismissed: 'flag',
  transcriptShareDismissed: 'flag',
  remoteDialogSeen: 'flag',
  lspRecommendationDisabled: 'flag',
  autoModeClassifierBillingNoticeAcknowledgedAt: 'number',
  fullscreenUpsellSeenCount: 'number',
  // Per tip or notice id: when (at which start) or how often it was shown.
  tipsHistory: 'numbers',
  tipLifetimeShownCounts: 'numbers',
  seenNotifications: 'numbers',
  savedModelSuccessorAnswered: 'flags',
  hasIdeOnboardingBeenShown: 'flags',
  lastReleaseNotesSeen: 'version',
};

/** Per-folder decisions, kept for the exact folder Claude recorded them for, never widened. */
const FOLDER_FLAGS = ['hasTrustDialogAccepted', 'hasClaudeMdExternalIncludesApproved'] as const;
type FolderFlag = (typeof FOLDER_FLAGS)[number];

const MAX_KEYS = 100;
const MAX_FOLDERS = 2000;
const MAX_IDS = 500;
/** Claude keeps the last 20 characters of a key it asked about. */
const KEY_SUFFIX = /^[\x21-\x7e]{1,128}$/;
const ID = /^[A-Za-z0-9._:@/+-]{1,128}$/;

export interface Answers {
  apiKeys: { approved: string[]; rejected: string[] };
  /** Keys of GLOBAL_RULES with values valid for their rule. */
  global: Json;
  /** Absolute folder -> the per-folder flags set for it. */
  folders: Record<string, FolderFlag[]>;
}

export function noAnswers(): Answers {
  return { apiKeys: { approved: [], rejected: [] }, global: {}, folders: {} };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1e15;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/;

/** A folder as Claude records it: absolute, normalised, printable. */
export function isFolder(value: string): boolean {
  return (
    value.length <= 4096 &&
    value.startsWith('/') &&
    posix.normalize(value) === value &&
    (value === '/' || !value.endsWith('/')) &&
    !CONTROL.test(value)
  );
}

/**
 * The value if it is valid for the rule, else undefined; of a map, its valid entries (maybe none: Claude's
 * own default for `tipsHistory` is `{}`).
 */
function validValue(rule: Rule, value: unknown): unknown {
  switch (rule) {
    case 'flag':
      return value === true ? true : undefined;
    case 'number':
      return isCount(value) ? value : undefined;
    case 'version':
      return isVersion(value) ? value : undefined;
    case 'numbers':
    case 'flags': {
      if (!isObject(value)) return undefined;
      const valid: Json = {};
      let count = 0;
      for (const [id, entry] of Object.entries(value)) {
        if (count >= MAX_IDS) break;
        if (!ID.test(id)) continue;
        if (rule === 'numbers' ? isCount(entry) : entry === true) {
          valid[id] = entry;
          count++;
        }
      }
      return valid;
    }
  }
}

/** The larger of two valid values (either may be undefined). */
function larger(rule: Rule, a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  switch (rule) {
    case 'flag':
      return true;
    case 'number':
      return Math.max(a as number, b as number);
    case 'version':
      return compareVersions(a as string, b as string) >= 0 ? a : b;
    case 'numbers':
    case 'flags': {
      const merged: Json = { ...(a as Json) };
      for (const [id, entry] of Object.entries(b as Json)) {
        merged[id] =
          rule === 'numbers' ? Math.max((merged[id] as number | undefined) ?? 0, entry as number) : true;
      }
      return merged;
    }
  }
}

/** What `now` holds beyond `known` (both valid), or undefined when nothing. */
function beyond(rule: Rule, now: unknown, known: unknown): unknown {
  if (now === undefined) return undefined;
  if (known === undefined) return now;
  switch (rule) {
    case 'flag':
      return undefined;
    case 'number':
      return (now as number) > (known as number) ? now : undefined;
    case 'version':
      return compareVersions(now as string, known as string) > 0 ? now : undefined;
    case 'numbers':
    case 'flags': {
      const more: Json = {};
      for (const [id, entry] of Object.entries(now as Json)) {
        const was = (known as Json)[id];
        if (was === undefined || (rule === 'numbers' && (entry as number) > (was as number)))
          more[id] = entry;
      }
      return Object.keys(more).length > 0 ? more : undefined;
    }
  }
}

function keyList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const keys = value.filter((key): key is string => typeof key === 'string' && KEY_SUFFIX.test(key));
  return [...new Set(keys)].slice(0, MAX_KEYS);
}

/**
 * The answers a `.claude.json` (a session's, or our own answers file, which has the same shape) holds,
 * validated: only the allowlisted keys, each of its type; everything else is ignored.
 */
export function extractAnswers(json: unknown): Answers {
  const answers = noAnswers();
  if (!isObject(json)) return answers;
  const responses = json.customApiKeyResponses;
  if (isObject(responses)) {
    answers.apiKeys.approved = keyList(responses.approved);
    answers.apiKeys.rejected = keyList(responses.rejected).filter(
      (key) => !answers.apiKeys.approved.includes(key),
    );
  }
  for (const [key, rule] of Object.entries(GLOBAL_RULES)) {
    const value = validValue(rule, json[key]);
    if (value !== undefined && !(isObject(value) && Object.keys(value).length === 0))
      answers.global[key] = value;
  }
  if (isObject(json.projects)) {
    let count = 0;
    for (const [folder, settings] of Object.entries(json.projects)) {
      if (count >= MAX_FOLDERS) break;
      if (!isFolder(folder) || !isObject(settings)) continue;
      const flags = FOLDER_FLAGS.filter((flag) => settings[flag] === true);
      if (flags.length === 0) continue;
      answers.folders[folder] = flags;
      count++;
    }
  }
  return answers;
}

/** The answers in the shape of a `.claude.json` (what our answers file holds). */
export function answersJson(answers: Answers): Json {
  const json: Json = {};
  if (answers.apiKeys.approved.length > 0 || answers.apiKeys.rejected.length > 0) {
    json.customApiKeyResponses = {
      approved: [...answers.apiKeys.approved],
      rejected: [...answers.apiKeys.rejected],
    };
  }
  for (const key of Object.keys(GLOBAL_RULES)) {
    if (answers.global[key] !== undefined) json[key] = answers.global[key];
  }
  const folders = Object.keys(answers.folders).sort();
  if (folders.length > 0) {
    json.projects = Object.fromEntries(
      folders.map((folder) => [
        folder,
        Object.fromEntries((answers.folders[folder] ?? []).map((flag) => [flag, true])),
      ]),
    );
  }
  return json;
}

export function isEmpty(answers: Answers): boolean {
  return Object.keys(answersJson(answers)).length === 0;
}

export function sameAnswers(a: Answers, b: Answers): boolean {
  return JSON.stringify(answersJson(a)) === JSON.stringify(answersJson(b));
}

/** What a session's `.claude.json` holds now beyond what it was given: the answers given in it. */
export function newAnswers(now: Answers, known: Answers): Answers {
  const delta = noAnswers();
  delta.apiKeys.approved = now.apiKeys.approved.filter((key) => !known.apiKeys.approved.includes(key));
  delta.apiKeys.rejected = now.apiKeys.rejected.filter((key) => !known.apiKeys.rejected.includes(key));
  for (const [key, rule] of Object.entries(GLOBAL_RULES)) {
    const more = beyond(rule, now.global[key], known.global[key]);
    if (more !== undefined) delta.global[key] = more;
  }
  for (const [folder, flags] of Object.entries(now.folders)) {
    const added = flags.filter((flag) => !known.folders[folder]?.includes(flag));
    if (added.length > 0) delta.folders[folder] = added;
  }
  return delta;
}

/**
 * Kept answers with newer ones added. A newer answer about an API key replaces an older one (approved
 * in one session, rejected in a later one: rejected); everything else only grows.
 */
export function keepAnswers(kept: Answers, newer: Answers): Answers {
  const next = noAnswers();
  const { approved, rejected } = newer.apiKeys;
  next.apiKeys.approved = union(
    kept.apiKeys.approved.filter((key) => !rejected.includes(key)),
    approved,
  ).slice(-MAX_KEYS);
  next.apiKeys.rejected = union(
    kept.apiKeys.rejected.filter((key) => !approved.includes(key)),
    rejected,
  ).slice(-MAX_KEYS);
  for (const [key, rule] of Object.entries(GLOBAL_RULES)) {
    const value = larger(rule, kept.global[key], newer.global[key]);
    if (value !== undefined) next.global[key] = value;
  }
  for (const [folder, flags] of Object.entries(kept.folders)) next.folders[folder] = [...flags];
  for (const [folder, flags] of Object.entries(newer.folders)) {
    if (!next.folders[folder] && Object.keys(next.folders).length >= MAX_FOLDERS) continue;
    next.folders[folder] = union(next.folders[folder] ?? [], flags);
  }
  return next;
}

function union<T>(a: readonly T[], b: readonly T[]): T[] {
  return [...new Set([...a, ...b])];
}

/**
 * A session's `.claude.json` with the kept answers filled in (a copy; `changed` when anything was
 * added). What the file already decided wins: an API key it approved or rejected (the base's own
 * answer, when seeding) stays so; a value of a form we do not know is left alone.
 */
export function applyAnswers(target: unknown, kept: Answers): { json: unknown; changed: boolean } {
  if (!isObject(target)) return { json: target, changed: false };
  const json: Json = { ...target };
  let changed = false;
  const { approved, rejected } = kept.apiKeys;
  if (approved.length > 0 || rejected.length > 0) {
    const responses = json.customApiKeyResponses ?? { approved: [], rejected: [] };
    if (isObject(responses) && optionalArray(responses.approved) && optionalArray(responses.rejected)) {
      const theirs = {
        approved: [...((responses.approved as unknown[] | undefined) ?? [])],
        rejected: [...((responses.rejected as unknown[] | undefined) ?? [])],
      };
      const decided = (key: string) => theirs.approved.includes(key) || theirs.rejected.includes(key);
      const addApproved = approved.filter((key) => !decided(key));
      const addRejected = rejected.filter((key) => !decided(key));
      if (addApproved.length > 0 || addRejected.length > 0) {
        theirs.approved.push(...addApproved);
        theirs.rejected.push(...addRejected);
        json.customApiKeyResponses = { ...responses, ...theirs };
        changed = true;
      }
    }
  }
  for (const [key, rule] of Object.entries(GLOBAL_RULES)) {
    const keptValue = kept.global[key];
    if (keptValue === undefined) continue;
    const current = json[key];
    const theirs = validValue(rule, current);
    // A value of another form (a newer Claude's, say) is Claude's business: left alone.
    if (current !== undefined && theirs === undefined && !(rule === 'flag' && current === false)) continue;
    const value = larger(rule, theirs, keptValue);
    if (JSON.stringify(value) === JSON.stringify(theirs)) continue;
    json[key] = isObject(current) && isObject(value) ? { ...current, ...value } : value;
    changed = true;
  }
  const folders = Object.entries(kept.folders);
  if (folders.length > 0) {
    const projects = json.projects ?? {};
    if (isObject(projects)) {
      const next: Json = { ...projects };
      for (const [folder, flags] of folders) {
        const settings = next[folder] ?? {};
        if (!isObject(settings)) continue;
        const missing = flags.filter((flag) => settings[flag] !== true);
        if (missing.length === 0) continue;
        next[folder] = { ...settings, ...Object.fromEntries(missing.map((flag) => [flag, true])) };
        changed = true;
      }
      json.projects = next;
    }
  }
  return { json: changed ? json : target, changed };
}

function optionalArray(value: unknown): boolean {
  return value === undefined || Array.isArray(value);
}

/** One line per kind of answer, for people. */
export function describeAnswers(answers: Answers): string[] {
  const lines: string[] = [];
  const keys = (list: string[]) => list.map((key) => `…${key}`).join(', ');
  if (answers.apiKeys.approved.length > 0) lines.push(`API keys approved: ${keys(answers.apiKeys.approved)}`);
  if (answers.apiKeys.rejected.length > 0) lines.push(`API keys rejected: ${keys(answers.apiKeys.rejected)}`);
  const withFlag = (flag: FolderFlag) =>
    Object.entries(answers.folders)
      .filter(([, flags]) => flags.includes(flag))
      .map(([folder]) => folder)
      .sort();
  const trusted = withFlag('hasTrustDialogAccepted');
  if (trusted.length > 0) lines.push(`folders trusted: ${trusted.join(', ')}`);
  const includes = withFlag('hasClaudeMdExternalIncludesApproved');
  if (includes.length > 0) lines.push(`CLAUDE.md imports from outside approved in: ${includes.join(', ')}`);
  const seen = Object.keys(answers.global);
  if (seen.length > 0) lines.push(`notices, tips and upsells seen or dismissed: ${seen.join(', ')}`);
  return lines;
}
