import type { Key } from './keys.js';
import { filterRows, handle, isLive, type Row, sortRows } from './model.js';

/** What the dashboard does for a key, carried out by dashboard.ts (the reducer itself is pure). */
export type Effect =
  | { kind: 'quit' }
  | { kind: 'attach'; row: Row }
  | { kind: 'kill'; row: Row }
  | { kind: 'rm-preview'; row: Row }
  | { kind: 'rm'; row: Row }
  | { kind: 'send'; row: Row; text: string }
  | { kind: 'resume'; row: Row }
  | { kind: 'fork'; row: Row; name: string }
  | { kind: 'new'; name: string; dir: string };

export interface Question {
  label: string;
  value: string;
}

export type Mode =
  | { kind: 'list' }
  | { kind: 'filter' }
  | { kind: 'help' }
  /** A question with lines to read; with no effect, only the lines (any key closes them). */
  | { kind: 'confirm'; title: string; lines: string[]; effect: Effect | undefined }
  /** Questions asked one after the other; `finish` turns the answers into the effect. */
  | { kind: 'ask'; questions: Question[]; at: number; finish: Finish };

export type Finish = { kind: 'send'; row: Row } | { kind: 'fork'; row: Row } | { kind: 'new' };

export interface UiState {
  /** Every session, sorted. */
  rows: Row[];
  selectedId: string | null;
  filter: string;
  mode: Mode;
  /** A line shown above the footer until the next key. */
  message: string | null;
}

export function initialState(): UiState {
  return { rows: [], selectedId: null, filter: '', mode: { kind: 'list' }, message: null };
}

/** The rows the list shows now: sorted, filtered. */
export function visibleRows(state: UiState): Row[] {
  return filterRows(state.rows, state.filter);
}

export function selectedRow(state: UiState): Row | undefined {
  const rows = visibleRows(state);
  return rows.find((row) => row.id === state.selectedId) ?? rows[0];
}

/** New rows from a refresh: the selection stays on the same session while it is still shown. */
export function withRows(state: UiState, rows: readonly Row[]): UiState {
  const next = { ...state, rows: sortRows(rows) };
  const shown = visibleRows(next);
  if (!shown.some((row) => row.id === state.selectedId)) next.selectedId = shown[0]?.id ?? null;
  return next;
}

export function withMessage(state: UiState, message: string | null): UiState {
  return { ...state, message };
}

export function askConfirm(
  state: UiState,
  title: string,
  lines: string[],
  effect: Effect | undefined,
): UiState {
  return { ...state, mode: { kind: 'confirm', title, lines, effect } };
}

function move(state: UiState, by: number): UiState {
  const rows = visibleRows(state);
  if (rows.length === 0) return state;
  const at = Math.max(
    0,
    rows.findIndex((row) => row.id === selectedRow(state)?.id),
  );
  const to = Math.min(rows.length - 1, Math.max(0, at + by));
  return { ...state, selectedId: rows[to]?.id ?? null };
}

const ask = (state: UiState, questions: Question[], finish: Finish): UiState => ({
  ...state,
  mode: { kind: 'ask', questions, at: 0, finish },
});

/** Pure: the state after a key, and what to do. */
export function reduce(
  state: UiState,
  key: Key,
  context: { cwd: string } = { cwd: '' },
): { state: UiState; effect?: Effect } {
  const mode = state.mode;
  const cleared = state.message === null ? state : { ...state, message: null };
  switch (mode.kind) {
    case 'help':
      return { state: { ...cleared, mode: { kind: 'list' } } };
    case 'confirm':
      if (!mode.effect) return { state: { ...cleared, mode: { kind: 'list' } } };
      if (key === 'y' || key === 'Y')
        return { state: { ...cleared, mode: { kind: 'list' } }, effect: mode.effect };
      return { state: { ...cleared, mode: { kind: 'list' }, message: 'cancelled' } };
    case 'filter':
      return { state: editFilter(cleared, key) };
    case 'ask':
      return answer(cleared, mode, key);
    case 'list':
      return listKey(cleared, key, context);
  }
}

function editFilter(state: UiState, key: Key): UiState {
  if (key === 'enter') return { ...state, mode: { kind: 'list' } };
  if (key === 'escape' || key === 'ctrl-c')
    return withRows({ ...state, filter: '', mode: { kind: 'list' } }, state.rows);
  if (key === 'up' || key === 'down') return move(state, key === 'up' ? -1 : 1);
  const filter =
    key === 'backspace'
      ? state.filter.slice(0, -1)
      : key === 'ctrl-u'
        ? ''
        : [...key].length === 1
          ? state.filter + key
          : state.filter;
  return withRows({ ...state, filter }, state.rows);
}

