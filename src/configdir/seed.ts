/**
 * The session's private `.claude.json`, derived from the base's so that Claude starts straight at the
 * prompt: preferences, onboarding state, user-scope MCP servers, API-key approvals and per-folder settings
 * (trust exactly as the base has it, never granted here) are carried over; per-run history and statistics
 * are not. A private file because concurrent writers corrupt a shared one (#28922, #29008). What the
 * user answered in other sessions is added by prepare.ts (see answers.ts), for the exact folders only.
 */
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Per-folder keys that record what happened in a run, not what the user decided. */
function isRunData(key: string): boolean {
  return key === 'history' || /^last[A-Z]/.test(key) || key.startsWith('exampleFiles');
}

export function seedClaudeJson(base: unknown): Json {
  const seed: Json = {};
  if (isObject(base)) {
    for (const [key, value] of Object.entries(base)) {
      if (key !== 'projects') seed[key] = value;
    }
    if (isObject(base.projects)) {
      const projects: Json = {};
      for (const [folder, settings] of Object.entries(base.projects)) {
        if (!isObject(settings)) continue;
        projects[folder] = Object.fromEntries(Object.entries(settings).filter(([key]) => !isRunData(key)));
      }
      seed.projects = projects;
    }
  }
  // Onboarding is the theme picker and a notice, not a decision about trust or keys: a new session skips it.
  seed.hasCompletedOnboarding = true;
  return seed;
}

/** Parses the base's `.claude.json`; undefined when missing or unreadable (a half-written file, say). */
export function parseBaseClaudeJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
