import type { Services } from '../config/services.js';
import { UserError } from '../core/errors.js';
import { findSession } from '../store/find.js';
import { sessionLabel, shortId } from '../store/layout.js';
import { adoptProcess } from '../store/live-index.js';
import type { SessionRecord } from '../store/record.js';
import { type FoundSession, readSession } from '../store/records.js';
import { runningProcess, tmuxPanes } from '../store/running.js';
import type { ProcessIdentity } from '../system/proc.js';
import { openTmux, type Tmux } from '../system/tmux.js';

export interface SessionLookup {
  found: FoundSession;
  record: SessionRecord;
  label: string;
  /** How the user names it in a command. */
  handle: string;
  alive: boolean;
  /** The process running it now (see running.ts); undefined when it does not run. */
  running: ProcessIdentity | undefined;
}

/**
 * A session by id, prefix or name, with a valid record, and the process running it. A session found
 * running in its tmux session while its record names another process gets its record repaired.
 */
export function lookupSession(services: Services, query: string): SessionLookup {
  const { root } = services.settings();
  const found = readSession(root, findSession(root, query).id);
  const record = found.record;
  if (!record)
    throw new UserError(
      `session ${shortId(found.id)} is broken (${found.problem}): inspect ${found.paths.record}`,
    );
  let current = record;
  const running = runningProcess(record, found.paths.dir, tmuxPanes(services.env));
  if (running && running !== record.process) {
    adoptProcess(root, record.id, running, services.now());
    current = { ...record, process: { ...running, startedAt: services.now().toISOString() } };
  }
  return {
    found,
    record: current,
    label: sessionLabel(record.id, record.name),
    handle: record.name ?? shortId(record.id),
    alive: running !== undefined,
    running,
  };
}

/** Our tmux server as the session's last launch used it (its socket, even if the root moved since). */
export function tmuxOf(services: Services, record: SessionRecord): Tmux {
  const tmux = openTmux(services.settings().root, services.env);
  return record.tmux ? { ...tmux, socket: record.tmux.socket } : tmux;
}

/** A session whose Claude runs now in our tmux server, for `send`; else a user error saying why not. */
export function liveInTmux(services: Services, query: string): SessionLookup & { tmux: Tmux } {
  const located = lookupSession(services, query);
  const { record, label, handle } = located;
  if (!located.alive) {
    throw new UserError(
      `session ${label} is not running: \`claude-session attach ${handle}\` resumes it in tmux`,
    );
  }
  if (!record.tmux) {
    throw new UserError(
      `session ${label} runs in a terminal (pid ${record.process?.pid}), not in tmux: only sessions started with --detach or in tmux mode take this`,
    );
  }
  return { ...located, tmux: tmuxOf(services, record) };
}
