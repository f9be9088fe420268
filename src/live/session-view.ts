import { shortId } from '../store/layout.js';
import type { SessionRecord } from '../store/record.js';
import type { FoundSession } from '../store/records.js';
import type { WorktreeSummary } from '../worktree/model.js';
import type { Activity, ActivityState } from './activity.js';
import type { DialogKind } from './screen.js';
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
  /** Where its last launch runs Claude. */
  mode: 'terminal' | 'tmux' | null;
  /** While running: what Claude's hooks last reported, and since when; null when unknown. */
  activity: Activity | null;
  activitySince: string | null;
  /** While `waiting` before Claude's first hook: the start-up question on its screen (see screen.ts). */
  dialog: DialogKind | null;
  /** While running in tmux: how many terminals are attached. */
  attached: number | null;
  problem: string | null;
  hint: string | null;
  /** Its own git worktree (`new --worktree`) as git sees it now; null for a session without one. */
  worktree: WorktreeSummary | null;
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
  running: { pid: number } | undefined,
  residentBytes: number | undefined,
  live: { activity?: ActivityState; attached?: number } = {},
  worktree: WorktreeSummary | null = null,
): SessionView {
  const record = found.record;
  const alive = running !== undefined;
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
    pid: running?.pid ?? null,
    residentBytes: alive ? (residentBytes ?? null) : null,
    createdAt: record?.createdAt ?? null,
    lastActivityAt: lastActivityMs > 0 ? new Date(lastActivityMs).toISOString() : null,
    diskBytes: usage.diskBytes,
    claudeVersion: record?.claude.version ?? null,
    launches: record?.launches ?? 0,
    pinned: record?.pinned === true,
    mode: record ? (record.tmux ? 'tmux' : 'terminal') : null,
    activity: alive ? (live.activity?.activity ?? null) : null,
    activitySince: alive && live.activity ? live.activity.since.toISOString() : null,
    dialog: alive ? (live.activity?.dialog ?? null) : null,
    attached: alive && record?.tmux ? (live.attached ?? 0) : null,
    problem: found.problem ?? null,
    hint: found.problem ? `inspect or remove ${found.paths.dir}` : null,
    worktree,
  };
}
