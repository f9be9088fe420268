import type { Services } from '../config/services.js';
import { EXIT, UserError } from '../core/errors.js';
import { fitColumns, formatAge, formatBytes, printable, table, tildify } from '../core/format.js';
import { liveActivity } from '../live/activity.js';
import { type SessionView, viewSession } from '../live/session-view.js';
import { holdsConversation } from '../live/transcript.js';
import { type ConfigDirWalk, measureUsage, type Usage, walkConfigDir } from '../live/usage.js';
import { findLegacySessions } from '../store/legacy.js';
import { type FoundSession, readSessions } from '../store/records.js';
import { runningProcess, tmuxPanes } from '../store/running.js';
import { residentBytes } from '../system/proc.js';
import { attachedClients, findTmux } from '../system/tmux.js';
import { sessionUsage } from '../usage/session-usage.js';
import { costCell, costFootnotes, needsCostColumn, type UsageView, usageView } from '../usage/view.js';
import { directoryShown } from '../worktree/describe.js';
import { inspectWorktrees } from '../worktree/inspect-many.js';
import { summarize, type WorktreeRecord, type WorktreeState, worktreeCell } from '../worktree/model.js';

export interface ListOptions {
  json: boolean;
}

/** A session as read for `list`: its view (worktree not looked at yet) and what was found on disk. */
export interface Listed {
  found: FoundSession;
  view: SessionView;
  /** Its usage and budget, when asked for. */
  usage?: UsageView;
}

/** Every session's view without looking at worktrees (what `status` needs), oldest first. */
export function readViews(services: Services, options: { usage?: boolean } = {}): Listed[] {
  return viewsOf(services, readSessions(services.settings().root), options);
}

function viewsOf(services: Services, sessions: FoundSession[], options: { usage?: boolean }): Listed[] {
  const clients = attachedCounter(services);
  const tmuxBinary = findTmux(services.env);
  const panes = tmuxPanes(services.env);
  return sessions
    .map((found) => {
      const running = found.record ? runningProcess(found.record, found.paths.dir, panes) : undefined;
      const rss = running ? residentBytes(running.pid) : undefined;
      const live =
        running && found.record
          ? {
              activity: liveActivity(services, found.paths.dir, found.record, tmuxBinary),
              attached: found.record.tmux ? clients(found.record.tmux.socket, found.id) : undefined,
            }
          : {};
      if (!options.usage) {
        return { found, view: viewSession(found, measureUsage(found.paths.configDir), running, rss, live) };
      }
      const { disk, usage } = measureWithUsage(found);
      return { found, view: viewSession(found, disk, running, rss, live), usage };
    })
    .sort(
      (a, b) =>
        (a.view.createdAt ?? '').localeCompare(b.view.createdAt ?? '') || a.view.id.localeCompare(b.view.id),
    );
}

/**
 * The config dir's disk use and the session's usage from one walk: projects/ is not listed again, and
 * a session that made an API response has a conversation without its transcripts' first lines read.
 */
function measureWithUsage(found: FoundSession): { disk: Usage; usage: UsageView } {
  const walked = walkConfigDir(found.paths.configDir);
  const usage = usageOf(found, walked.transcripts);
  const responded = usage.usage !== null && Object.keys(usage.usage.models).length > 0;
  return {
    disk: {
      diskBytes: walked.diskBytes,
      lastActivityMs: walked.lastActivityMs,
      hasConversation: responded || walked.conversations.some(holdsConversation),
    },
    usage,
  };
}

/** A session's usage and budget; its transcripts are read from where its usage cache says. */
export function usageOf(found: FoundSession, listing?: ConfigDirWalk['transcripts']): UsageView {
  // A session dir that is a link is not read through (it could lead anywhere).
  const linked = found.problem === 'the session dir is a symbolic link';
  const usage = linked ? null : sessionUsage(found, listing ? { listing } : {});
  return usageView(usage, found.record?.budgetUSD);
}

/** The worktrees of the sessions that have one, as git sees them now, looked at in parallel. */
async function worktreeSummaries(services: Services, sessions: readonly FoundSession[]) {
  const owners = sessions.filter((found) => found.record?.worktree !== undefined);
  const records = owners.map((found) => found.record?.worktree as WorktreeRecord);
  const states = await inspectWorktrees(records, services.env);
  return new Map(
    owners.map((found, index) => [
      found.id,
      summarize(records[index] as WorktreeRecord, states[index] as WorktreeState),
    ]),
  );
}

/** A session as `list` gives it: its view, its worktree, and its usage and budget. */
export type ListedView = SessionView & UsageView;

export async function collectSessions(services: Services): Promise<ListedView[]> {
  const sessions = readSessions(services.settings().root);
  // git looks at the worktrees while the config dirs are walked and the transcripts read.
  const worktrees = worktreeSummaries(services, sessions);
  const listed = viewsOf(services, sessions, { usage: true });
  const summaries = await worktrees;
  return listed.map((entry) => ({
    ...entry.view,
    worktree: summaries.get(entry.found.id) ?? null,
    ...(entry.usage as UsageView),
  }));
}

