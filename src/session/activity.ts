import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
    const value = readFileSync(file, 'utf8').trim();
    if (!isActivity(value)) return undefined;
    return { activity: value, since: statSync(file).mtime };
  } catch {
    return undefined;
  }
}

/** Forgets the state of an earlier run: called before each launch. */
export function clearActivity(sessionDir: string): void {
  rmSync(activityFile(sessionDir), { force: true });
}

/**
 * Whether a pane's screen shows one of Claude's dialogs waiting for an answer: they end in a footer
 * with "Esc to cancel" (permission prompts, pickers, and auto mode's "can't check actions" dialog,
 * which fires no hook at all: measured on Claude Code 2.1.332). While working, it says "esc to interrupt".
 */
export function screenAwaitsAnswer(screen: string): boolean {
  return screen
    .trimEnd()
    .split('\n')
    .slice(-4)
    .some((line) => /\bEsc to cancel\b/.test(line));
}

/** A `working` state this old, in tmux, is checked against the screen (see screenAwaitsAnswer). */
export const SCREEN_CHECK_AFTER_MS = 3_000;

/** The hooks' state, corrected by the screen when it may be stale; `capture` reads the pane, or fails. */
export function observedActivity(
  state: ActivityState | undefined,
  nowMs: number,
  capture: (() => string | undefined) | undefined,
): ActivityState | undefined {
  if (state?.activity !== 'working' || !capture || nowMs - state.since.getTime() < SCREEN_CHECK_AFTER_MS) {
    return state;
  }
  const screen = capture();
  return screen !== undefined && screenAwaitsAnswer(screen)
    ? { activity: 'waiting', since: state.since }
    : state;
}
