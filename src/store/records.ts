import { lstatSync, readdirSync } from 'node:fs';
import { errorCode, UserError } from '../core/errors.js';
import { fileProblem, readFileIfExists, writeJsonAtomicSync } from '../system/files.js';
import { withLock } from '../system/lock.js';
import { isSessionId, locksDir, type SessionPaths, sessionPaths, sessionsDir } from './layout.js';
import { parseRecord, type SessionRecord } from './record.js';

/** A session directory as found on disk: its record, or why it could not be read. */
export interface FoundSession {
  id: string;
  paths: SessionPaths;
  record: SessionRecord | undefined;
  problem: string | undefined;
}

export function sessionIds(root: string): string[] {
  try {
    return readdirSync(sessionsDir(root)).filter(isSessionId);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw new UserError(
      `cannot read the session root ${sessionsDir(root)} (${errorCode(error) ?? String(error)}): fix its permissions or set CLAUDE_SESSION_ROOT`,
    );
  }
}

export function readSession(root: string, id: string): FoundSession {
  const paths = sessionPaths(root, id);
  // Nothing is followed inside the root: a session dir that is a link leads somewhere else.
  if (lstatSync(paths.dir, { throwIfNoEntry: false })?.isSymbolicLink()) {
    return { id, paths, record: undefined, problem: 'the session dir is a symbolic link' };
  }
  let text: string | undefined;
  try {
    text = readFileIfExists(paths.record);
  } catch (error) {
    return { id, paths, record: undefined, problem: `session.json ${fileProblem(error)}` };
  }
  if (text === undefined) return { id, paths, record: undefined, problem: 'session.json is missing' };
  const parsed = parseRecord(text, id);
  return parsed.ok
    ? { id, paths, record: parsed.record, problem: undefined }
    : { id, paths, record: undefined, problem: parsed.problem };
}

export function readSessions(root: string): FoundSession[] {
  return sessionIds(root).map((id) => readSession(root, id));
}

/**
 * Changes a session's record under its lock, from the record as it is now, so that a change another
 * command made meanwhile (a pin, a rename) is kept. `change` returns the new record, or undefined to
 * leave it as it is. Returns the record written, or undefined when nothing was (none, or unreadable).
 * Not for callers that hold the session's lock already: they read and write it themselves.
 */
export function updateRecord(
  root: string,
  id: string,
  change: (record: SessionRecord) => SessionRecord | undefined,
): SessionRecord | undefined {
  return withLock(locksDir(root), `session-${id}`, () => {
    const { record, paths } = readSession(root, id);
    const updated = record && change(record);
    if (updated) writeJsonAtomicSync(paths.record, updated);
    return updated;
  });
}
