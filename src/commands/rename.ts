import { existsSync, readlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { audit } from '../audit/audit.js';
import type { Services } from '../config/services.js';
import { UserError } from '../core/errors.js';
import { tmuxOf } from '../live/lookup.js';
import { findSession } from '../store/find.js';
import { locksDir, sessionLabel, shortId } from '../store/layout.js';
import { assertNameEntryOurs, indexName, lookupName, namesDir } from '../store/names.js';
import { nameProblem, type SessionRecord } from '../store/record.js';
import { readSession } from '../store/records.js';
import { writeJsonAtomicSync } from '../system/files.js';
import { withLock } from '../system/lock.js';
import { setTitle } from '../system/tmux.js';

export interface RenameOptions {
  query: string;
  name: string;
}

/**
 * `claude-session rename SESSION NAME`. Under the session's lock (resume, pin and cleanup write the
 * record under it), then the names lock (a new session takes its name under it): the new name is
 * indexed first, then the record changes, then the old entry goes. An entry whose session has another
 * name is stale (names.ts), so a rename interrupted anywhere leaves one name in force, never two.
 */
export async function rename(services: Services, options: RenameOptions): Promise<number> {
  const problem = nameProblem(options.name);
  if (problem) throw new UserError(problem);
  const { root } = services.settings();
  const { id } = findSession(root, options.query);
  const outcome = withLock(locksDir(root), `session-${id}`, () => {
    const session = readSession(root, id);
    if (!existsSync(session.paths.dir)) {
      throw new UserError(`session ${shortId(id)} was removed just now: see \`claude-session list\``);
    }
    const record = session.record;
    if (!record) {
      throw new UserError(
        `session ${shortId(id)} is broken (${session.problem}): inspect ${session.paths.record}`,
      );
    }
    if (record.name === options.name) return { record, previous: record.name };
    return withLock(locksDir(root), 'names', () => {
      assertNameEntryOurs(root, options.name);
      const holder = lookupName(root, options.name);
      if (holder) {
        throw new UserError(
          `the name "${options.name}" is taken by session ${shortId(holder)}: choose another, or rename that one first`,
        );
      }
      indexName(root, options.name, id);
      const updated: SessionRecord = { ...record, name: options.name };
      writeJsonAtomicSync(session.paths.record, updated);
      if (record.name) forgetName(root, record.name, id);
      audit(root, {
        action: 'renamed',
        session: id,
        name: options.name,
        outcome: 'ok',
        detail: record.name ? `from "${record.name}"` : 'had no name',
      });
      return { record: updated, previous: record.name };
    });
  });
  const { record, previous } = outcome;
  if (previous === options.name) {
    services.out(`session ${sessionLabel(id, options.name)} already has that name\n`);
    return 0;
  }
  // A session in tmux shows its name in the status line.
  if (record.tmux) {
    try {
      setTitle(tmuxOf(services, record), id, options.name);
    } catch {}
  }
  services.out(
    `renamed session ${shortId(id)}${previous ? ` from "${previous}"` : ''} to "${options.name}"\n`,
  );
  return 0;
}

/** The old name's entry, while it still points at this session. */
function forgetName(root: string, name: string, id: string): void {
  const path = join(namesDir(root), name);
  try {
    if (readlinkSync(path) === id) unlinkSync(path);
  } catch {}
}
