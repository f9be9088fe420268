import { resolve } from 'node:path';
import { audit } from '../audit/audit.js';
import type { Services } from '../config/services.js';
import type { Answers } from '../configdir/answers.js';
import { harvestAnswers } from '../configdir/answers-store.js';
import { mergeSettings, sessionClaudeSettings } from '../configdir/claude-settings.js';
import { EXIT, errorCode, UserError } from '../core/errors.js';
import { clearActivity } from '../live/activity.js';
import { locksDir, sessionPaths, versionCacheFile } from '../store/layout.js';
import { liveSessionIds, registerLive } from '../store/live-index.js';
import type { ProcessRecord, SessionRecord } from '../store/record.js';
import { updateRecord } from '../store/records.js';
import { tmuxPanes } from '../store/running.js';
import { claudeVersion } from '../system/claude-binary.js';
import { fileProblem, readRegularFile, writeJsonAtomicSync } from '../system/files.js';
import {
  handOff,
  handOffAvailable,
  launcherIdentity,
  runChild,
  startBackgroundCheck,
} from '../system/handoff.js';
import { hookPath } from '../system/install-dir.js';
import type { LaunchPlan } from '../system/launch-plan.js';
import { acquireLock, isLockHeld } from '../system/lock.js';
import { hostMemory } from '../system/memory.js';
import { memoryCapProblem, memoryCapSupport } from '../system/memory-cap.js';
import { identify } from '../system/proc.js';
import { insideServer, openTmux, prepareSocketDir, type Tmux } from '../system/tmux.js';
import { NPM_GLOBAL_LOCK } from '../update/check-state.js';
import { backgroundCheckDue } from './context.js';
import { defaultLimits, guardRefusal } from './guard.js';
import type { TmuxStart } from './in-tmux.js';
import { type LaunchInput, planLaunch, takeUserSettings } from './plan.js';

/**
 * The process record to write before the launch: in a terminal, the launcher shell (it becomes Claude);
 * in tmux, this process until the pane's is known, so that the session counts as running (and is not
 * resumed twice) while it starts, and no longer if this process dies on the way.
 */
export function processRecordFor(services: Services, tmux?: TmuxStart): ProcessRecord | null {
  const identity = tmux
    ? identify(process.pid)
    : handOffAvailable(services.env)
      ? launcherIdentity(services.env)
      : undefined;
  return identity ? { ...identity, startedAt: services.now().toISOString() } : null;
}

/** The record's note of where the launch runs Claude. */
export function tmuxRecordFor(tmux: TmuxStart | undefined): { socket: string } | undefined {
  return tmux ? { socket: tmux.tmux.socket } : undefined;
}

export type LaunchMode = 'terminal' | 'tmux' | 'detach';

export interface PreflightOptions {
  /** Claude's arguments and where it runs: a bad `--settings` among them is refused here. */
  args: readonly string[];
  cwd: string;
  force?: boolean;
  /** `--memory-max`; undefined or null: the configured cap. */
  memoryMax?: string | null;
  mode?: LaunchMode;
  noWait?: boolean;
  json?: boolean;
  /** Sessions whose answers to keep besides the live index's (the one being resumed). */
  answersOf?: readonly string[];
}

/**
 * What `new` and `resume` check and gather before they write anything, in one order: the answers kept
 * (before the guard rails forget the sessions that have ended, see configdir/answers-store.ts), the
 * guard rails, the user's `--settings`, the memory cap and where Claude runs.
 */
export function preflight(
  services: Services,
  options: PreflightOptions,
): { answers: Answers; cap: string[]; tmux: TmuxStart | undefined } {
  const answers = harvestAnswers(services.settings().root, options.answersOf);
  checkGuardRails(services, options.force);
  userSettings(options.args, options.cwd);
  const cap = memoryCapFor(services, options.memoryMax);
  return { answers, cap, tmux: tmuxStartFor(services, options) };
}

