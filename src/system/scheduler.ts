import { existsSync, realpathSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { UserError } from '../core/errors.js';
import { mkdirPrivate, writeFileAtomicSync } from './files.js';
import { childProcess } from './lazy.js';

/**
 * Installs and removes the regular cleanup: a systemd user timer where `systemctl --user` answers,
 * else a crontab line. External commands run with argv arrays, never through a shell.
 */
export interface SchedulerContext {
  env: NodeJS.ProcessEnv;
  home: string;
}

/** A scheduled job as far as removing it goes: its systemd unit name, and how to find its crontab line. */
export interface Schedule {
  unit: string;
  hasCronLine: (crontab: string) => boolean;
  withoutCronLine: (crontab: string) => string;
}

/** A job to install: the text is the caller's (the cleanup's is in cleanup/timer.ts); this module writes it. */
export interface ScheduledJob extends Schedule {
  systemdUnits: () => { service: string; timer: string };
  cronLine: () => string;
  withCronLine: (crontab: string, line: string) => string;
}

export type Installed = { kind: 'systemd'; files: string[] } | { kind: 'cron'; line: string };

export function installTimer(context: SchedulerContext, job: ScheduledJob): Installed {
  if (systemdUserAvailable(context)) {
    const units = job.systemdUnits();
    const dir = unitDir(context);
    mkdirPrivate(dir);
    const files = [join(dir, `${job.unit}.service`), join(dir, `${job.unit}.timer`)];
    writeFileAtomicSync(files[0] as string, units.service, 0o644);
    writeFileAtomicSync(files[1] as string, units.timer, 0o644);
    systemctl(context, ['daemon-reload']);
    systemctl(context, ['enable', '--now', `${job.unit}.timer`]);
    return { kind: 'systemd', files };
  }
  const current = readCrontab(context);
  if (current === undefined) {
    throw new UserError(
      'neither a systemd user session (`systemctl --user`) nor `crontab` is available here: run `claude-session cleanup --yes` from the scheduler you have',
    );
  }
  const line = job.cronLine();
  writeCrontab(context, job.withCronLine(current, line));
  return { kind: 'cron', line };
}

/** Removes whichever of the two is installed; says what it removed. */
export function removeTimer(context: SchedulerContext, job: Schedule): { systemd: string[]; cron: boolean } {
  const dir = unitDir(context);
  const files = ['timer', 'service']
    .map((kind) => join(dir, `${job.unit}.${kind}`))
    .filter((file) => existsSync(file));
  if (files.length > 0) {
    const systemd = systemdUserAvailable(context);
    if (systemd) systemctl(context, ['disable', '--now', `${job.unit}.timer`]);
    for (const file of files) rmSync(file, { force: true });
    if (systemd) systemctl(context, ['daemon-reload']);
  }
  const crontab = readCrontab(context);
  const cron = crontab !== undefined && job.hasCronLine(crontab);
  if (cron) writeCrontab(context, job.withoutCronLine(crontab));
  return { systemd: files, cron };
}

/** The installed `bin/claude-session` this process was started through (dist/cli.cjs is beside it). */
export function installedEntry(script = process.argv[1]): string {
  const entry = script ? join(dirname(realpathSync(script)), '..', 'bin', 'claude-session') : undefined;
  if (!entry || !existsSync(entry)) {
    throw new UserError(
      `cannot find bin/claude-session next to ${script ?? 'this process'}: run the installed claude-session`,
    );
  }
  return realpathSync(entry);
}

function unitDir(context: SchedulerContext): string {
  const xdg = context.env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(context.home, '.config'), 'systemd', 'user');
}

function run(context: SchedulerContext, command: string, args: string[], input?: string) {
  return childProcess().spawnSync(command, args, {
    env: context.env,
    input,
    encoding: 'utf8',
    timeout: 15_000,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
}

function systemdUserAvailable(context: SchedulerContext): boolean {
  const result = run(context, 'systemctl', ['--user', 'show-environment']);
  return !result.error && result.status === 0;
}

function systemctl(context: SchedulerContext, args: string[]): void {
  const result = run(context, 'systemctl', ['--user', ...args]);
  if (result.error || result.status !== 0) {
    throw new UserError(
      `\`systemctl --user ${args.join(' ')}\` failed: ${firstLine(result.stderr, result.error)}`,
    );
  }
}

/** The user's crontab ('' when there is none), or undefined when crontab is not installed. */
function readCrontab(context: SchedulerContext): string | undefined {
  const result = run(context, 'crontab', ['-l']);
  if (result.error) return undefined;
  if (result.status === 0) return result.stdout;
  if (/no crontab/i.test(result.stderr)) return '';
  throw new UserError(`\`crontab -l\` failed: ${firstLine(result.stderr, result.error)}`);
}

function writeCrontab(context: SchedulerContext, text: string): void {
  const result = run(context, 'crontab', ['-'], text);
  if (result.error || result.status !== 0) {
    throw new UserError(`\`crontab -\` failed: ${firstLine(result.stderr, result.error)}`);
  }
}

function firstLine(stderr: string | undefined, error: Error | undefined): string {
  return (stderr?.trim().split('\n')[0] || error?.message || 'no message').slice(0, 200);
}
