import { join } from 'node:path';
import {
  identify,
  isAlive,
  type ProcessIdentity,
  processCommandLine,
  processEnvironment,
} from '../system/proc.js';
import { findTmux, panesBySession } from '../system/tmux.js';
import type { SessionRecord } from './record.js';

/**
 * Which process runs a session now. Usually the one its record names. But a start in tmux records the
 * pane's process only after `tmux new-session` has returned; a start interrupted in between (Ctrl-C, a
 * dropped SSH connection, SIGKILL) leaves a record naming the dead starter while Claude runs on in our
 * tmux server. So a session whose last launch ran in tmux is also live while our server holds its tmux
 * session with a pane process that is the session's own (issue 10, item 5): list, resume, attach,
 * cleanup, the guard rails and doctor all ask here, and agree.
 */
export interface Panes {
  /**
   * Pane processes by tmux session name, of the server on this socket. `launchedAtMs`: when the
   * session asked about was last launched (a fresh Panes asks again unless its answer is from after
   * that launch could have created its pane).
   */
  of(socket: string, launchedAtMs?: number): Map<string, number[]>;
}

/** How long after a launch its pane may still appear: tmux's own time-out, with room to spare. */
const PANE_APPEARS_WITHIN_MS = 20_000;

/**
 * Our tmux servers' panes, one `list-panes -a` per server and command. `fresh`: for decisions that must
 * see the moment they are made (cleanup, under a session's lock): a cached answer serves only sessions
 * launched well before it was asked; for one launched since, the server is asked again.
 */
export function tmuxPanes(env: NodeJS.ProcessEnv, options: { fresh?: boolean } = {}): Panes {
  let binary: string | undefined | null = null;
  const cache = new Map<string, { askedAtMs: number; panes: Map<string, number[]> }>();
  return {
    of(socket, launchedAtMs) {
      const known = cache.get(socket);
      const recent =
        options.fresh &&
        (launchedAtMs === undefined ||
          !Number.isFinite(launchedAtMs) ||
          (known && known.askedAtMs < launchedAtMs + PANE_APPEARS_WITHIN_MS));
      if (known && !recent) return known.panes;
      if (binary === null) binary = findTmux(env);
      const askedAtMs = Date.now();
      let panes = new Map<string, number[]>();
      if (binary) {
        try {
          panes = panesBySession({ binary, socket, env: withoutTmux(env) });
        } catch {}
      }
      cache.set(socket, { askedAtMs, panes });
      return panes;
    },
  };
}

function withoutTmux(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  delete clean.TMUX;
  delete clean.TMUX_PANE;
  return clean;
}

/**
 * Whether a process is this session's: its environment names the session (Claude, or anything it
 * runs with our variables), or it is our launcher still reading the session's pane plan (it becomes
 * Claude with the same pid). What doctor and kill accept before they believe a pid.
 */
export function isSessionProcess(pid: number, id: string, sessionDir: string): boolean {
  if (processEnvironment(pid)?.get('CLAUDE_SESSION_ID') === id) return true;
  const argv = processCommandLine(pid) ?? [];
  const at = argv.findIndex((arg) => arg === '__pane' || arg === '__pane-plan');
  return at > 0 && argv[at + 1] === join(sessionDir, 'pane-plan');
}

/** The session's process in its tmux session of our server, if there is one. */
export function paneProcess(
  record: SessionRecord,
  sessionDir: string,
  panes: Panes,
): ProcessIdentity | undefined {
  if (!record.tmux) return undefined;
  const launchedAtMs = Date.parse(record.lastLaunchAt);
  for (const pid of panes.of(record.tmux.socket, launchedAtMs).get(record.id) ?? []) {
    if (!isSessionProcess(pid, record.id, sessionDir)) continue;
    const identity = identify(pid);
    if (identity) return identity;
  }
  return undefined;
}

/**
 * The process running the session now: the recorded one while it lives, else (with `panes`) its pane's
 * in our tmux server. Undefined when nothing runs it.
 */
export function runningProcess(
  record: SessionRecord,
  sessionDir: string,
  panes: Panes | undefined,
): ProcessIdentity | undefined {
  if (record.process && isAlive(record.process)) return record.process;
  return panes ? paneProcess(record, sessionDir, panes) : undefined;
}
