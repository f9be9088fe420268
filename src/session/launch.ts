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
const INHERITED_OURS = ['CLAUDE_SESSION_ID', 'CLAUDE_SESSION_NAME', 'CLAUDE_SESSION_DIR'];

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
}

export function planLaunch(input: LaunchInput): LaunchPlan {
  const set: Record<string, string> = {
    CLAUDE_CONFIG_DIR: input.paths.configDir,
    CLAUDE_CODE_TMPDIR: input.paths.tmpDir,
    // Each Claude process runs its own updater (#95570); updates are this tool's job.
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_SESSION_ID: input.id,
    CLAUDE_SESSION_DIR: input.paths.dir,
    ...input.loginEnv,
  };
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

/** Settings for this session only, given to Claude with --settings (never written into the shared ones). */
export function sessionClaudeSettings(): Record<string, unknown> {
  // Without this an interactive start writes a URL handler into ~/.local/share/applications.
  return { disableDeepLinkRegistration: 'disable' };
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
