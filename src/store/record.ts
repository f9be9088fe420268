import * as v from 'valibot';
import { looksLikeIdPrefix } from './layout.js';

/** Version of the session record's shape; bump it with a migration when the shape changes. */
export const RECORD_SCHEMA = 1;

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Why a name may not be given to a session, or undefined. A name that looks like an id prefix (see
 * resolveSession: ids win from 8 characters on) would leave its session reachable only by its id.
 */
export function nameProblem(name: string): string | undefined {
  if (!NAME_PATTERN.test(name)) {
    return `invalid session name ${JSON.stringify(name)}: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`;
  }
  if (looksLikeIdPrefix(name)) {
    return `invalid session name ${JSON.stringify(name)}: it looks like a session id (8 or more hex digits), and an id always means the session that has it: choose another name`;
  }
  return undefined;
}

const Iso = v.pipe(v.string(), v.isoTimestamp());
const AbsolutePath = v.pipe(v.string(), v.startsWith('/'));

const ProcessSchema = v.object({
  pid: v.pipe(v.number(), v.integer(), v.minValue(1)),
  startTime: v.pipe(v.number(), v.integer(), v.minValue(0)),
  bootId: v.pipe(v.string(), v.minLength(1)),
  startedAt: Iso,
});

export const SessionRecordSchema = v.object({
  schema: v.literal(RECORD_SCHEMA),
  id: v.pipe(v.string(), v.uuid()),
  name: v.nullable(v.pipe(v.string(), v.regex(NAME_PATTERN))),
  createdAt: Iso,
  cwd: AbsolutePath,
  user: v.string(),
  uid: v.number(),
  host: v.string(),
  base: AbsolutePath,
  claude: v.object({ path: AbsolutePath, version: v.nullable(v.string()) }),
  /** The process running (or last run) for this session; null until the first launch hands off. */
  process: v.nullable(ProcessSchema),
  launches: v.pipe(v.number(), v.integer(), v.minValue(0)),
  lastLaunchAt: Iso,
  importedFrom: v.optional(AbsolutePath),
  /** Kept by cleanup whatever its age (`claude-session pin`). */
  pinned: v.optional(v.boolean()),
  /** Set while the session's last launch runs in our tmux server (the tmux session is named by id). */
  tmux: v.optional(v.object({ socket: AbsolutePath })),
  /** The session's own git worktree (`new --worktree`); see worktree/model.ts. */
  worktree: v.optional(
    v.object({
      repo: AbsolutePath,
      gitDir: AbsolutePath,
      path: AbsolutePath,
      branch: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
      base: v.pipe(v.string(), v.minLength(1), v.maxLength(400)),
      baseCommit: v.pipe(v.string(), v.regex(/^[0-9a-f]{40,64}$/)),
      createdBranch: v.boolean(),
    }),
  ),
  /**
   * `fork`: the session and conversation this one continues a copy of. The fork's config dir keeps
   * that transcript (under the conversation's uuid) until its own Claude has forked it.
   */
  forkedFrom: v.optional(
    v.object({ session: v.pipe(v.string(), v.uuid()), conversation: v.pipe(v.string(), v.uuid()) }),
  ),
  /** The session's budget in US dollars (`new --budget`, `budget SESSION USD`, config limits.budgetUSD). */
  budgetUSD: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(1e9))),
  /** When a command first noticed that the recorded process had ended (for the audit log, once). */
  endedObservedAt: v.optional(Iso),
});

export type SessionRecord = v.InferOutput<typeof SessionRecordSchema>;
export type ProcessRecord = v.InferOutput<typeof ProcessSchema>;

export type ParsedRecord = { ok: true; record: SessionRecord } | { ok: false; problem: string };

/** Validates a record read from disk; never throws. `expectedId` is the directory it was found in. */
export function parseRecord(text: string, expectedId: string): ParsedRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'session.json is not valid JSON' };
  }
  if (typeof json === 'object' && json !== null && 'schema' in json && json.schema !== RECORD_SCHEMA) {
    return {
      ok: false,
      problem: `session.json has schema ${JSON.stringify(json.schema)}, this version reads ${RECORD_SCHEMA}`,
    };
  }
  const result = v.safeParse(SessionRecordSchema, json);
  if (!result.success) {
    const issue = result.issues[0];
    const where = issue ? v.getDotPath(issue) : null;
    return { ok: false, problem: `session.json: ${where ?? 'record'}: ${issue?.message ?? 'invalid'}` };
  }
  if (result.output.id !== expectedId) {
    return { ok: false, problem: `session.json names id ${result.output.id} but lives in ${expectedId}` };
  }
  return { ok: true, record: result.output };
}
