import { defaultLimits, type Limits, SESSION_BYTES } from '../launch/guard.js';
import type { SessionState, SessionView } from '../live/session-view.js';
import type { HostMemory } from '../system/memory.js';
import type { UpdateState } from '../update/check-state.js';

/** What `status` shows: a pure summary of the host, the sessions and the limits in effect. */
export interface StatusReport {
  memory: HostMemory | null;
  sessions: {
    total: number;
    counts: Record<SessionState, number>;
    live: {
      id: string;
      shortId: string;
      name: string | null;
      pid: number | null;
      residentBytes: number | null;
    }[];
    residentBytes: number;
    diskBytes: number;
  };
  limits: Limits & { source: { maxSessions: LimitSource; minAvailableBytes: LimitSource } };
  update: { checks: boolean; checkedAt: string | null; latest: string | null; error: string | null };
  /** How many more sessions fit now, by the session limit and by memory; null when memory is unknown. */
  room: number | null;
  recommendation: string;
}

export type LimitSource = 'configured' | 'derived';

export interface StatusInput {
  memory: HostMemory | undefined;
  views: readonly SessionView[];
  configured: { maxSessions?: number; minAvailableBytes?: number };
  update: UpdateState & { checks: boolean };
}

export function effectiveLimits(
  memory: HostMemory | undefined,
  configured: StatusInput['configured'],
): StatusReport['limits'] {
  const derived = defaultLimits(memory);
  return {
    maxSessions: configured.maxSessions ?? derived.maxSessions,
    minAvailableBytes: configured.minAvailableBytes ?? derived.minAvailableBytes,
    source: {
      maxSessions: configured.maxSessions === undefined ? 'derived' : 'configured',
      minAvailableBytes: configured.minAvailableBytes === undefined ? 'derived' : 'configured',
    },
  };
}

export function summarizeStatus(input: StatusInput): StatusReport {
  const counts: Record<SessionState, number> = { running: 0, exited: 0, empty: 0, broken: 0 };
  let residentBytes = 0;
  let diskBytes = 0;
  const live: StatusReport['sessions']['live'] = [];
  for (const view of input.views) {
    counts[view.state]++;
    diskBytes += view.diskBytes;
    if (view.state !== 'running') continue;
    residentBytes += view.residentBytes ?? 0;
    live.push({
      id: view.id,
      shortId: view.shortId,
      name: view.name,
      pid: view.pid,
      residentBytes: view.residentBytes,
    });
  }
  const limits = effectiveLimits(input.memory, input.configured);
  const room = roomFor(input.memory, counts.running, limits);
  const { checks, checkedAt, latest, error } = input.update;
  return {
    memory: input.memory ?? null,
    sessions: { total: input.views.length, counts, live, residentBytes, diskBytes },
    limits,
    update: { checks, checkedAt, latest, error },
    room,
    recommendation: recommend(input.memory, counts.running, limits, room),
  };
}

const MB = 1024 * 1024;

/**
 * More sessions that fit: below the session limit, and each taking about SESSION_BYTES while the
 * memory floor stays available once they all run (so the guard would let each of them start).
 */
export function roomFor(memory: HostMemory | undefined, live: number, limits: Limits): number | null {
  if (!memory) return null;
  const byCount = limits.maxSessions - live;
  const byMemory = Math.floor((memory.availableBytes - limits.minAvailableBytes) / SESSION_BYTES);
  return Math.max(0, Math.min(byCount, byMemory));
}

export function recommend(
  memory: HostMemory | undefined,
  live: number,
  limits: Limits,
  room: number | null,
): string {
  const each = `~${Math.round(SESSION_BYTES / MB)} MB each`;
  if (!memory || room === null) {
    return live >= limits.maxSessions
      ? `at the session limit (${live} of ${limits.maxSessions}): end a session before starting another`
      : `host memory unknown (no /proc/meminfo): up to ${limits.maxSessions - live} more session(s) by the limit`;
  }
  if (memory.availableBytes < limits.minAvailableBytes) {
    return `memory is low (${Math.round(memory.availableBytes / MB)} MB available, the floor is ${Math.round(limits.minAvailableBytes / MB)} MB): end a session (\`claude-session list\`)`;
  }
  if (live >= limits.maxSessions) {
    return `at the session limit (${live} of ${limits.maxSessions}): end a session before starting another, or pass --force`;
  }
  if (room === 0) return `no room for another session (${each}) above the memory floor: end one first`;
  return `room for about ${room} more session${room === 1 ? '' : 's'} (${each})`;
}
