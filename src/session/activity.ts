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
