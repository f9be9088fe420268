import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularFile } from '../system/files.js';
import { readScreen } from './screen.js';

/**
 * What Claude is doing in a live session, as its hooks last reported (libexec/hook writes
 * `<session dir>/state`; the file's mtime is when that state began).
 */
export const ACTIVITIES = ['working', 'waiting', 'idle'] as const;
export type Activity = (typeof ACTIVITIES)[number];

export interface ActivityState {
  activity: Activity;
  since: Date;
}

export function activityFile(sessionDir: string): string {
  return join(sessionDir, 'state');
}

export function isActivity(value: string): value is Activity {
  return (ACTIVITIES as readonly string[]).includes(value);
}

/** The last reported state, or undefined when no hook has reported since the launch. */
export function readActivity(sessionDir: string): ActivityState | undefined {
  const file = activityFile(sessionDir);
  try {
    const { text, stat } = readRegularFile(file, { maxBytes: 256 });
    const value = text.trim();
    if (!isActivity(value)) return undefined;
    return { activity: value, since: stat.mtime };
  } catch {
    return undefined;
  }
}

/** Forgets the state of an earlier run: called before each launch. */
export function clearActivity(sessionDir: string): void {
  rmSync(activityFile(sessionDir), { force: true });
}

/** A `working` or `waiting` state this old, in tmux, is checked against the screen (see observedActivity). */
export const SCREEN_CHECK_AFTER_MS = 3_000;

/**
 * The hooks' state, corrected by the screen when it may be stale (see screen.ts): a `working` or
 * `waiting` state that has not changed for a while is `waiting` when a dialog is on screen; `idle` when
 * Claude's input box shows and nothing says it works (Esc interrupted it, or dismissed a permission
 * prompt: no hook fires for either); `working` when the box shows with Claude working after a
 * permission prompt. `capture` reads the pane, or fails.
 */
export function observedActivity(
  state: ActivityState | undefined,
  nowMs: number,
  capture: (() => string | undefined) | undefined,
): ActivityState | undefined {
  if (
    state === undefined ||
    state.activity === 'idle' ||
    !capture ||
    nowMs - state.since.getTime() < SCREEN_CHECK_AFTER_MS
  ) {
    return state;
  }
  const screen = capture();
  if (screen === undefined) return state;
  const reading = readScreen(screen);
  if (reading.awaitsAnswer) return { activity: 'waiting', since: state.since };
  if (!reading.promptShown) return state;
  if (!reading.busy) return { activity: 'idle', since: state.since };
  return { activity: 'working', since: state.since };
}
