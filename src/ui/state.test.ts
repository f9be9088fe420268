import { describe, expect, it } from 'vitest';
import type { Row, RowState } from './model.js';
import { filterRows, sortRows } from './model.js';
import { renderFrame } from './render.js';
import { initialState, reduce, selectedRow, type UiState, withRows } from './state.js';
import { textWidth } from './text.js';

const NOW = Date.parse('2026-01-02T10:00:00Z');

function row(name: string, state: RowState, extra: Partial<Row> = {}): Row {
  return {
    id: `${name}-0000-0000-0000-000000000000`,
    shortId: `${name.slice(0, 4)}1234`,
    name,
    state,
    sinceMs: NOW - 60_000,
    where: '~/src/app',
    residentBytes: 200 * 1024 * 1024,
    lastActivityMs: NOW - 5_000,
    mode: 'tmux',
    attached: 0,
    configDir: '/tmp/x',
    dialog: null,
    problem: null,
    ...extra,
  };
}

const rows = [
  row('idle1', 'idle', { lastActivityMs: NOW - 1000 }),
  row('gone', 'exited', { mode: 'tmux' }),
  row('late', 'waiting', { sinceMs: NOW - 1000 }),
  row('busy', 'working'),
  row('early', 'waiting', { sinceMs: NOW - 100_000 }),
];

function press(state: UiState, ...keys: string[]) {
  let effect: ReturnType<typeof reduce>['effect'];
  for (const key of keys) ({ state, effect } = reduce(state, key, { cwd: '/work' }));
  return { state, effect };
}

describe('sortRows and filterRows', () => {
  it('puts waiting first, the longest waiting at the top, then working, idle, ended', () => {
    expect(sortRows(rows).map((each) => each.name)).toEqual(['early', 'late', 'busy', 'idle1', 'gone']);
  });
  it('filters on every word, any case', () => {
    expect(filterRows(rows, 'WAIT').map((each) => each.name)).toEqual(['late', 'early']);
    expect(filterRows(rows, 'wait ear').map((each) => each.name)).toEqual(['early']);
    expect(filterRows(rows, '  ')).toHaveLength(5);
  });
});

describe('reduce', () => {
  const start = withRows(initialState(), rows);
  it('selects the first row, moves, and keeps the selection across refreshes', () => {
    expect(selectedRow(start)?.name).toBe('early');
    const { state } = press(start, 'down', 'down');
    expect(selectedRow(state)?.name).toBe('busy');
    const refreshed = withRows(state, [...rows].reverse());
    expect(selectedRow(refreshed)?.name).toBe('busy');
    expect(selectedRow(press(state, 'up', 'up', 'up').state)?.name).toBe('early');
    expect(selectedRow(press(state, 'end').state)?.name).toBe('gone');
  });
  it('Enter attaches the selected row; q quits', () => {
    expect(press(start, 'enter').effect).toMatchObject({ kind: 'attach', row: { name: 'early' } });
    expect(press(start, 'q').effect).toEqual({ kind: 'quit' });
  });
  it('k asks first, and kills only on y', () => {
    const asked = press(start, 'k');
    expect(asked.state.mode.kind).toBe('confirm');
    expect(asked.effect).toBeUndefined();
    expect(press(asked.state, 'y').effect).toMatchObject({ kind: 'kill', row: { name: 'early' } });
    const no = press(asked.state, 'n');
    expect(no.effect).toBeUndefined();
    expect(no.state.message).toBe('cancelled');
  });
  it('k on an ended session says so', () => {
    const { state, effect } = press(start, 'end', 'k');
    expect(effect).toBeUndefined();
    expect(state.message).toMatch(/not running/);
  });
  it('x asks for the removal preview; r resumes only an ended session', () => {
    expect(press(start, 'x').effect).toMatchObject({ kind: 'rm-preview' });
    expect(press(start, 'r').state.message).toMatch(/running already/);
    expect(press(start, 'end', 'r').effect).toMatchObject({ kind: 'resume', row: { name: 'gone' } });
  });
  it('s asks for a prompt and sends it; Esc cancels; an empty one is not sent', () => {
    const typed = press(start, 's', 'h', 'i', ' ', 'x', 'backspace', 'enter');
    expect(typed.effect).toMatchObject({ kind: 'send', text: 'hi', row: { name: 'early' } });
    expect(press(start, 's', 'a', 'escape').effect).toBeUndefined();
    expect(press(start, 's', 'enter').state.message).toBe('nothing sent');
  });
  it('n asks a name then a directory (the current one by default)', () => {
    expect(press(start, 'n', 'a', 'p', 'i', 'enter', 'enter').effect).toEqual({
      kind: 'new',
      name: 'api',
      dir: '/work',
    });
  });
  it('f asks for the fork name', () => {
    expect(press(start, 'f', 'b', 'enter').effect).toMatchObject({
      kind: 'fork',
      name: 'b',
      row: { name: 'early' },
    });
  });
  it('/ filters as one types, Enter keeps the filter, Esc clears it', () => {
    const filtered = press(start, '/', 'b', 'u');
    expect(filtered.state.filter).toBe('bu');
    expect(selectedRow(filtered.state)?.name).toBe('busy');
    const kept = press(filtered.state, 'enter');
    expect(kept.state.mode.kind).toBe('list');
    expect(kept.state.filter).toBe('bu');
    expect(press(kept.state, 'escape').state.filter).toBe('');
    // Letters typed in the filter are not commands.
    expect(press(start, '/', 'q', 'k').effect).toBeUndefined();
  });
  it('? shows the help, any key closes it', () => {
    const help = press(start, '?');
    expect(help.state.mode.kind).toBe('help');
    expect(press(help.state, 'q').state.mode.kind).toBe('list');
    expect(press(help.state, 'q').effect).toBeUndefined();
  });
});

