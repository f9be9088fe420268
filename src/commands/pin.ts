import { existsSync } from 'node:fs';
import { audit } from '../audit/audit.js';
import type { Services } from '../config/services.js';
import { UserError } from '../core/errors.js';
import { findSession } from '../store/find.js';
import { locksDir, sessionLabel, shortId } from '../store/layout.js';
import type { SessionRecord } from '../store/record.js';
import { readSession } from '../store/records.js';
import { writeJsonAtomicSync } from '../system/files.js';
import { withLock } from '../system/lock.js';

export interface PinOptions {
  query: string;
  pinned: boolean;
}

/** `claude-session pin|unpin SESSION`: a pinned session is kept by cleanup whatever its age. */
export async function pin(services: Services, options: PinOptions): Promise<number> {
  const root = services.settings().root;
  const found = findSession(root, options.query);
  const verb = options.pinned ? 'pinned' : 'unpinned';
  // Under the session's lock: resume and cleanup read and write the record under it too.
  const outcome = withLock(locksDir(root), `session-${found.id}`, () => {
    const session = readSession(root, found.id);
    if (!existsSync(session.paths.dir)) {
      throw new UserError(`session ${shortId(found.id)} was removed just now: see \`claude-session list\``);
    }
    if (!session.record) {
      throw new UserError(
        `session ${shortId(found.id)} is broken (${session.problem}): inspect ${session.paths.record}`,
      );
    }
    if ((session.record.pinned === true) === options.pinned)
      return { record: session.record, changed: false };
    const { pinned: _, ...rest } = session.record;
    const updated: SessionRecord = options.pinned ? { ...rest, pinned: true } : rest;
    writeJsonAtomicSync(session.paths.record, updated);
    audit(root, { action: verb, session: updated.id, name: updated.name, outcome: 'ok' });
    return { record: updated, changed: true };
  });
  const record = outcome.record;
  if (!outcome.changed) {
    services.out(`session ${sessionLabel(record.id, record.name)} is already ${verb}\n`);
    return 0;
  }
  services.out(
    options.pinned
      ? `pinned session ${sessionLabel(record.id, record.name)}: cleanup keeps it until \`claude-session unpin\`\n`
      : `unpinned session ${sessionLabel(record.id, record.name)}: cleanup may remove it when it is old or empty\n`,
  );
  return 0;
}
