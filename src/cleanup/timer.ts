import { UserError } from '../core/errors.js';
import type { Schedule, ScheduledJob } from '../system/scheduler.js';

/**
 * The text of the regular cleanup: systemd user units, or a crontab line tagged so that removal finds
 * it. Pure; src/system/scheduler.ts writes them and runs systemctl / crontab.
 */
export const TIMER_UNIT = 'claude-session-cleanup';
export const CRON_MARKER = '# claude-session-cleanup';

/** What the timer runs: the installed entry with its arguments, and the variables it needs. */
export interface TimerCommand {
  entry: string;
  args: string[];
  /**
   * Cron and the systemd user manager start with a bare environment: the node binary (the entry runs
   * `${CLAUDE_SESSION_NODE:-node}`) and the root and config the user chose must be passed on.
   */
  env: [string, string][];
}

/** The variables worth carrying into the timer's environment, from the one the timer is installed from. */
export function timerEnvironment(env: NodeJS.ProcessEnv, node: string): [string, string][] {
  const carried: [string, string][] = [['CLAUDE_SESSION_NODE', node]];
  for (const key of ['CLAUDE_SESSION_ROOT', 'CLAUDE_SESSION_CONFIG', 'XDG_CONFIG_HOME']) {
    const value = env[key];
    if (value) carried.push([key, value]);
  }
  return carried;
}

export function systemdUnits(command: TimerCommand): { service: string; timer: string } {
  check(command);
  const exec = [command.entry, ...command.args].map((word) => systemdQuote(word).replace(/\$/g, '$$$$'));
  const service = [
    '[Unit]',
    'Description=Remove old and empty claude-session sessions',
    '',
    '[Service]',
    'Type=oneshot',
    ...command.env.map(([key, value]) => `Environment=${systemdQuote(`${key}=${value}`)}`),
    `ExecStart=${exec.join(' ')}`,
    'Nice=10',
    'IOSchedulingClass=idle',
    '',
  ].join('\n');
  const timer = [
    '[Unit]',
    'Description=Daily claude-session cleanup',
    '',
    '[Timer]',
    'OnCalendar=daily',
    'RandomizedDelaySec=1h',
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  return { service, timer };
}

/** Daily at 04:23; the command runs under sh, so every word is quoted. */
export function cronLine(command: TimerCommand): string {
  check(command);
  if ([command.entry, ...command.env.map(([, value]) => value)].some((word) => word.includes('%'))) {
    throw new UserError(
      'a path for the cleanup timer contains "%", which crontab turns into a newline: use systemd or cron by hand',
    );
  }
  const env = command.env.map(([key, value]) => `${key}=${shellQuote(value)}`);
  const words = [...env, shellQuote(command.entry), ...command.args.map(shellQuote)];
  return `23 4 * * * ${words.join(' ')} >/dev/null ${CRON_MARKER}`;
}

/** The crontab with our line (any earlier one of ours replaced), everything else as it was. */
export function withCronLine(crontab: string, line: string): string {
  return `${[...withoutOurLines(crontab), line].join('\n')}\n`;
}

export function withoutCronLine(crontab: string): string {
  const lines = withoutOurLines(crontab);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export function hasCronLine(crontab: string): boolean {
  return crontab.split('\n').some(isOurs);
}

function withoutOurLines(crontab: string): string[] {
  const lines = crontab.split('\n').filter((line) => !isOurs(line));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function isOurs(line: string): boolean {
  return line.trimEnd().endsWith(CRON_MARKER);
}

export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** systemd's quoting: double quotes, backslash escapes, `%` doubled (specifiers). */
function systemdQuote(word: string): string {
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;
}

function check(command: TimerCommand): void {
  const words = [command.entry, ...command.args, ...command.env.flat()];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (words.some((word) => /[\u0000-\u001f]/.test(word))) {
    throw new UserError('a path for the cleanup timer contains a control character: move the installation');
  }
}

/** The cleanup timer as system/scheduler.ts removes it. */
export const CLEANUP_SCHEDULE: Schedule = { unit: TIMER_UNIT, hasCronLine, withoutCronLine };

/** The cleanup timer as system/scheduler.ts installs it, running `command`. */
export function cleanupJob(command: TimerCommand): ScheduledJob {
  return {
    ...CLEANUP_SCHEDULE,
    systemdUnits: () => systemdUnits(command),
    cronLine: () => cronLine(command),
    withCronLine,
  };
}
