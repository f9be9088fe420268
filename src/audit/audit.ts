import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The audit log: every state-changing action as one JSON line in `<root>/audit.log`, appended with a
 * single write to a file opened with O_APPEND, so that processes writing at once never interleave a
 * line. At MAX_AUDIT_BYTES it moves to audit.log.1.
 */
export const MAX_AUDIT_BYTES = 4 * 1024 * 1024;

export type AuditAction =
  | 'created'
  | 'resumed'
  | 'ended'
  | 'killed'
  | 'pinned'
  | 'unpinned'
  | 'renamed'
  | 'removed'
  | 'merged'
  | 'imported'
  | 'update-installed'
  | 'update-rolled-back'
  | 'protection-changed'
  | 'answers-kept'
  | 'answers-forgotten';

export interface AuditEntry {
  action: AuditAction;
  session?: string;
  name?: string | null;
  outcome: 'ok' | 'failed' | 'skipped';
  detail?: string;
}

export interface AuditLine extends AuditEntry {
  time: string;
  user: string;
  pid: number;
}

export function auditLogPath(root: string): string {
  return join(root, 'audit.log');
}

let user: string | undefined;

/** Pure: the line for an entry. */
export function auditLine(entry: AuditEntry, time: Date, who: string, pid: number): string {
  const line: AuditLine = { time: time.toISOString(), user: who, pid, ...entry };
  if (line.detail !== undefined) line.detail = line.detail.slice(0, 500);
  return `${JSON.stringify(line)}\n`;
}

/** Appends an entry; false when it could not be written (a full disk), which never stops the action. */
export function audit(root: string, entry: AuditEntry, now = new Date()): boolean {
  const path = auditLogPath(root);
  try {
    user ??= userInfo().username;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if ((statSync(path, { throwIfNoEntry: false })?.size ?? 0) >= MAX_AUDIT_BYTES)
      renameSync(path, `${path}.1`);
    appendFileSync(path, auditLine(entry, now, user, process.pid), { mode: 0o600 });
    return true;
  } catch {
    // An audit trail that cannot be written must not stop the action it records.
    return false;
  }
}

/** Parses the log's lines; lines that are not entries (a torn last line after a crash) are skipped. */
export function parseAudit(text: string): AuditLine[] {
  const entries: AuditLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as AuditLine;
      if (typeof value.time === 'string' && typeof value.action === 'string') entries.push(value);
    } catch {}
  }
  return entries;
}
