import { lstatSync } from 'node:fs';
import type { Services } from '../config/services.js';
import { tildify } from '../core/format.js';
import { readActivity } from '../live/activity.js';
import { sessionState } from '../live/session-view.js';
import { measureUsage, type Usage } from '../live/usage.js';
import { sessionPaths, shortId } from '../store/layout.js';
import { type FoundSession, readSession, sessionIds } from '../store/records.js';
import { type Panes, runningProcess } from '../store/running.js';
import { residentBytes } from '../system/proc.js';
import { findTmux, type PaneRow, paneRows } from '../system/tmux.js';
import type { Row } from './model.js';

/** How old a session's disk walk (last activity, whether it holds a conversation) may be. */
const USAGE_FOR_MS = 15_000;

export interface Collected {
  rows: Row[];
  /** tmux processes started for this refresh (the bench counts them). */
  tmuxCalls: number;
}

/**
 * Reads every session for one refresh: the records, one `list-panes -a` per tmux server (there is
 * one), each live session's process, memory and hook state; a session's config dir is walked at
 * most every 15 s (it is the costly part at 1,000 sessions). No pane is captured here.
 */
export function makeCollector(services: Services): (nowMs: number) => Collected {
  const usages = new Map<string, { atMs: number; usage: Usage }>();
  // A record is read again only when its file changed (most of a refresh's cost at 100 sessions).
  const records = new Map<string, { key: string; found: FoundSession }>();
  const readChanged = (root: string, id: string): FoundSession => {
    const stat = lstatSync(sessionPaths(root, id).record, { throwIfNoEntry: false });
    const key = stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}` : '';
    const known = records.get(id);
    if (known && key && known.key === key) return known.found;
    const found = readSession(root, id);
    records.set(id, { key, found });
    return found;
  };
  const env = { ...services.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  const binary = findTmux(env);
  return (nowMs) => {
    const { root, home } = services.settings();
    const servers = new Map<string, PaneRow[]>();
    let tmuxCalls = 0;
    const serverPanes = (socket: string): PaneRow[] => {
      let rows = servers.get(socket);
      if (!rows) {
        rows = [];
        if (binary) {
          tmuxCalls++;
          try {
            rows = paneRows({ binary, socket, env }) ?? [];
          } catch {}
        }
        servers.set(socket, rows);
      }
      return rows;
    };
    const panes: Panes = {
      of(socket) {
        const bySession = new Map<string, number[]>();
        for (const pane of serverPanes(socket))
          bySession.set(pane.session, [...(bySession.get(pane.session) ?? []), pane.pid]);
        return bySession;
      },
    };
    const seen = new Set<string>();
    const rows = sessionIds(root).map((id): Row => {
      const found = readChanged(root, id);
      seen.add(found.id);
      const record = found.record;
      let cached = usages.get(found.id);
      if (!cached || nowMs - cached.atMs > USAGE_FOR_MS) {
        cached = { atMs: nowMs, usage: measureUsage(found.paths.configDir) };
        usages.set(found.id, cached);
      }
      const usage = cached.usage;
      const running = record ? runningProcess(record, found.paths.dir, panes) : undefined;
      const state = sessionState(record, running !== undefined, usage);
      const activity = running ? readActivity(found.paths.dir) : undefined;
      const socket = record?.tmux?.socket;
      const attached =
        running && socket
          ? (serverPanes(socket).find((pane) => pane.session === found.id)?.attached ?? 0)
          : 0;
      const lastActivityMs = Math.max(
        usage.lastActivityMs ?? 0,
        activity?.since.getTime() ?? 0,
        record ? Date.parse(record.lastLaunchAt) || 0 : 0,
      );
      return {
        id: found.id,
        shortId: shortId(found.id),
        name: record?.name ?? null,
        state: state === 'running' ? (activity?.activity ?? 'running') : state,
        sinceMs: running
          ? (activity?.since.getTime() ?? (Date.parse(record?.process?.startedAt ?? '') || undefined))
          : undefined,
        where: record?.worktree
          ? `⎇ ${record.worktree.branch}`
          : record?.cwd
            ? tildify(record.cwd, home)
            : '-',
        residentBytes: running ? residentBytes(running.pid) : undefined,
        lastActivityMs: lastActivityMs > 0 ? lastActivityMs : undefined,
        mode: running ? (record?.tmux ? 'tmux' : 'terminal') : null,
        attached,
        configDir: found.paths.configDir,
        dialog: null,
        problem: found.problem ?? null,
      };
    });
    for (const id of usages.keys()) if (!seen.has(id)) usages.delete(id);
    for (const id of records.keys()) if (!seen.has(id)) records.delete(id);
    return { rows, tmuxCalls };
  };
}
