/** The dashboard's rows and their order (pure). */

export type RowState = 'waiting' | 'working' | 'idle' | 'running' | 'exited' | 'empty' | 'broken';

/** One session as the dashboard shows it. */
export interface Row {
  id: string;
  shortId: string;
  name: string | null;
  state: RowState;
  /** When the live state began (ms), if known. */
  sinceMs: number | undefined;
  /** The worktree's branch, else the directory (tildified). */
  where: string;
  residentBytes: number | undefined;
  lastActivityMs: number | undefined;
  /** Running in tmux (Enter switches to it), in a terminal, or not running. */
  mode: 'tmux' | 'terminal' | null;
  attached: number;
  configDir: string;
  /** The start-up question on its screen, when it waits on one before any hook. */
  dialog: string | null;
  problem: string | null;
}

/** A symbol and a word per state: told apart without colour (NO_COLOR). */
export const STATE_MARK: Record<RowState, string> = {
  waiting: '!',
  working: '*',
  idle: '-',
  running: '~',
  exited: '.',
  empty: ' ',
  broken: 'x',
};

const RANK: Record<RowState, number> = {
  waiting: 0,
  working: 1,
  idle: 2,
  running: 3,
  exited: 4,
  empty: 5,
  broken: 6,
};

export const isLive = (row: Row): boolean =>
  row.state === 'waiting' || row.state === 'working' || row.state === 'idle' || row.state === 'running';

/** `waiting` first (longest waiting first), then working, idle, the rest; newest activity first within. */
export function sortRows(rows: readonly Row[]): Row[] {
  return [...rows].sort((a, b) => {
    const rank = RANK[a.state] - RANK[b.state];
    if (rank !== 0) return rank;
    if (a.state === 'waiting') return (a.sinceMs ?? 0) - (b.sinceMs ?? 0) || a.id.localeCompare(b.id);
    return (b.lastActivityMs ?? 0) - (a.lastActivityMs ?? 0) || a.id.localeCompare(b.id);
  });
}

/** Rows whose name, short id, state or place contains every word of the filter (any case). */
export function filterRows(rows: readonly Row[], filter: string): Row[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...rows];
  return rows.filter((row) => {
    const haystack = `${row.name ?? ''} ${row.shortId} ${row.state} ${row.where}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** The handle commands take for a row: its name, else its id. */
export const handle = (row: Row): string => row.name ?? row.id;
