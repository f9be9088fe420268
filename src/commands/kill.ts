import { audit } from '../audit/audit.js';
import { EXIT, UserError } from '../cli/errors.js';
import type { Services } from '../cli/services.js';
import { isLauncher } from '../health/probe.js';
import { locksDir, sessionPaths } from '../session/layout.js';
import { isSessionProcess } from '../session/running.js';
import { readSession } from '../session/store.js';
import { locate, tmuxOf } from '../session/tmux-session.js';
import { writeJsonAtomicSync } from '../system/files.js';
import { withLock } from '../system/lock.js';
import { isAlive, type ProcessIdentity } from '../system/proc.js';
import { killSession } from '../system/tmux.js';

export interface KillOptions {
  query: string;
  /** How long Claude gets to end after SIGTERM before SIGKILL. */
  graceMs: number;
  json?: boolean;
}

/**
 * Ends a session's Claude cleanly: SIGTERM (Claude saves its transcript and exits), SIGKILL only after
 * the grace time, then its tmux session (the pane's other processes get SIGHUP). The process is named
 * by pid and start time, so a reused pid is never signalled.
 */
export async function kill(services: Services, options: KillOptions): Promise<number> {
  const { root } = services.settings();
  const { record, label, running, found } = locate(services, options.query);
  if (!running) {
    throw new UserError(`session ${label} is not running`);
  }
  const process_ = running;
  // A record can name any process (a hand-edited or forged one, a pid reused within the same clock
  // tick): only a process that is the session's own is signalled (issue 10, item 4).
  if (!isSessionProcess(process_.pid, record.id, found.paths.dir)) {
    if (isLauncher(process_.pid)) {
      throw new UserError(`session ${label} is starting right now: try again in a moment`, EXIT.TEMPFAIL);
    }
    throw new UserError(
      `session ${label}: pid ${process_.pid} is not its Claude (its environment does not name the session): nothing was signalled; \`claude-session doctor\` looks closer`,
    );
  }
  let how = 'SIGTERM';
  signal(process_, 'SIGTERM');
  if (!(await ended(process_, options.graceMs))) {
    how = `SIGKILL after ${options.graceMs / 1000} s`;
    signal(process_, 'SIGKILL');
    await ended(process_, 5_000);
  }
  if (record.tmux) killSession(tmuxOf(services, record), record.id);
  const gone = !isAlive(process_);
  withLock(locksDir(root), `session-${record.id}`, () => {
    const fresh = readSession(root, record.id).record;
    // Unless a resume started a new process meanwhile, the end is noted here, not again by `list`.
    if (fresh && fresh.process?.pid === process_.pid && !fresh.endedObservedAt && gone) {
      writeJsonAtomicSync(sessionPaths(root, record.id).record, {
        ...fresh,
        endedObservedAt: services.now().toISOString(),
      });
    }
  });
  audit(root, {
    action: 'killed',
    session: record.id,
    name: record.name,
    outcome: gone ? 'ok' : 'failed',
    detail: `pid ${process_.pid}, ${how}`,
  });
  if (!gone)
    throw new UserError(`session ${label}: pid ${process_.pid} survived SIGKILL (stuck in the kernel?)`);
  if (options.json) {
    services.out(`${JSON.stringify({ id: record.id, name: record.name, pid: process_.pid, signal: how })}\n`);
  } else {
    services.out(`killed session ${label} (pid ${process_.pid}, ${how})\n`);
  }
  return 0;
}

function signal(identity: ProcessIdentity, name: NodeJS.Signals): void {
  if (!isAlive(identity)) return;
  try {
    process.kill(identity.pid, name);
  } catch {
    // Ended between the check and the signal.
  }
}

async function ended(identity: ProcessIdentity, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (isAlive(identity)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}