/** Attached-client counts, asked of each tmux server once per listing and only when needed. */
function attachedCounter(services: Services): (socket: string, id: string) => number {
  const bySocket = new Map<string, Map<string, number>>();
  return (socket, id) => {
    let counts = bySocket.get(socket);
    if (!counts) {
      const tmux = findTmux(services.env);
      counts = tmux ? attachedClients({ binary: tmux, socket, env: services.env }) : new Map();
      bySocket.set(socket, counts);
    }
    return counts.get(id) ?? 0;
  };
}

export async function list(services: Services, options: ListOptions): Promise<number> {
  const views = await collectSessions(services);
  if (options.json) {
    services.out(`${JSON.stringify(views, null, 2)}\n`);
    return 0;
  }
  services.out(renderList(services, views));
  const settings = services.settings();
  const legacy = findLegacySessions(settings.home, settings.root);
  if (legacy.length > 0) {
    services.err(
      `claude-session: ${legacy.length} session(s) of the earlier shell version in ~/.claude/sessions: \`claude-session import\` brings them in\n`,
    );
  }
  return 0;
}

/** What a live session is doing for the STATE column: its hooks' state, else just running. */
function stateCell(view: SessionView): string {
  return view.state === 'running' && view.activity ? view.activity : view.state;
}

function modeCell(view: SessionView): string {
  if (view.mode === 'tmux' && view.attached !== null) {
    return view.attached > 0 ? `tmux (${view.attached} attached)` : 'tmux';
  }
  return view.state === 'running' ? (view.mode ?? '-') : '-';
}

export function renderList(services: Services, views: ListedView[]): string {
  const settings = services.settings();
  const now = services.now().getTime();
  if (views.length === 0) {
    return `no sessions in ${tildify(settings.root, settings.home)}: start one with \`claude-session\`\n`;
  }
  const branches = views.some((view) => view.worktree !== null);
  const costs = needsCostColumn(views);
  const rows = views.map((view) => [
    view.shortId,
    printable(view.name ?? '-'),
    stateCell(view),
    modeCell(view),
    formatAge(view.createdAt ? Date.parse(view.createdAt) : undefined, now),
    formatAge(view.lastActivityAt ? Date.parse(view.lastActivityAt) : undefined, now),
    view.pid === null ? '-' : String(view.pid),
    formatBytes(view.residentBytes ?? undefined),
    formatBytes(view.diskBytes),
    ...(costs ? [costCell(view)] : []),
    ...(branches ? [view.worktree ? printable(worktreeCell(view.worktree)) : '-'] : []),
    view.problem
      ? `${view.problem}; ${view.hint}`
      : printable(tildify(directoryShown(view.cwd, view.worktree) ?? '-', settings.home)),
  ]);
  const notes = costs ? costFootnotes(views) : [];
  const header = [
    'ID',
    'NAME',
    'STATE',
    'WHERE',
    'STARTED',
    'ACTIVE',
    'PID',
    'RSS',
    'DISK',
    ...(costs ? ['COST'] : []),
    ...(branches ? ['BRANCH'] : []),
    'DIRECTORY',
  ];
  // On a narrow terminal, PID and then STARTED (both in `show`) make room for the rest.
  const columns = services.terminalColumns();
  const kept = columns === undefined ? undefined : fitColumns(header, rows, columns, ['PID', 'STARTED']);
  const pick = (cells: string[]) => (kept ? kept.map((column) => cells[column] ?? '') : cells);
  const body = table(pick(header), rows.map(pick));
  return notes.length > 0 ? `${body}\n${notes.join('\n')}\n` : body;
}

/**
 * `list --watch`: redraws the table in place until interrupted. The pause between redraws grows with
 * the time a listing takes, so a root with thousands of sessions does not keep a core busy.
 */
export async function watchList(services: Services, options: { intervalMs: number }): Promise<number> {
  if (!services.isTerminal(1)) {
    throw new UserError(
      '--watch redraws a terminal: without one, run `claude-session list` (or --json) in a loop',
      EXIT.USAGE,
    );
  }
  const HIDE = '\x1b[?25l';
  const SHOW = '\x1b[?25h';
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  services.out(HIDE);
  try {
    while (!stopped) {
      const started = Date.now();
      const body = renderList(services, await collectSessions(services));
      const clock = services.now().toTimeString().slice(0, 8);
      const header = `claude-session list --watch · ${clock} · every ${options.intervalMs / 1000} s · Ctrl-C to stop\n\n`;
      // Home, draw, then clear what is left of a longer previous frame: no flicker.
      services.out(`\x1b[H${header}${body.replace(/\n/g, '\x1b[K\n')}\x1b[J`);
      const pause = Math.max(options.intervalMs, 2 * (Date.now() - started));
      for (let waited = 0; waited < pause && !stopped; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    services.out(SHOW);
  }
  return 0;
}
