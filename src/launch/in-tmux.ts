import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Services } from '../config/services.js';
import { UserError } from '../core/errors.js';
import { observedActivity, readActivity } from '../live/activity.js';
import { type DialogKind, dialogQuestion } from '../live/screen.js';
import { sessionLabel, sessionPaths, shortId } from '../store/layout.js';
import { registerLive } from '../store/live-index.js';
import type { SessionRecord } from '../store/record.js';
import { updateRecord } from '../store/records.js';
import { findExecutable } from '../system/claude-binary.js';
import { writeFileAtomicSync } from '../system/files.js';
import { handOff, handOffAvailable, runChild } from '../system/handoff.js';
import { launcherPath } from '../system/install-dir.js';
import { encodePlan, type LaunchPlan } from '../system/launch-plan.js';
import { identify, isAlive, type ProcessIdentity } from '../system/proc.js';
import {
  attachArgv,
  capturePane,
  hasSession,
  insideServer,
  killSession,
  newSession,
  type Tmux,
} from '../system/tmux.js';
import { paneLaunchPlan } from './plan.js';

/** How a launch in tmux ends for the caller: attached to it, or back at the shell once Claude is up. */
export interface TmuxStart {
  tmux: Tmux;
  attach: boolean;
  /** With `attach: false`: wait until Claude's first hook reports (it is ready for `send`). */
  wait: boolean;
  json?: boolean;
}

const READY_TIMEOUT_MS = 30_000;

/**
 * Starts the session's Claude in a detached tmux session of our server, named by the session's id. The
 * pane runs bin/claude-session `__pane FILE`, which reads the plan from a private file and execs Claude,
 * so Claude is the pane's process (its pid is what we record) and no Node process stays behind.
 */
export async function startInTmux(
  services: Services,
  plan: LaunchPlan,
  record: SessionRecord,
  start: TmuxStart,
): Promise<number> {
  const { root } = services.settings();
  const paths = sessionPaths(root, record.id);
  const { tmux } = start;
  // A tmux session left by a Claude that has ended (a window the user opened in it): ours to replace.
  if (hasSession(tmux, record.id)) killSession(tmux, record.id);
  const planFile = join(paths.dir, 'pane-plan');
  writeFileAtomicSync(planFile, encodePlan(paneLaunchPlan(plan, services.env)));
  let pid: number;
  try {
    pid = newSession(tmux, {
      name: record.id,
      cwd: plan.cwd,
      command: [launcherPath(), '__pane', planFile],
      ...terminalSize(services),
      serverPrefix: systemdScope(services.env),
      title: record.name ?? shortId(record.id),
    });
  } catch (error) {
    rmSync(planFile, { force: true });
    throw error;
  }
  const identity = identify(pid);
  if (identity) {
    const running = { ...identity, startedAt: services.now().toISOString() };
    try {
      // From the record as it is now: a `pin` or `rename` may have changed it since the launch wrote it.
      updateRecord(root, record.id, (fresh) => ({
        ...fresh,
        process: running,
        tmux: { socket: tmux.socket },
      }));
    } catch {
      // Its lock held for 10 s by a stuck command: Claude runs in its pane all the same, and the next
      // command that finds it there records it (running.ts).
    }
    registerLive(root, record.id, identity);
  }
  const label = sessionLabel(record.id, record.name);
  if (start.attach) return attachClient(services, tmux, record.id);
  const handle = record.name ?? shortId(record.id);
  const dialog =
    start.wait && identity
      ? await waitUntilReady(services, paths.dir, identity, label, () => capturePane(tmux, record.id))
      : undefined;
  if (dialog) {
    services.err(
      `claude-session: session ${label} started: ${dialogQuestion(dialog)}: \`claude-session attach ${handle}\` to answer\n`,
    );
  }
  if (start.json) {
    services.out(
      `${JSON.stringify({ id: record.id, name: record.name, pid, tmuxSocket: tmux.socket, dialog: dialog ?? null, cwd: record.cwd, worktree: record.worktree ? { path: record.worktree.path, branch: record.worktree.branch, base: record.worktree.base } : null })}\n`,
    );
  } else {
    services.out(`session ${label} runs in tmux: \`claude-session attach ${handle}\` to see it\n`);
  }
  return 0;
}

/** Attaches this terminal to a session's tmux session: the launcher execs the tmux client. */
export function attachClient(services: Services, tmux: Tmux, id: string): Promise<number> | number {
  const inOurs = insideServer(tmux, services.env.TMUX);
  const plan: LaunchPlan = {
    cwd: services.cwd ?? '/',
    set: {},
    // Inside the user's own tmux, tmux refuses to attach unless TMUX is unset: it nests, on purpose.
    unset: inOurs ? [] : ['TMUX', 'TMUX_PANE'],
    argv: attachArgv(tmux, id, inOurs),
    background: false,
  };
  if (!inOurs && services.env.TMUX) {
    services.err(
      'claude-session: inside your own tmux, the session opens nested: its keys need your prefix twice (e.g. C-b C-b d detaches)\n',
    );
  }
  if (handOffAvailable(services.env)) {
    handOff(plan);
    return 0;
  }
  return runChild(plan, () => undefined);
}

/**
 * Waits for Claude's first hook; returns the start-up question on its screen instead when it asks one
 * first (folder trust, an API key: they come before any hook), looked at twice a second.
 */
async function waitUntilReady(
  services: Services,
  sessionDir: string,
  identity: ProcessIdentity,
  label: string,
  capture: () => string,
): Promise<DialogKind | undefined> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const tryCapture = () => {
    try {
      return capture();
    } catch {
      return undefined;
    }
  };
  for (let polls = 0; Date.now() < deadline; polls++) {
    if (readActivity(sessionDir)) return undefined;
    const seen = polls % 10 === 9 ? observedActivity(undefined, Date.now(), tryCapture) : undefined;
    if (seen?.dialog) return seen.dialog;
    if (!isAlive(identity)) {
      throw new UserError(
        `Claude ended right after it started in session ${label}: \`claude-session resume\` it in a terminal to see why`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  services.err(
    `claude-session: session ${label} started, but Claude's hooks have not reported in ${READY_TIMEOUT_MS / 1000} s (hooks disabled?): its live state is unknown\n`,
  );
}

function terminalSize(services: Services): { width?: number; height?: number } {
  if (!services.isTerminal(1)) return {};
  const { columns, rows } = process.stdout;
  return columns && rows ? { width: columns, height: rows } : {};
}

/**
 * Under systemd, a login's processes (our tmux server among them) are killed at logout when logind has
 * KillUserProcesses=yes; a server started in a user scope of its own is not (with lingering enabled).
 */
export function systemdScope(env: NodeJS.ProcessEnv): string[] | undefined {
  const runtime = env.XDG_RUNTIME_DIR;
  if (!runtime || env.CLAUDE_SESSION_NO_SCOPE === '1' || !existsSync(join(runtime, 'systemd', 'private')))
    return undefined;
  try {
    return [findExecutable('systemd-run', env), '--user', '--scope', '--quiet', '--collect', '--'];
  } catch {
    return undefined;
  }
}
