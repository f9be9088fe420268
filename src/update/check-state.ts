import { dirname, join } from 'node:path';
import { isVersion } from '../core/version.js';
import { mkdirPrivate, readFileIfExists, writeJsonAtomicSync } from '../system/files.js';

/** What the last check found, so the next session start can tell without asking the registry. */
export interface UpdateState {
  checkedAt: string | null;
  latest: string | null;
  error: string | null;
  /** The newest version the user was told about, so each is reported once. */
  notified: string | null;
}

const EMPTY: UpdateState = { checkedAt: null, latest: null, error: null, notified: null };

export function updateStatePath(root: string): string {
  return join(root, 'update', 'state.json');
}

export function readUpdateState(root: string): UpdateState {
  try {
    const json = JSON.parse(readFileIfExists(updateStatePath(root)) ?? '{}') as Partial<UpdateState>;
    return {
      checkedAt: typeof json.checkedAt === 'string' ? json.checkedAt : null,
      latest: isVersion(json.latest) ? json.latest : null,
      error: typeof json.error === 'string' ? json.error : null,
      notified: isVersion(json.notified) ? json.notified : null,
    };
  } catch {
    return { ...EMPTY };
  }
}

export function writeUpdateState(root: string, state: UpdateState): void {
  mkdirPrivate(dirname(updateStatePath(root)));
  writeJsonAtomicSync(updateStatePath(root), state);
}

/** Pure: whether a background check is due. */
export function checkDue(state: UpdateState, nowMs: number, intervalMs: number): boolean {
  if (!state.checkedAt) return true;
  const last = Date.parse(state.checkedAt);
  return !Number.isFinite(last) || nowMs - last >= intervalMs || last > nowMs + 60_000;
}

/** The lock an npm-global install holds, and new sessions wait for. */
export const NPM_GLOBAL_LOCK = 'npm-global-install';
