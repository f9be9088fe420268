import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Services } from '../config/services.js';
import type { SessionRecord } from '../store/record.js';
import { readRegularFile } from '../system/files.js';
import { capturePane } from '../system/tmux.js';
import { type DialogKind, readScreen } from './screen.js';

/**
 * What Claude is doing in a live session, as its hooks last reported (libexec/hook writes
 * `<session dir>/state`; the file's mtime is when that state began).
 */
export const ACTIVITIES = ['working', 'waiting', 'idle'] as const;
export type Activity = (typeof ACTIVITIES)[number];

export interface ActivityState {
  activity: Activity;
  since: Date;
  /** Read from the screen before Claude's first hook: the start-up question it waits on. */
  dialog?: DialogKind;
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
  // Not rmSync: it loads its own module (rimraf) on every launch.
  try {
    unlinkSync(activityFile(sessionDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** A `working` or `waiting` state this old, in tmux, is checked against the screen (see observedActivity). */
export const SCREEN_CHECK_AFTER_MS = 3_000;

/**
 * The hooks' state, corrected by the screen where hooks say nothing (see screen.ts). `capture` reads
 * the pane, or fails; `launchedAt` is when this Claude was started.
 * - No hook yet: a dialog on screen is a start-up question (folder trust, API key): `waiting` since
 *   the launch, with which one; anything else is not known yet.
 * - `working` or `waiting` unchanged for a while: a dialog on screen means `waiting`; Claude's input
 *   box with nothing working means `idle` (Esc interrupted it, or dismissed a permission prompt: no
 *   hook fires for either); the box with Claude working after a permission prompt means `working`.
 */
export function observedActivity(
  state: ActivityState | undefined,
  nowMs: number,
  capture: (() => string | undefined) | undefined,
  launchedAt?: Date,
): ActivityState | undefined {
  if (!capture) return state;
  if (state === undefined) {
    const reading = read(capture);
    if (!reading?.awaitsAnswer) return undefined;
    return { activity: 'waiting', since: launchedAt ?? new Date(nowMs), dialog: reading.dialog };
  }
  if (state.activity === 'idle' || nowMs - state.since.getTime() < SCREEN_CHECK_AFTER_MS) return state;
  const reading = read(capture);
  if (!reading) return state;
  if (reading.awaitsAnswer) return { activity: 'waiting', since: state.since };
  if (!reading.promptShown) return state;
  if (!reading.busy) return { activity: 'idle', since: state.since };
  return { activity: 'working', since: state.since };
}

function read(capture: () => string | undefined): ReturnType<typeof readScreen> | undefined {
  const screen = capture();
  return screen === undefined ? undefined : readScreen(screen);
}

/**
 * The live state of a running session: its hooks', checked against its pane when it may be stale or
 * no hook has reported yet (`tmuxBinary` undefined: the pane is not looked at).
 */
export function liveActivity(
  services: Services,
  sessionDir: string,
  record: SessionRecord,
  tmuxBinary: string | undefined,
): ActivityState | undefined {
  const socket = record.tmux?.socket;
  const capture =
    socket && tmuxBinary
      ? () => {
          try {
            return capturePane({ binary: tmuxBinary, socket, env: services.env }, record.id);
          } catch {
            return undefined;
          }
        }
      : undefined;
  const launched = Date.parse(record.process?.startedAt ?? record.lastLaunchAt);
  return observedActivity(
    readActivity(sessionDir),
    services.now().getTime(),
    capture,
    Number.isFinite(launched) ? new Date(launched) : undefined,
  );
}
