import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { type AuditLine, auditLogPath, parseAudit } from '../audit/audit.js';
import { UserError } from '../cli/errors.js';
import { printable } from '../cli/format.js';
import type { Services } from '../cli/services.js';
import { readFileIfExists } from '../system/files.js';

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
    throw new UserError('--lines takes a whole number, e.g. -n 20', 2);
  }
  const path = auditLogPath(services.settings().root);
  const show = (entries: AuditLine[]) => {
    for (const entry of entries)
      services.out(`${options.json ? JSON.stringify(entry) : formatAuditLine(entry)}\n`);
  };
  const text = readFileIfExists(path) ?? '';
  const entries = parseAudit(text);
  show(options.lines === undefined ? entries : options.lines === 0 ? [] : entries.slice(-options.lines));
  if (!options.json && !options.follow && entries.length === 0)
    services.err(`claude-session: no entries in ${path} yet\n`);
  if (!options.follow) return 0;
  let offset = Buffer.byteLength(text);
  let partial = '';
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    if (size < offset) {
      offset = 0; // rotated
      partial = '';
    }
    if (size === offset) continue;
    const buffer = Buffer.alloc(size - offset);
    const fd = openSync(path, 'r');
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
