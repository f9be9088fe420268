import { readFileSync, realpathSync } from 'node:fs';
import { cliPath } from './install-dir.js';

/**
 * A process named so that a reused pid is never mistaken for it: pid, its start time in clock ticks
 * since boot (field 22 of /proc/PID/stat) and the boot it started in.
 */
export interface ProcessIdentity {
  pid: number;
  startTime: number;
  bootId: string;
}

let cachedBootId: string | undefined;

export function bootId(): string {
  cachedBootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return cachedBootId;
}

/** Start time of a running process, or undefined when there is no such process or it has ended. */
export function processStartTime(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces or parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // A zombie has ended; only its parent has not collected it yet (tmux 3.3 sometimes never does).
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  const startTime = Number(fields[19]);
  return Number.isFinite(startTime) ? startTime : undefined;
}

export function identify(pid: number): ProcessIdentity | undefined {
  const startTime = processStartTime(pid);
  return startTime === undefined ? undefined : { pid, startTime, bootId: bootId() };
}

export function isAlive(identity: ProcessIdentity): boolean {
  return identity.bootId === bootId() && processStartTime(identity.pid) === identity.startTime;
}

/** Resident memory in bytes, or undefined when the process is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The environment a process started with; undefined when it cannot be read (gone, or not ours). */
export function processEnvironment(pid: number): Map<string, string> | undefined {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return undefined;
  }
  const env = new Map<string, string>();
  for (const entry of raw.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

/** A process's arguments (argv), or undefined when it is gone or not ours to read. */
export function processCommandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is still one of our processes starting the session: the launcher shell, which records its
 * own pid and then execs Claude (same pid, same start time, new environment) once the Node part has
 * exited; or, for a start in tmux, the Node part itself, which stands for the session until the pane's
 * Claude is known (a few hundred ms).
 */
export function isLauncher(pid: number): boolean {
  const argv = processCommandLine(pid)?.slice(0, 2) ?? [];
  return argv.some(
    (arg) =>
      arg === 'claude-session' ||
      arg.endsWith('/claude-session') ||
      (arg.endsWith('/cli.cjs') && realPathOrUndefined(arg) === realPathOrUndefined(cliPath())),
  );
}

function realPathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** Signals the process if it is still the one identified (a reused pid is never signalled). */
export function signalProcess(identity: ProcessIdentity, name: NodeJS.Signals): void {
  if (!isAlive(identity)) return;
  try {
    process.kill(identity.pid, name);
  } catch {
    // Ended between the check and the signal.
  }
}

/** Whether the process has ended within `withinMs` (polled every 25 ms). */
export async function processEnded(identity: ProcessIdentity, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (isAlive(identity)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}