function answer(
  state: UiState,
  mode: Extract<Mode, { kind: 'ask' }>,
  key: Key,
): { state: UiState; effect?: Effect } {
  const question = mode.questions[mode.at] as Question;
  if (key === 'escape' || key === 'ctrl-c')
    return { state: { ...state, mode: { kind: 'list' }, message: 'cancelled' } };
  if (key !== 'enter') {
    const value =
      key === 'backspace'
        ? [...question.value].slice(0, -1).join('')
        : key === 'ctrl-u'
          ? ''
          : [...key].length === 1
            ? question.value + key
            : question.value;
    const questions = mode.questions.map((each, index) => (index === mode.at ? { ...each, value } : each));
    return { state: { ...state, mode: { ...mode, questions } } };
  }
  if (mode.at + 1 < mode.questions.length) return { state: { ...state, mode: { ...mode, at: mode.at + 1 } } };
  const values = mode.questions.map((each) => each.value.trim());
  const back = { ...state, mode: { kind: 'list' } as Mode };
  const finish = mode.finish;
  if (finish.kind === 'send') {
    if (!values[0]) return { state: { ...back, message: 'nothing sent' } };
    return { state: back, effect: { kind: 'send', row: finish.row, text: values[0] } };
  }
  if (finish.kind === 'fork')
    return { state: back, effect: { kind: 'fork', row: finish.row, name: values[0] ?? '' } };
  return { state: back, effect: { kind: 'new', name: values[0] ?? '', dir: values[1] ?? '' } };
}

function listKey(state: UiState, key: Key, context: { cwd: string }): { state: UiState; effect?: Effect } {
  const row = selectedRow(state);
  const need = (what: string) => ({ state: { ...state, message: `no session selected to ${what}` } });
  switch (key) {
    case 'q':
    case 'ctrl-c':
      return { state, effect: { kind: 'quit' } };
    case 'up':
      return { state: move(state, -1) };
    case 'down':
    case 'j':
      return { state: move(state, 1) };
    case 'pageup':
      return { state: move(state, -10) };
    case 'pagedown':
      return { state: move(state, 10) };
    case 'home':
      return { state: move(state, -Number.MAX_SAFE_INTEGER) };
    case 'end':
      return { state: move(state, Number.MAX_SAFE_INTEGER) };
    case '?':
      return { state: { ...state, mode: { kind: 'help' } } };
    case '/':
      return { state: { ...state, mode: { kind: 'filter' } } };
    case 'escape':
      return { state: withRows({ ...state, filter: '' }, state.rows) };
    case 'n':
      return {
        state: ask(
          state,
          [
            { label: 'name (empty: none)', value: '' },
            { label: 'directory', value: context.cwd },
          ],
          { kind: 'new' },
        ),
      };
  }
  if (!['enter', 'k', 'x', 's', 'r', 'f'].includes(key)) return { state };
  if (!row) return need('act on');
  const label = row.name ?? row.shortId;
  switch (key) {
    case 'enter':
      return { state, effect: { kind: 'attach', row } };
    case 'k':
      if (!isLive(row)) return { state: { ...state, message: `${label} is not running` } };
      return {
        state: askConfirm(state, `Kill ${label}? Its Claude gets SIGTERM (SIGKILL after 10 s).`, [], {
          kind: 'kill',
          row,
        }),
      };
    case 'x':
      return { state, effect: { kind: 'rm-preview', row } };
    case 's':
      if (!isLive(row) || row.mode !== 'tmux')
        return { state: { ...state, message: `${label} does not run in tmux: nothing to send to` } };
      return { state: ask(state, [{ label: `prompt for ${label}`, value: '' }], { kind: 'send', row }) };
    case 'r':
      if (isLive(row)) return { state: { ...state, message: `${label} is running already: Enter attaches` } };
      return { state, effect: { kind: 'resume', row } };
    default:
      return {
        state: ask(
          state,
          [
            {
              label: `name of the fork of ${handle(row) === row.id ? row.shortId : label} (empty: none)`,
              value: '',
            },
          ],
          {
            kind: 'fork',
            row,
          },
        ),
      };
  }
}
