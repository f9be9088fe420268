import { closeSync, lstatSync, readSync } from 'node:fs';
import { type AuditLine, auditLogPath, MAX_AUDIT_BYTES, parseAudit } from '../audit/audit.js';
import type { Services } from '../config/services.js';
import { EXIT, UserError } from '../core/errors.js';
import { printable } from '../core/format.js';
import { openRegularFile, readFileIfExists } from '../system/files.js';

export interface LogOptions {
  follow: boolean;
  lines: number | undefined;
  json: boolean;
}

/** Pure: one entry as a line for people. */
export function formatAuditLine(entry: AuditLine): string {
  const who = entry.session ? ` ${entry.session.slice(0, 8)}${entry.name ? ` (${entry.name})` : ''}` : '';
  const detail = entry.detail ? `  ${entry.detail}` : '';
  return printable(`${entry.time}  ${entry.user}  ${entry.action}${who}  ${entry.outcome}${detail}`);
}

/** `claude-session log`: the audit log, the last entries, and with --follow what comes after. */
export async function log(services: Services, options: LogOptions): Promise<number> {
  if (options.lines !== undefined && (!Number.isInteger(options.lines) || options.lines < 0)) {
    throw new UserError('--lines takes a whole number, e.g. -n 20', EXIT.USAGE);
  }
  const path = auditLogPath(services.settings().root);
  const show = (entries: AuditLine[]) => {
    for (const entry of entries)
      services.out(`${options.json ? JSON.stringify(entry) : formatAuditLine(entry)}\n`);
  };
  // At most two rotations' worth: the log moves aside at 4 MiB.
  const text = readFileIfExists(path, { maxBytes: 4 * MAX_AUDIT_BYTES }) ?? '';
  const entries = parseAudit(text);
  show(options.lines === undefined ? entries : options.lines === 0 ? [] : entries.slice(-options.lines));
  if (!options.json && !options.follow && entries.length === 0)
    services.err(`claude-session: no entries in ${path} yet\n`);
  if (!options.follow) return 0;
  let offset = Buffer.byteLength(text);
  let partial = '';
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const size = lstatSync(path, { throwIfNoEntry: false })?.size ?? 0;
    if (size < offset) {
      offset = 0; // rotated
      partial = '';
    }
    if (size === offset) continue;
    const buffer = Buffer.alloc(Math.min(size - offset, 4 * MAX_AUDIT_BYTES));
    const { fd } = openRegularFile(path);
    try {
      readSync(fd, buffer, 0, buffer.length, offset);
    } finally {
      closeSync(fd);
    }
    offset = size;
    const chunk = partial + buffer.toString('utf8');
    const cut = chunk.lastIndexOf('\n') + 1;
    partial = chunk.slice(cut);
    show(parseAudit(chunk.slice(0, cut)));
  }
}