/** Where this launch runs Claude; for tmux, checked before anything is written (tmux may be missing). */
export function tmuxStartFor(
  services: Services,
  options: { mode?: LaunchMode; noWait?: boolean; json?: boolean },
): TmuxStart | undefined {
  const settings = services.settings();
  let mode = options.mode ?? settings.mode;
  if (mode === 'terminal') return undefined;
  const tmux = openTmux(settings.root, services.env);
  prepareSocketDir(tmux, settings.root);
  // Attaching needs this terminal (tmux says "open terminal failed" after the session has started).
  if (mode === 'tmux' && !canAttachHere(services, tmux)) {
    if (options.mode === 'tmux') {
      throw new UserError(
        'attaching needs a terminal, and there is none here: start with -d to run it detached',
        EXIT.USAGE,
      );
    }
    services.err(
      'claude-session: no terminal to attach to: the session starts detached (mode "tmux" in config)\n',
    );
    mode = 'detach';
  }
  return {
    tmux,
    attach: mode === 'tmux',
    wait: options.noWait !== true,
    json: options.json,
  };
}

/** Whether a tmux client can attach from here: a terminal on stdin and stdout, or a pane of our server. */
export function canAttachHere(services: Services, tmux: Tmux): boolean {
  return insideServer(tmux, services.env.TMUX) || (services.isTerminal(0) && services.isTerminal(1));
}

/**
 * The user's own `--settings` taken out of Claude's arguments and read (see takeUserSettings). Called
 * once before anything is written, so a bad value changes nothing, and again to plan the launch.
 */
export function userSettings(
  claudeArgs: readonly string[],
  cwd: string,
): { args: string[]; theirs: Record<string, unknown>[] } {
  const { args, sources } = takeUserSettings(claudeArgs);
  return { args, theirs: sources.map((source) => readUserSettings(source, cwd)) };
}

