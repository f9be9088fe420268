import { audit } from '../audit/audit.js';
import type { Services } from '../config/services.js';
import { EXIT, UserError } from '../core/errors.js';
import { sessionLabel } from '../store/layout.js';
import type { SessionRecord } from '../store/record.js';
import { updateRecord } from '../store/records.js';
import { isSessionProcess } from '../store/running.js';
import { isAlive, isLauncher, type ProcessIdentity, processEnded, signalProcess } from '../system/proc.js';
import { killSession } from '../system/tmux.js';
import { tmuxOf } from './lookup.js';

/** A running session's Claude, as `kill` and `rm --force` find it. */
export interface RunningClaude {
  record: SessionRecord;
  sessionDir: string;
  process: ProcessIdentity;
}

/**
 * Refuses (a user error) unless the process is the session's own Claude: a record can name any
 * process (a hand-edited or forged one, a pid reused within the same clock tick), and only the
 * session's own is ever signalled (issue 10, item 4). Changes nothing: callers check every session
 * before they end the first.
 */
export function assertSessionClaude(claude: RunningClaude): void {
  const { record, process: identity } = claude;
  if (isSessionProcess(identity.pid, record.id, claude.sessionDir)) return;
  const label = sessionLabel(record.id, record.name);
  if (isLauncher(identity.pid)) {
    throw new UserError(`session ${label} is starting right now: try again in a moment`, EXIT.TEMPFAIL);
  }
  throw new UserError(
    `session ${label}: pid ${identity.pid} is not its Claude (its environment does not name the session): nothing was signalled; \`claude-session doctor\` looks closer`,
  );
}

/**
 * Ends a session's Claude cleanly: SIGTERM (Claude saves its transcript and exits), SIGKILL only after
 * the grace time, then its tmux session (the pane's other processes get SIGHUP). The process is named
 * by pid and start time, so a reused pid is never signalled. Written to the audit log as `killed`;
 * the end is noted in the record, so `list` and `resume` do not note it again. Returns how it ended.
 */
export async function endClaude(services: Services, claude: RunningClaude, graceMs: number): Promise<string> {
  assertSessionClaude(claude);
  const { root } = services.settings();
  const { record, process: identity } = claude;
  let how = 'SIGTERM';
  signalProcess(identity, 'SIGTERM');
  if (!(await processEnded(identity, graceMs))) {
    how = `SIGKILL after ${graceMs / 1000} s`;
    signalProcess(identity, 'SIGKILL');
    await processEnded(identity, 5_000);
  }
  if (record.tmux) killSession(tmuxOf(services, record), record.id);
  const gone = !isAlive(identity);
  if (gone) {
    // Unless a resume started a new process meanwhile.
    updateRecord(root, record.id, (fresh) =>
      fresh.process?.pid === identity.pid && !fresh.endedObservedAt
        ? { ...fresh, endedObservedAt: services.now().toISOString() }
        : undefined,
    );
  }
  audit(root, {
    action: 'killed',
    session: record.id,
    name: record.name,
    outcome: gone ? 'ok' : 'failed',
    detail: `pid ${identity.pid}, ${how}`,
  });
  if (!gone) {
    throw new UserError(
      `session ${sessionLabel(record.id, record.name)}: pid ${identity.pid} survived SIGKILL (stuck in the kernel?)`,
    );
  }
  return how;
}
