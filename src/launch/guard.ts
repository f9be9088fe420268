import type { HostMemory } from '../system/memory.js';

/**
 * Guard rails for a small host, decided before a session starts. Pure.
 *
 * A Claude Code session takes 200-500 MB. Defaults, from the host's memory: at most one session per
 * 400 MB of memory after 256 MB left to the system (at least 1), and at least 300 MB available before
 * another starts (a quarter of the memory on hosts under 1.2 GB).
 */
export const SESSION_BYTES = 400 * 1024 * 1024;
const MB = 1024 * 1024;

export interface Limits {
  maxSessions: number;
  minAvailableBytes: number;
}

export function defaultLimits(memory: HostMemory | undefined): Limits {
  if (!memory) return { maxSessions: 64, minAvailableBytes: 300 * MB };
  return {
    maxSessions: Math.max(1, Math.floor((memory.totalBytes - 256 * MB) / SESSION_BYTES)),
    minAvailableBytes: Math.min(300 * MB, Math.floor(memory.totalBytes / 4)),
  };
}

export interface GuardInput {
  live: number;
  memory: HostMemory | undefined;
  limits: Limits;
}

/** Why a new session must not start, in one line with the way past it; undefined when it may. */
export function guardRefusal(input: GuardInput): string | undefined {
  const { live, memory, limits } = input;
  if (live >= limits.maxSessions) {
    return `${live} sessions are running, the limit is ${limits.maxSessions}: end one (\`claude-session list\`), raise "limits.maxSessions", or pass --force`;
  }
  if (memory && memory.availableBytes < limits.minAvailableBytes) {
    const mb = (bytes: number) => `${Math.round(bytes / MB)} MB`;
    return `only ${mb(memory.availableBytes)} of memory available, the floor is ${mb(limits.minAvailableBytes)} (a session takes 200-500 MB; ${live} running): end a session, lower "limits.minAvailableMB", or pass --force`;
  }
  return undefined;
}
