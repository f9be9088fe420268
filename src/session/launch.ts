import type { SessionPaths } from './layout.js';

/** What to run for a session: a pure description, carried out by system/handoff.ts. */
export interface LaunchPlan {
  cwd: string;
  set: Record<string, string>;
  unset: string[];
  argv: string[];
  /** Whether the launcher starts the detached update check (`claude-session update --background`). */
  background: boolean;
}

/** Variables of ours that must not leak from a session into a session started inside it. */
const INHERITED_OURS = [
  'CLAUDE_SESSION_ID',
  'CLAUDE_SESSION_NAME',
  'CLAUDE_SESSION_DIR',
  'CLAUDE_SESSION_HOOK',
  'CLAUDE_SESSION_TMUX',
  'CLAUDE_SESSION_TMUX_BIN',
  'CLAUDE_SESSION_TMUX_MESSAGE',
  'CLAUDE_SESSION_NOTIFY',
];

/** How a session started in tmux tells the user that it waits (read by libexec/hook). */
export interface TmuxLaunch {
  socket: string;
  binary: string;
  /** A tmux message to attached clients. */
  message: boolean;
  /** The user's notification command line (config `notify.command`), run with the name and state. */
  notifyCommand?: string;
}

export interface LaunchInput {
  paths: SessionPaths;
  id: string;
  name: string | null;
  cwd: string;
  claude: string;
  /** Arguments for Claude: the user's, after any this tool adds (e.g. --continue). */
  args: string[];
  /** Extra environment from the login strategy (e.g. a stored CLAUDE_CODE_OAUTH_TOKEN). */
  loginEnv: Record<string, string>;
  background: boolean;
  /** libexec/hook, which the session's hooks run (see sessionClaudeSettings). */
  hook: string;
  /** Set when the session runs in our tmux server. */
  tmux?: TmuxLaunch;
}

export function planLaunch(input: LaunchInput): LaunchPlan {
  const set: Record<string, string> = {
    CLAUDE_CONFIG_DIR: input.paths.configDir,
    CLAUDE_CODE_TMPDIR: input.paths.tmpDir,
    // Each Claude process runs its own updater (#95570); updates are this tool's job.
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_SESSION_ID: input.id,
    CLAUDE_SESSION_DIR: input.paths.dir,
    CLAUDE_SESSION_HOOK: input.hook,
    ...input.loginEnv,
  };
  if (input.tmux) {
    set.CLAUDE_SESSION_TMUX = input.tmux.socket;
    set.CLAUDE_SESSION_TMUX_BIN = input.tmux.binary;
    set.CLAUDE_SESSION_TMUX_MESSAGE = input.tmux.message ? '1' : '0';
    if (input.tmux.notifyCommand) set.CLAUDE_SESSION_NOTIFY = input.tmux.notifyCommand;
  }
  const unset: string[] = [];
  if (input.name === null) unset.push('CLAUDE_SESSION_NAME');
  else set.CLAUDE_SESSION_NAME = input.name;
  for (const name of INHERITED_OURS) if (!(name in set) && !unset.includes(name)) unset.push(name);
  return {
    cwd: input.cwd,
    set,
    unset,
    argv: [input.claude, '--settings', input.paths.claudeSettings, ...input.args],
    background: input.background,
  };
}

type HookState = 'working' | 'waiting' | 'idle';

function hook(state: HookState, matcher?: string, mark?: 'prompt'): Record<string, unknown> {
  // A constant command: the hook's path comes from the session's environment, so nothing from data is
  // ever part of a shell string (and without the variable, as in a plain `claude`, it does nothing).
  const command = `"\${CLAUDE_SESSION_HOOK:-true}" ${state}${mark ? ` ${mark}` : ''}`;
  return { ...(matcher ? { matcher } : {}), hooks: [{ type: 'command', command }] };
}

/**
 * Settings for this session only, given to Claude with --settings (never written into the shared ones).
 * The hooks keep the session's live state (libexec/hook), measured on Claude Code 2.1.332: a prompt
 * fires UserPromptSubmit, then PreToolUse/PostToolUse per tool and Stop when the turn is done; a
 * permission dialog fires PermissionRequest at once and Notification `permission_prompt` seconds later
 * (the only one fired for auto mode's own dialog). Esc fires nothing, whether it interrupts Claude (the
 * state stays `working`) or dismisses a permission prompt (it stays `waiting`), and neither do the
 * questions Claude asks at start-up, before SessionStart: screen.ts reads the pane for these, and a new
 * prompt always rewrites the state.
 */
