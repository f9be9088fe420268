import type { Services } from '../config/services.js';
import { EXIT, UserError } from '../core/errors.js';
import { type ActivityState, isActivity, liveActivity } from '../live/activity.js';
import { lookupSession } from '../live/lookup.js';
import { dialogQuestion } from '../live/screen.js';
import { readSession } from '../store/records.js';
import { runningProcess, tmuxPanes } from '../store/running.js';
import { findTmux } from '../system/tmux.js';

export interface WaitOptions {
  query: string;
  until: string;
  timeoutMs?: number;
  json?: boolean;
}

/** Exit status when the time-out passes first, as timeout(1) has it. */
export const WAIT_TIMED_OUT = 124;

/**
 * Blocks until a session's Claude reports the state asked for (from its hooks), for scripts: 0 when it
 * does, 124 on time-out, 1 when Claude ends first.
 */
export async function wait(services: Services, options: WaitOptions): Promise<number> {
  const until = options.until;
  if (!isActivity(until))
    throw new UserError(`--until ${JSON.stringify(until)}: use idle, waiting or working`, EXIT.USAGE);
  const { found, label, handle } = lookupSession(services, options.query);
  const { root } = services.settings();
  const tmuxBinary = findTmux(services.env);
  let lastLook = 0;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  for (;;) {
    const record = readSession(root, found.id).record;
    // The record names the pane's process once lookupSession() has repaired it; panes are asked only when the
    // recorded process has ended.
    if (!record || !runningProcess(record, found.paths.dir, tmuxPanes(services.env))) {
      throw new UserError(`session ${label} is not running (it ended before it was ${until})`);
    }
    // The screen is looked at once a second at most (a tmux call), not at every poll, and at the end.
    const due = Date.now() >= deadline;
    const look = due || Date.now() - lastLook >= 1000;
    if (look) lastLook = Date.now();
    const state = liveActivity(services, found.paths.dir, record, look ? tmuxBinary : undefined);
    if (state?.activity === until) {
      report(services, options, found.id, state);
      return 0;
    }
    if (due) {
      services.err(
        `claude-session: session ${label} is still ${state?.activity ?? 'starting'} after ${(options.timeoutMs ?? 0) / 1000} s${state?.dialog ? ` (${dialogQuestion(state.dialog)}: \`claude-session attach ${handle}\` to answer)` : ''}\n`,
      );
      return WAIT_TIMED_OUT;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(100, deadline - Date.now()))));
  }
}

function report(services: Services, options: WaitOptions, id: string, state: ActivityState): void {
  if (!options.json) return;
  const { activity, since, dialog } = state;
  services.out(
    `${JSON.stringify({ id, state: activity, since: since.toISOString(), ...(dialog ? { dialog } : {}) })}\n`,
  );
}
