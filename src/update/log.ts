import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { printable } from '../core/format.js';

/**
 * update.log: one human-readable line per event, appended with a single write to a file opened with
 * O_APPEND, so lines from processes writing at once never interleave, and `tail -f` shows them as they
 * come. At MAX_BYTES the log moves to update.log.1 (one generation is kept).
 */
export const MAX_LOG_BYTES = 1024 * 1024;

export function updateLogPath(root: string): string {
  return join(root, 'update.log');
}

export interface UpdateEvent {
  action: 'check' | 'install' | 'switch' | 'rollback' | 'remove' | 'skip';
  from?: string | null;
  to?: string | null;
  outcome: string;
  durationMs?: number;
  reason?: string;
}

/** Pure: the line for an event. Values are single-line and printable, whatever a registry sent. */
export function formatEvent(time: Date, pid: number, event: UpdateEvent): string {
  const clean = (value: string) => printable(value.replace(/\s+/g, ' ')).slice(0, 300);
  const parts = [time.toISOString(), event.action.padEnd(8), `outcome=${clean(event.outcome)}`];
  if (event.from !== undefined) parts.push(`from=${event.from === null ? '-' : clean(event.from)}`);
  if (event.to !== undefined) parts.push(`to=${event.to === null ? '-' : clean(event.to)}`);
  if (event.durationMs !== undefined) parts.push(`duration=${Math.round(event.durationMs)}ms`);
  parts.push(`pid=${pid}`);
  if (event.reason) parts.push(`reason="${clean(event.reason).replace(/"/g, "'")}"`);
  return `${parts.join(' ')}\n`;
}

export function logUpdate(root: string, event: UpdateEvent, now = new Date()): void {
  const path = updateLogPath(root);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if ((statSync(path, { throwIfNoEntry: false })?.size ?? 0) >= MAX_LOG_BYTES) {
      // Two processes may both rotate: the second rename moves a fresh, short log aside; nothing is lost
      // but the older generation, as with any single-generation rotation.
      renameSync(path, `${path}.1`);
    }
    appendFileSync(path, formatEvent(now, process.pid, event), { mode: 0o600 });
  } catch {
    // The log is an audit trail, not a reason to fail an update or a session start.
  }
}
