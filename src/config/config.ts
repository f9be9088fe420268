import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import * as v from 'valibot';
import { EXIT, UserError } from '../core/errors.js';
import { readFileIfExists } from '../system/files.js';

export const PROTECT_POLICIES = ['readonly', 'off'] as const;
export type ProtectPolicy = (typeof PROTECT_POLICIES)[number];

export const UPDATE_MODES = ['managed', 'npm-global'] as const;
export type UpdateMode = (typeof UPDATE_MODES)[number];

/** Where a plain `claude-session` runs Claude: in this terminal, or in our tmux server, attached. */
export const SESSION_MODES = ['terminal', 'tmux'] as const;
export type SessionMode = (typeof SESSION_MODES)[number];

const BRANCH_PREFIX = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,100}$/;

const WorktreeSchema = v.union([
  v.boolean(),
  v.strictObject({
    enabled: v.optional(v.boolean()),
    branchPrefix: v.optional(v.pipe(v.string(), v.regex(BRANCH_PREFIX))),
    setup: v.optional(v.pipe(v.string(), v.minLength(1))),
  }),
]);

const ConfigSchema = v.strictObject({
  worktree: v.optional(WorktreeSchema),
  root: v.optional(v.pipe(v.string(), v.minLength(1))),
  protectShared: v.optional(v.picklist(PROTECT_POLICIES)),
  mode: v.optional(v.picklist(SESSION_MODES)),
  notify: v.optional(
    v.strictObject({
      command: v.optional(v.pipe(v.string(), v.minLength(1))),
      tmuxMessage: v.optional(v.boolean()),
    }),
  ),
  update: v.optional(
    v.strictObject({
      mode: v.optional(v.picklist(UPDATE_MODES)),
      check: v.optional(v.boolean()),
      autoInstall: v.optional(v.boolean()),
      intervalHours: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(24 * 365))),
      sudo: v.optional(v.boolean()),
    }),
  ),
  cleanup: v.optional(
    v.strictObject({
      olderThanDays: v.optional(v.pipe(v.number(), v.minValue(0))),
      emptyGraceHours: v.optional(v.pipe(v.number(), v.minValue(0))),
    }),
  ),
  limits: v.optional(
    v.strictObject({
      maxSessions: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
      minAvailableMB: v.optional(v.pipe(v.number(), v.minValue(0))),
      memoryMax: v.optional(v.pipe(v.string(), v.regex(/^\d+[KMG]?$/))),
      memoryMaxUnavailable: v.optional(v.picklist(['refuse', 'warn'])),
      budgetUSD: v.optional(v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(1e9))),
    }),
  ),
});
export type ConfigFile = v.InferOutput<typeof ConfigSchema>;

/** Everything the tool needs to know about where things are, derived once at start-up. */
export interface Settings {
  home: string;
  configFile: string;
  root: string;
  /** Claude config dirs the root must stay out of: `~/.claude` and `$CLAUDE_CONFIG_DIR` when set. */
  claudeDirs: string[];
  /** Whether the root came from the user (environment or config file) rather than the default. */
  rootIsExplicit: boolean;
  protectShared: ProtectPolicy;
  mode: SessionMode;
  /** Telling the user that a detached session waits: a tmux message, and the user's command line. */
  notify: { command?: string; tmuxMessage: boolean };
  update: UpdateSettings;
  cleanup: { olderThanMs: number; emptyGraceMs: number };
  /** Guard rails; undefined means derived from the host's memory when a session starts. */
  /** Sessions in a git repository get a worktree of their own (`new --worktree`). */
  worktree: WorktreeSettings;
  limits: {
    maxSessions?: number;
    minAvailableBytes?: number;
    memoryMax?: string;
    /** With "limits.memoryMax" and no user scopes here: refuse a start, or start without the cap and warn. */
    memoryMaxUnavailable: 'refuse' | 'warn';
    /** The budget every new session gets unless `new --budget` says otherwise. */
    budgetUSD?: number;
  };
}

export interface WorktreeSettings {
  /** `"worktree": true`: every session started in a git repository gets one. */
  enabled: boolean;
  /** The new branch is this prefix and the session's name or short id. */
  branchPrefix: string;
  /** A shell command line of the user's (e.g. `npm ci`) run in each new worktree before Claude starts. */
  setup?: string;
}

export const DEFAULT_BRANCH_PREFIX = 'claude-session/';

export const DEFAULT_PACKAGE = '@anthropic-ai/claude-code';

export interface UpdateSettings {
  mode: UpdateMode;
  /** The background check at session start (off with CLAUDE_SESSION_NO_UPDATE=1 or "check": false). */
  check: boolean;
  /** Whether the background check installs what it finds (else it only reports). */
  autoInstall: boolean;
  intervalMs: number;
  sudo: boolean;
  /** The npm package; CLAUDE_SESSION_PACKAGE overrides it (tests publish a package of their own). */
  packageName: string;
}