export function sessionClaudeSettings(): Record<string, unknown> {
  return {
    // Without this an interactive start writes a URL handler into ~/.local/share/applications.
    disableDeepLinkRegistration: 'disable',
    hooks: {
      SessionStart: [hook('idle')],
      UserPromptSubmit: [hook('working', undefined, 'prompt')],
      PreToolUse: [hook('working')],
      PostToolUse: [hook('working')],
      PostToolUseFailure: [hook('working')],
      PermissionRequest: [hook('waiting')],
      Notification: [
        hook('waiting', 'permission_prompt'),
        hook('waiting', 'elicitation_dialog'),
        hook('idle', 'idle_prompt'),
      ],
      Stop: [hook('idle')],
      StopFailure: [hook('idle')],
    },
  };
}

/**
 * Claude Code keeps only the last `--settings` (measured on 2.1.332): a user's own would drop the
 * session's hooks. So their values are taken out of the arguments, to be merged into the session's file.
 */
export function takeUserSettings(args: readonly string[]): { args: string[]; sources: string[] } {
  const rest: string[] = [];
  const sources: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--settings' && i + 1 < args.length) sources.push(args[++i] as string);
    else if (arg.startsWith('--settings=')) sources.push(arg.slice('--settings='.length));
    else rest.push(arg);
  }
  return { args: rest, sources };
}

type Settings = Record<string, unknown>;

/** The user's settings (later ones win, key by key) with the session's hooks added to theirs. */
export function mergeSettings(ours: Settings, theirs: readonly Settings[]): Settings {
  const merged: Settings = { ...ours };
  const hooks: Record<string, unknown[]> = {};
  const addHooks = (value: unknown) => {
    if (typeof value !== 'object' || value === null) return;
    for (const [event, groups] of Object.entries(value)) {
      if (Array.isArray(groups)) hooks[event] = [...(hooks[event] ?? []), ...groups];
    }
  };
  for (const settings of theirs) {
    for (const [key, value] of Object.entries(settings)) if (key !== 'hooks') merged[key] = value;
    addHooks(settings.hooks);
  }
  addHooks(ours.hooks);
  merged.hooks = hooks;
  return merged;
}

/** Whether the user's arguments already choose a conversation, so `resume` must not add --continue. */
export function choosesConversation(args: readonly string[]): boolean {
  return args.some(
    (arg) =>
      arg === '-c' ||
      arg === '--continue' ||
      arg === '-r' ||
      arg === '--resume' ||
      arg.startsWith('--resume=') ||
      arg === '--session-id' ||
      arg.startsWith('--session-id='),
  );
}

/**
 * The plan as lines for bin/claude-session, a POSIX sh that reads them with `read -r` and execs Claude.
 * Each value is one line: backslashes doubled and newlines written as `\n`, decoded by `printf %b`.
 */
export function encodePlan(plan: LaunchPlan): string {
  const encode = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  const lines = ['#claude-session-plan 1'];
  if (plan.background) lines.push('B update --background');
  lines.push(`C ${encode(plan.cwd)}`);
  for (const name of plan.unset) lines.push(`U ${name}`);
  for (const [name, value] of Object.entries(plan.set)) lines.push(`E ${name}=${encode(value)}`);
  for (const arg of plan.argv) lines.push(`A ${encode(arg)}`);
  return `${lines.join('\n')}\n`;
}

/** Variables a tmux pane sets for itself: the pane's own, never the caller's. */
const PANE_OWN = new Set(['TERM', 'TMUX', 'TMUX_PANE', 'COLUMNS', 'LINES']);

/**
 * The plan for a tmux pane, which starts from an empty environment (bin/claude-session `__pane`): the
 * caller's whole environment, as a terminal launch would pass it to Claude, then the plan's changes.
 */
export function paneLaunchPlan(plan: LaunchPlan, callerEnv: NodeJS.ProcessEnv): LaunchPlan {
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(callerEnv)) {
    if (value === undefined || PANE_OWN.has(name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    if (name === 'CLAUDE_SESSION_HANDOFF' || name === 'CLAUDE_SESSION_LAUNCHER_PID') continue;
    if (plan.unset.includes(name)) continue;
    set[name] = value;
  }
  return { ...plan, set: { ...set, ...plan.set }, unset: [], background: false };
}