/** A `--settings` value as Claude takes it: a JSON object, or the path of a file holding one. */
function readUserSettings(source: string, cwd: string): Record<string, unknown> {
  const inline = source.trimStart().startsWith('{');
  let text: string;
  try {
    text = inline ? source : readRegularFile(resolve(cwd, source), { follow: true }).text;
  } catch (error) {
    const code = errorCode(error);
    const why =
      code === 'ENOTREG' || code === 'EFBIG' ? fileProblem(error) : `cannot read it (${code ?? error})`;
    throw new UserError(`--settings ${JSON.stringify(source)}: ${why}`, EXIT.USAGE);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {}
  throw new UserError(`--settings ${JSON.stringify(source)}: not a JSON object`, EXIT.USAGE);
}

/** The session's launch plan, with the hooks and (in tmux) what they need to notify the user. */
export function sessionPlan(
  services: Services,
  input: Omit<LaunchInput, 'hook' | 'tmux' | 'background'>,
  tmux: TmuxStart | undefined,
): LaunchPlan {
  const { notify } = services.settings();
  const { args, theirs } = userSettings(input.args, input.cwd);
  if (theirs.length > 0) {
    writeJsonAtomicSync(input.paths.claudeSettings, mergeSettings(sessionClaudeSettings(), theirs));
  }
  return planLaunch({
    ...input,
    args,
    hook: hookPath(),
    background: backgroundCheckDue(services),
    tmux: tmux && {
      socket: tmux.tmux.socket,
      binary: tmux.tmux.binary,
      message: notify.tmuxMessage,
      notifyCommand: notify.command,
    },
  });
}

/**
 * The guard rails (see guard.ts): refuse to start past the session limit or under the memory floor,
 * unless forced. Cheap: the live index and /proc/meminfo.
 */
export function checkGuardRails(services: Services, force: boolean | undefined): void {
  if (force) return;
  const { root, limits } = services.settings();
  const memory = hostMemory();
  const derived = defaultLimits(memory);
  const refusal = guardRefusal({
    live: liveSessionIds(root, tmuxPanes(services.env)).length,
    memory,
    limits: {
      maxSessions: limits.maxSessions ?? derived.maxSessions,
      minAvailableBytes: limits.minAvailableBytes ?? derived.minAvailableBytes,
    },
  });
  if (refusal) throw new UserError(refusal, EXIT.TEMPFAIL);
}

/**
 * The prefix that runs Claude inside a systemd user scope with a memory cap, when one is asked for
 * (`--memory-max`, else "limits.memoryMax"); empty without a cap. Called before anything is written: a
 * bad size or a host without user scopes refuses the start, or, for the configured cap with
 * "limits.memoryMaxUnavailable": "warn", starts without it and says so.
 */
export function memoryCapFor(services: Services, memoryMax: string | null | undefined): string[] {
  const { limits } = services.settings();
  if (memoryMax === 'none') return [];
  const cap = memoryMax ?? limits.memoryMax;
  if (!cap) return [];
  if (!/^\d+[KMG]?$/.test(cap))
    throw new UserError(
      `--memory-max ${JSON.stringify(cap)}: give a size like 600M or 2G, or none`,
      EXIT.USAGE,
    );
  const support = memoryCapSupport(services.env);
  const problem = memoryCapProblem(support);
  if (problem) {
    if (memoryMax) {
      throw new UserError(
        `a memory cap needs systemd user scopes, not available here: ${problem}; start without --memory-max (see \`claude-session doctor\`)`,
      );
    }
    if (limits.memoryMaxUnavailable !== 'warn') {
      throw new UserError(
        `"limits.memoryMax" is ${cap}, but memory caps are not available here: ${problem}; start with --memory-max none, or set "limits.memoryMaxUnavailable": "warn" in ${services.settings().configFile}`,
      );
    }
    services.err(`claude-session: starting without the memory cap of ${cap}: ${problem}\n`);
    return [];
  }
  // systemd-run --scope execs the command itself: Claude keeps the pid we recorded.
  return [
    support.systemdRun as string,
    '--user',
    '--scope',
    '--quiet',
    '--collect',
    '-p',
    `MemoryMax=${cap}`,
    '--',
  ];
}

/**
 * Hands the plan to the launcher shell, or runs Claude as a child when started without it (then the
 * record names the child). `record` is the session's record as published.
 */
export async function launch(
  services: Services,
  plan: LaunchPlan,
  record: SessionRecord,
  action: 'created' | 'resumed',
  tmux?: TmuxStart,
): Promise<number> {
  const { root, update } = services.settings();
  let current = record;
  const detail = tmux ? `${record.cwd} (tmux)` : record.cwd;
  audit(root, { action, session: record.id, name: record.name, outcome: 'ok', detail });
  clearActivity(sessionPaths(root, record.id).dir);
  if (record.process) registerLive(root, record.id, record.process);
  if (update.mode === 'npm-global' && (await waitForGlobalInstall(services, root))) {
    // The binary at that path was just replaced: record the version it has now.
    const version = claudeVersion(record.claude.path, versionCacheFile(root)) ?? null;
    current =
      updateRecord(root, record.id, (fresh) => ({ ...fresh, claude: { ...fresh.claude, version } })) ??
      current;
  }
  if (tmux) {
    if (plan.background) startBackgroundCheck(services.env);
    return (await import('./in-tmux.js')).startInTmux(services, plan, current, tmux);
  }
  if (handOffAvailable(services.env)) {
    handOff(plan);
    return 0;
  }
  if (plan.background) startBackgroundCheck(services.env);
  return runChild(plan, (pid) => {
    const identity = identify(pid);
    if (!identity) return;
    const running = { ...identity, startedAt: services.now().toISOString() };
    try {
      // From the record as it is now: a `pin` or `rename` may have changed it since we wrote it.
      updateRecord(root, record.id, (fresh) => ({ ...fresh, process: running }));
    } catch {
      // Its lock held for 10 s by a stuck command: Claude runs all the same; the live index names it.
    }
    registerLive(root, record.id, identity);
  });
}

/**
 * In npm-global mode an install replaces the binary in place: a session starting meanwhile waits for it.
 * Checked after the session's record is published, the order that lets the installer (which takes the
 * lock, then looks for live sessions) and a starting session never miss each other.
 */
async function waitForGlobalInstall(services: Services, root: string): Promise<boolean> {
  if (!isLockHeld(locksDir(root), NPM_GLOBAL_LOCK)) return false;
  services.err('claude-session: waiting for an install of Claude Code to finish...\n');
  acquireLock(locksDir(root), NPM_GLOBAL_LOCK, 20 * 60_000).release();
  return true;
}
