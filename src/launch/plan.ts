import { posix } from 'node:path';
import type { SessionPaths } from '../store/layout.js';
import type { LaunchPlan } from '../system/launch-plan.js';

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

/**
 * The user's `--settings FILE` made absolute against where they typed it: a session in a worktree runs
 * Claude elsewhere, and the file they meant is the one here.
 */
export function settingsFrom(args: readonly string[], cwd: string): string[] {
  const absolute = (source: string) =>
    source.trimStart().startsWith('{') || source.startsWith('/') ? source : posix.resolve(cwd, source);
  return args.map((arg, i) => {
    if (i > 0 && args[i - 1] === '--settings') return absolute(arg);
    if (arg.startsWith('--settings=')) return `--settings=${absolute(arg.slice('--settings='.length))}`;
    return arg;
  });
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
