import type { Services } from '../config/services.js';
import { UserError } from '../core/errors.js';
import type { ProcessIdentity } from '../system/proc.js';
import { capturePane, openTmux, type Tmux } from '../system/tmux.js';
import { type ActivityState, observedActivity, readActivity } from './activity.js';
import { findSession } from './find.js';
import { sessionLabel, shortId } from './layout.js';
import { adoptProcess } from './live.js';
import type { SessionRecord } from './record.js';
import { runningProcess, tmuxPanes } from './running.js';
import { type FoundSession, readSession } from './store.js';

export interface Located {
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
export function locate(services: Services, query: string): Located {
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
export function liveInTmux(services: Services, query: string): Located & { tmux: Tmux } {
  const located = locate(services, query);
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

/**
 * The live state of a running session: its hooks', checked against its pane when it may be stale or
 * no hook has reported yet (`tmuxBinary` undefined: the pane is not looked at).
 */
export function liveActivity(
  services: Services,
  sessionDir: string,
  record: SessionRecord,
  tmuxBinary: string | undefined,
): ActivityState | undefined {
  const socket = record.tmux?.socket;
  const capture =
    socket && tmuxBinary
      ? () => {
          try {
            return capturePane({ binary: tmuxBinary, socket, env: services.env }, record.id);
          } catch {
            return undefined;
          }
        }
      : undefined;
  const launched = Date.parse(record.process?.startedAt ?? record.lastLaunchAt);
  return observedActivity(
    readActivity(sessionDir),
    services.now().getTime(),
    capture,
    Number.isFinite(launched) ? new Date(launched) : undefined,
  );
}
