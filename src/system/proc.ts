import { readFileSync } from 'node:fs';

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