export function configFilePath(env: NodeJS.ProcessEnv, home: string): string {
  if (env.CLAUDE_SESSION_CONFIG) return resolve(env.CLAUDE_SESSION_CONFIG);
  const xdg =
    env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(xdg, 'claude-sessions', 'config.json');
}

export function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

export function parseConfig(text: string, path: string): ConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(
      `config file ${path} is not valid JSON (${(error as Error).message}): fix or remove it`,
    );
  }
  const result = v.safeParse(ConfigSchema, json);
  if (!result.success) {
    const issue = result.issues[0];
    const where = issue ? v.getDotPath(issue) : null;
    throw new UserError(
      `config file ${path}: ${where ? `"${where}": ` : ''}${issue?.message ?? 'invalid'}; allowed keys: root (a path), protectShared (${PROTECT_POLICIES.join(' | ')}), mode (${SESSION_MODES.join(' | ')}), notify {command, tmuxMessage}, update {mode (${UPDATE_MODES.join(' | ')}), check, autoInstall, intervalHours, sudo}, cleanup {olderThanDays, emptyGraceHours}, limits {maxSessions, minAvailableMB, memoryMax, memoryMaxUnavailable (refuse | warn), budgetUSD}, worktree (true | false | {enabled, branchPrefix, setup})`,
    );
  }
  return result.output;
}

function sessionMode(value: string | undefined): SessionMode | undefined {
  if (value === undefined || value === '') return undefined;
  if ((SESSION_MODES as readonly string[]).includes(value)) return value as SessionMode;
  throw new UserError(
    `CLAUDE_SESSION_MODE=${JSON.stringify(value)}: use ${SESSION_MODES.join(' or ')}`,
    EXIT.USAGE,
  );
}

export function loadSettings(env: NodeJS.ProcessEnv, home = env.HOME || homedir()): Settings {
  const configFile = configFilePath(env, home);
  const text = readFileIfExists(configFile, { follow: true });
  const config = text === undefined ? {} : parseConfig(text, configFile);
  const explicitRoot = env.CLAUDE_SESSION_ROOT || config.root;
  const rootText = expandHome(explicitRoot ?? '~/.claude-sessions', home);
  // Never from the current directory: the same command run from two places must see the same sessions.
  if (!isAbsolute(rootText)) {
    const where = env.CLAUDE_SESSION_ROOT ? 'CLAUDE_SESSION_ROOT' : `"root" in ${configFile}`;
    throw new UserError(
      `${where} is ${JSON.stringify(explicitRoot)}, a relative path: give an absolute one or one starting with ~/`,
      EXIT.USAGE,
    );
  }
  const root = resolve(rootText);
  return {
    home,
    configFile,
    claudeDirs: [join(home, '.claude'), ...(env.CLAUDE_CONFIG_DIR ? [resolve(env.CLAUDE_CONFIG_DIR)] : [])],
    root,
    rootIsExplicit: explicitRoot !== undefined,
    protectShared: config.protectShared ?? 'readonly',
    mode: sessionMode(env.CLAUDE_SESSION_MODE) ?? config.mode ?? 'terminal',
    notify: { command: config.notify?.command, tmuxMessage: config.notify?.tmuxMessage !== false },
    update: {
      mode: config.update?.mode ?? 'managed',
      check: env.CLAUDE_SESSION_NO_UPDATE !== '1' && config.update?.check !== false,
      autoInstall: config.update?.autoInstall !== false,
      intervalMs: (config.update?.intervalHours ?? 12) * 3600_000,
      sudo: config.update?.sudo === true,
      packageName: env.CLAUDE_SESSION_PACKAGE || DEFAULT_PACKAGE,
    },
    cleanup: {
      olderThanMs: (config.cleanup?.olderThanDays ?? 30) * 86_400_000,
      emptyGraceMs: (config.cleanup?.emptyGraceHours ?? 1) * 3_600_000,
    },
    worktree: worktreeSettings(config.worktree),
    limits: {
      maxSessions: config.limits?.maxSessions,
      minAvailableBytes:
        config.limits?.minAvailableMB === undefined ? undefined : config.limits.minAvailableMB * 1024 * 1024,
      memoryMax: config.limits?.memoryMax,
      memoryMaxUnavailable: config.limits?.memoryMaxUnavailable ?? 'refuse',
      ...(config.limits?.budgetUSD === undefined ? {} : { budgetUSD: config.limits.budgetUSD }),
    },
  };
}

function worktreeSettings(value: ConfigFile['worktree']): WorktreeSettings {
  if (value === undefined || typeof value === 'boolean') {
    return { enabled: value === true, branchPrefix: DEFAULT_BRANCH_PREFIX };
  }
  return {
    enabled: value.enabled === true,
    branchPrefix: value.branchPrefix ?? DEFAULT_BRANCH_PREFIX,
    ...(value.setup === undefined ? {} : { setup: value.setup }),
  };
}