describe('renderFrame', () => {
  const state = withRows(initialState(), rows);
  const input = (width: number, height: number, color = true) => ({
    width,
    height,
    color,
    nowMs: NOW,
    preview: { title: 'early (live)', lines: ['line one', '\u001b[31mred\u001b[m'] },
    returnKey: 'C-b u',
  });
  const ESC = '\u001b';
  const visible = (line: string) => line.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '');

  it.each([
    [80, 24],
    [60, 15],
    [120, 40],
    [40, 8],
  ])('fills exactly %ix%i', (width, height) => {
    const frame = renderFrame(state, input(width, height));
    expect(frame).toHaveLength(height);
    for (const line of frame) expect(textWidth(visible(line))).toBe(width);
  });

  it('shows each state as a symbol and a word, waiting first, without colour under NO_COLOR', () => {
    const frame = renderFrame(state, input(80, 24, false)).map(visible);
    const text = frame.join('\n');
    expect(frame[2]).toMatch(/^> ! waiting +1m {2}early/);
    expect(text).toMatch(/\* working/);
    expect(text).toMatch(/- idle/);
    expect(text).toMatch(/\. exited/);
    expect(renderFrame(state, input(80, 24, false)).join('')).not.toMatch(new RegExp(`${ESC}\\[3[0-9]m`));
    expect(renderFrame(state, input(80, 24, true)).join('')).toContain(`${ESC}[33m`);
  });

  it('shows the preview without its escape sequences, and the keys in the footer', () => {
    const frame = renderFrame(state, input(80, 24)).map(visible);
    expect(frame).toContain(`${'red'.padEnd(80)}`);
    expect(frame.at(-1)).toMatch(/Enter attach {2}\? help {2}q quit {2}C-b u back here/);
  });

  it('keeps a long list scrolled to the selection', () => {
    const many = Array.from({ length: 50 }, (_, index) =>
      row(`s${String(index).padStart(2, '0')}`, 'idle', { lastActivityMs: NOW - index * 1000 }),
    );
    const moved = press(withRows(initialState(), many), ...Array(40).fill('down')).state;
    const frame = renderFrame(moved, input(80, 24)).map(visible);
    expect(frame.some((line) => line.startsWith('> - idle') && line.includes('s40'))).toBe(true);
  });
});
