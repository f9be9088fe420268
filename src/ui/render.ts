import { formatBytes } from '../core/format.js';
import { isLive, type Row, STATE_MARK } from './model.js';
import { selectedRow, type UiState, visibleRows } from './state.js';
import { fitCells } from './text.js';

/** What a frame is drawn from besides the state. */
export interface FrameInput {
  width: number;
  height: number;
  color: boolean;
  nowMs: number;
  /** The selected session's screen (live pane) or the end of its conversation; already read. */
  preview: { title: string; lines: string[] };
  /** How to come back here from a session, e.g. `C-b u`; undefined outside tmux. */
  returnKey: string | undefined;
}

const SGR = {
  reset: '\u001b[m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  reverse: '\u001b[7m',
  yellow: '\u001b[33m',
  green: '\u001b[32m',
  red: '\u001b[31m',
};

export const FOOTER_KEYS: [string, string][] = [
  ['Enter', 'attach'],
  ['?', 'help'],
  ['q', 'quit'],
  ['/', 'filter'],
  ['s', 'send'],
  ['k', 'kill'],
  ['x', 'remove'],
  ['r', 'resume'],
  ['f', 'fork'],
  ['n', 'new'],
];

export const HELP_LINES = (returnKey: string | undefined): string[] => [
  'Keys',
  '  Up/Down, j, PgUp/PgDn  select a session',
  '  Enter   attach: this terminal switches to the session (resumes an ended one)',
  `  ${(returnKey ?? '-').padEnd(7)} from any session of ours: back to this dashboard`,
  '  /       filter by name, id, state or place (Esc clears)',
  '  s       send a prompt to the selected session (in tmux)',
  '  k       kill the selected session (asks first)',
  '  x       remove the selected session: shows what would be lost, asks first',
  '  r       resume the selected ended session in tmux',
  '  f       fork the selected session into a new worktree',
  '  n       start a new session (name, directory)',
  '  q       quit (nothing stays running; sessions go on)',
  '',
  'States:  ! waiting  * working  - idle  ~ running  . exited  (blank) empty  x broken',
  'Any key closes this help.',
];

/** A compact age: 5s, 3m, 2h, 4d. */
export function shortAge(thenMs: number | undefined, nowMs: number): string {
  if (thenMs === undefined) return '-';
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

interface Columns {
  name: number;
  where: number;
}

function columns(width: number): Columns {
  // "> ! waiting  12m  NAME  WHERE  MEMORY  ACTIVE"
  const fixed = 2 + 9 + 1 + 5 + 2 + 2 + 6 + 2 + 4;
  const room = Math.max(4, width - fixed);
  if (width < 70) return { name: room, where: 0 };
  const name = Math.min(24, Math.max(10, Math.floor(room * 0.4)));
  return { name, where: Math.max(0, room - name - 2) };
}

function rowText(row: Row, cols: Columns, selected: boolean, nowMs: number): string {
  const since = isLive(row) ? shortAge(row.sinceMs, nowMs) : '';
  const state = row.state === 'empty' ? 'empty' : row.state;
  const name = row.name ?? row.shortId;
  const where = row.problem ?? row.where;
  return [
    selected ? '>' : ' ',
    ' ',
    STATE_MARK[row.state],
    ' ',
    state.padEnd(7),
    ' ',
    since.padStart(5),
    '  ',
    fitCells(name, cols.name),
    cols.where > 0 ? `  ${fitCells(where, cols.where)}` : '',
    '  ',
    (isLive(row) ? formatBytes(row.residentBytes) : '').padStart(6),
    '  ',
    shortAge(row.lastActivityMs, nowMs).padStart(4),
  ].join('');
}

function style(row: Row, color: boolean): string {
  if (row.state === 'waiting') return SGR.bold + (color ? SGR.yellow : '');
  if (!color) return row.state === 'exited' || row.state === 'empty' ? SGR.dim : '';
  if (row.state === 'working') return SGR.green;
  if (row.state === 'broken') return SGR.red;
  if (row.state === 'exited' || row.state === 'empty') return SGR.dim;
  return '';
}

const painted = (text: string, sgr: string) => (sgr ? `${sgr}${text}${SGR.reset}` : text);

/** Pure: the frame, one string per terminal line, each exactly `width` cells wide. */
export function renderFrame(state: UiState, input: FrameInput): string[] {
  const { width, height, nowMs } = input;
  const line = (text: string) => fitCells(text, width);
  const rows = visibleRows(state);
  const selected = selectedRow(state);
  const waiting = state.rows.filter((row) => row.state === 'waiting').length;
  const live = state.rows.filter(isLive).length;
  const out: string[] = [];
  const clock = new Date(nowMs).toTimeString().slice(0, 8);
  const title = ` claude-session · ${state.rows.length} sessions, ${live} live${waiting ? `, ${waiting} waiting` : ''}${state.filter ? ` · filter: ${state.filter}` : ''}`;
  out.push(painted(fitCells(`${fitCells(title, Math.max(0, width - 9))} ${clock}`, width), SGR.reverse));
  const cols = columns(width);
  out.push(
    painted(
      line(
        `    STATE   SINCE  ${fitCells('NAME', cols.name)}${cols.where > 0 ? `  ${fitCells('BRANCH / DIRECTORY', cols.where)}` : ''}  MEMORY  LAST`,
      ),
      SGR.dim,
    ),
  );
  const fixed = 5;
  const avail = Math.max(1, height - fixed);
  const withPreview = height >= 12;
  const listHeight = withPreview
    ? Math.max(3, Math.min(Math.max(rows.length, 3), Math.floor(avail * 0.45)))
    : avail + 1;
  const previewHeight = withPreview ? avail - listHeight : 0;

  if (state.mode.kind === 'help') {
    const help = HELP_LINES(input.returnKey);
    for (let index = 0; index < listHeight + (withPreview ? previewHeight + 1 : 0); index++)
      out.push(line(help[index] ?? ''));
  } else {
    const at = Math.max(
      0,
      rows.findIndex((row) => row.id === selected?.id),
    );
    // The selection stays in the middle of the list once it is longer than the screen.
    const top = Math.max(0, Math.min(at - Math.floor(listHeight / 2), rows.length - listHeight));
    for (let index = 0; index < listHeight; index++) {
      const row = rows[top + index];
      if (!row) {
        out.push(
          line(
            index === 0 && rows.length === 0
              ? state.filter
                ? '  no session matches the filter'
                : '  no sessions yet: n starts one'
              : '',
          ),
        );
        continue;
      }
      const isSelected = row.id === selected?.id;
      const sgr = style(row, input.color) + (isSelected ? SGR.reverse : '');
      out.push(painted(line(rowText(row, cols, isSelected, nowMs)), sgr));
    }
    if (withPreview) {
      if (state.mode.kind === 'confirm') {
        out.push(painted(line(`── ${state.mode.title} `.padEnd(width, '─')), SGR.bold));
        for (let index = 0; index < previewHeight; index++) out.push(line(state.mode.lines[index] ?? ''));
      } else {
        out.push(painted(fitCells(`── ${input.preview.title} `.padEnd(width, '─'), width), SGR.dim));
        const lines = input.preview.lines.slice(-previewHeight);
        for (let index = 0; index < previewHeight; index++) out.push(line(lines[index] ?? ''));
      }
    }
  }
  out.push(statusLine(state, width, input));
  out.push(painted(footer(width, input.returnKey), SGR.reverse));
  return out.slice(0, height);
}

function statusLine(state: UiState, width: number, input: FrameInput): string {
  const mode = state.mode;
  if (mode.kind === 'filter') return fitCells(`/${state.filter}▏  Enter keeps it, Esc clears`, width);
  if (mode.kind === 'ask') {
    const question = mode.questions[mode.at];
    return fitCells(`${question?.label}: ${question?.value ?? ''}▏  Enter ok, Esc cancels`, width);
  }
  if (mode.kind === 'confirm') {
    const answer = mode.effect ? 'y: yes, any other key: no' : 'any key closes';
    const text = width >= 60 || mode.lines.length === 0 ? `${mode.title}  ${answer}` : answer;
    return painted(fitCells(text, width), SGR.bold);
  }
  if (state.message) return fitCells(` ${state.message}`, width);
  const row = selectedRow(state);
  if (!row) return fitCells('', width);
  const detail = row.dialog
    ? `waits on a question: ${row.dialog}`
    : row.problem
      ? row.problem
      : row.mode === 'terminal' && isLive(row)
        ? 'runs in a terminal'
        : '';
  const back =
    input.returnKey && row.mode === 'tmux' && isLive(row) ? ` · ${input.returnKey} comes back` : '';
  return painted(
    fitCells(
      ` ${row.name ?? '-'} · ${row.shortId} · ${row.where}${detail ? ` · ${detail}` : ''}${back}`,
      width,
    ),
    SGR.dim,
  );
}

function footer(width: number, returnKey: string | undefined): string {
  const parts = FOOTER_KEYS.map(([key, what]) => `${key} ${what}`);
  if (returnKey) parts.splice(3, 0, `${returnKey} back here`);
  let text = '';
  for (const part of parts) {
    const next = text ? `${text}  ${part}` : ` ${part}`;
    if (next.length > width) break;
    text = next;
  }
  return fitCells(text, width);
}
