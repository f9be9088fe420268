import { shortId } from './layout.js';
import type { SessionRecord } from './record.js';
import type { FoundSession } from './store.js';
import type { Usage } from './usage.js';

export type SessionState = 'running' | 'exited' | 'empty' | 'broken';

/** One session as `list` shows it. */
export interface SessionView {
  id: string;
  shortId: string;
  name: string | null;
  state: SessionState;
  sessionDir: string;
  configDir: string;
  cwd: string | null;
  pid: number | null;
  residentBytes: number | null;
  createdAt: string | null;
  lastActivityAt: string | null;
  diskBytes: number;
  claudeVersion: string | null;
  launches: number;
  pinned: boolean;
  problem: string | null;
  hint: string | null;
}

export function sessionState(record: SessionRecord | undefined, alive: boolean, usage: Usage): SessionState {
  if (!record) return 'broken';
  if (alive) return 'running';
  return usage.hasConversation ? 'exited' : 'empty';
}

/** Pure: the view of a session from what was read about it. */
export function viewSession(
  found: FoundSession,
  usage: Usage,
  alive: boolean,
  residentBytes: number | undefined,
): SessionView {
  const record = found.record;
  const state = sessionState(record, alive, usage);
  const lastActivityMs = Math.max(usage.lastActivityMs ?? 0, record ? Date.parse(record.lastLaunchAt) : 0);
  return {
    id: found.id,
    shortId: shortId(found.id),
    name: record?.name ?? null,
    state,
    sessionDir: found.paths.dir,
    configDir: found.paths.configDir,
    cwd: record?.cwd ?? null,
    pid: alive && record?.process ? record.process.pid : null,
    residentBytes: alive ? (residentBytes ?? null) : null,
    createdAt: record?.createdAt ?? null,
    lastActivityAt: lastActivityMs > 0 ? new Date(lastActivityMs).toISOString() : null,
    diskBytes: usage.diskBytes,
    claudeVersion: record?.claude.version ?? null,
    launches: record?.launches ?? 0,
    pinned: record?.pinned === true,
    problem: found.problem ?? null,
    hint: found.problem ? `inspect or remove ${found.paths.dir}` : null,
  };
}
