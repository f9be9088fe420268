import { clearTemp, type Outcome, removeSessions } from '../cleanup/apply.js';
import { collectCandidates } from '../cleanup/collect.js';
import { findLeftovers, removeLeftovers } from '../cleanup/leftovers.js';
import { type CleanupRules, decide, planCleanup } from '../cleanup/plan.js';
import { type CleanupResult, cleanupJson, cleanupText, sessionTable } from '../cleanup/report.js';
import { CLEANUP_SCHEDULE, cleanupJob, timerEnvironment } from '../cleanup/timer.js';
import { predictRemoval, type WorktreeOutcome } from '../cleanup/worktree.js';
import type { Services } from '../config/services.js';
import { harvestAnswers } from '../configdir/answers-store.js';
import { parseDuration } from '../core/duration.js';
import { EXIT, UserError } from '../core/errors.js';
import { formatBytes } from '../core/format.js';
import { worktreesDir } from '../store/layout.js';
import { tmuxPanes } from '../store/running.js';
import { readline, tty } from '../system/lazy.js';
import { installedEntry, installTimer, removeTimer } from '../system/scheduler.js';

export interface CleanupOptions {
  olderThan?: string;
  empty: boolean;
  dryRun: boolean;
  json: boolean;
  yes: boolean;
  installTimer: boolean;
  removeTimer: boolean;
}

/**
 * `claude-session cleanup`: removes sessions that are not running, not pinned, and either inactive for
 * the configured time or empty past a short grace; also what interrupted runs and ended Claudes left.
 * The dry run makes the same plan and stops before the first change.
 */
export async function cleanup(services: Services, options: CleanupOptions): Promise<number> {
  const olderThanMs = options.olderThan === undefined ? undefined : parseDuration(options.olderThan);
  if (options.installTimer || options.removeTimer) return timer(services, options);
  const settings = services.settings();
  const root = settings.root;
  const rules: CleanupRules = {
    olderThanMs: olderThanMs ?? settings.cleanup.olderThanMs,
    // `--empty --older-than 2d`: empty sessions idle for two days.
    emptyGraceMs: options.empty && olderThanMs !== undefined ? olderThanMs : settings.cleanup.emptyGraceMs,
    nowMs: services.now().getTime(),
    onlyEmpty: options.empty,
  };
  const candidates = await collectCandidates(root, tmuxPanes(services.env), services.env);
  const plan = planCleanup(candidates, rules);
  const leftovers = findLeftovers(root, rules.nowMs);
  const planned = new Map(candidates.map((candidate) => [candidate.id, candidate]));
  // What the dry run says about each worktree: the same judgement apply makes, without git.
  const predicted = new Map<string, WorktreeOutcome>();
  for (const removal of plan.remove) {
    const worktree = planned.get(removal.id)?.worktree;
    if (worktree)
      predicted.set(
        removal.id,
        predictRemoval(worktree, { id: removal.id, worktreesDir: worktreesDir(root), force: false }),
      );
  }
  const preview: CleanupResult = {
    dryRun: true,
    rules,
    removed: plan.remove,
    kept: plan.keep,
    failed: [],
    temp: plan.clearTemp,
    leftovers: leftovers.ours.map((leftover) => leftover.path),
    notOurs: leftovers.notOurs,
    worktrees: predicted,
  };
  if (options.dryRun) return print(services, preview, options.json);
  if (plan.remove.length > 0 && !options.yes && !(await confirmed(services, preview))) {
    services.err('claude-session: nothing was removed\n');
    return 1;
  }
  // What the user answered in a session it removes holds for later sessions (see configdir/answers-store.ts).
  if (plan.remove.length > 0) harvestAnswers(root);
  const worktrees = new Map<string, WorktreeOutcome>();
  const result: CleanupResult = {
    ...preview,
    dryRun: false,
    removed: [],
    kept: [...plan.keep],
    temp: [],
    worktrees,
  };
  const fresh = tmuxPanes(services.env, { fresh: true });
  const outcomes = await removeSessions(root, plan.remove, planned, {
    judge: (session) => decide(session, rules),
    panes: fresh,
    env: services.env,
  });
  for (const [index, removal] of plan.remove.entries()) {
    const outcome = outcomes[index] as Outcome;
    if (outcome.status !== 'skipped' && outcome.worktree) worktrees.set(removal.id, outcome.worktree);
    if (outcome.status === 'removed') result.removed.push({ ...removal, diskBytes: outcome.freedBytes });
    else if (outcome.status === 'failed') result.failed.push({ ...removal, error: outcome.reason });
    else result.kept.push({ id: removal.id, name: removal.name, rule: outcome.rule, reason: outcome.reason });
  }
  for (const temp of plan.clearTemp) {
    const candidate = planned.get(temp.id);
    const bytes = candidate && (await clearTemp(root, candidate, rules, fresh, services.env));
    if (bytes !== undefined) result.temp.push({ ...temp, tempBytes: bytes });
  }
  result.leftovers = removeLeftovers(root, leftovers.ours);
  print(services, result, options.json);
  return result.failed.length > 0 ? 1 : 0;
}

function print(services: Services, result: CleanupResult, json: boolean): number {
  const { home } = services.settings();
  services.out(json ? `${JSON.stringify(cleanupJson(result), null, 2)}\n` : cleanupText(result, home));
  return 0;
}

/** Asks on a terminal; without one, refuses: a scheduled run says --yes (the timer's line does). */
async function confirmed(services: Services, preview: CleanupResult): Promise<boolean> {
  const sessions = `${preview.removed.length} session(s) (${formatBytes(preview.removed.reduce((sum, r) => sum + r.diskBytes, 0))})`;
  if (!tty().isatty(0)) {
    throw new UserError(
      `cleanup would remove ${sessions} and there is no terminal to ask: add --yes to remove them, or --dry-run to list them`,
      EXIT.USAGE,
    );
  }
  services.err(`${sessionTable(preview.removed)}\n`);
  const answer = await askLine(`claude-session: remove these ${sessions}? [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}

function askLine(prompt: string): Promise<string> {
  const lines = readline().createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    let answered = false;
    lines.question(prompt, (answer) => {
      answered = true;
      lines.close();
      resolve(answer);
    });
    lines.once('close', () => {
      if (!answered) resolve('');
    });
  });
}

/** `--install-timer` / `--remove-timer`: a daily `cleanup --yes`, with the rules given alongside. */
async function timer(services: Services, options: CleanupOptions): Promise<number> {
  if (options.installTimer && options.removeTimer) {
    throw new UserError('--install-timer and --remove-timer exclude each other: give one', EXIT.USAGE);
  }
  if (options.dryRun)
    throw new UserError('--dry-run does not apply to --install-timer or --remove-timer', EXIT.USAGE);
  const context = { env: services.env, home: services.settings().home };
  if (options.removeTimer) {
    const removed = removeTimer(context, CLEANUP_SCHEDULE);
    if (options.json) services.out(`${JSON.stringify(removed)}\n`);
    else if (removed.systemd.length === 0 && !removed.cron) services.out('no cleanup timer was installed\n');
    else {
      if (removed.systemd.length > 0)
        services.out(`removed the systemd user timer: ${removed.systemd.join(', ')}\n`);
      if (removed.cron) services.out('removed the cleanup line from your crontab\n');
    }
    return 0;
  }
  const args = ['cleanup', '--yes'];
  if (options.olderThan !== undefined) args.push('--older-than', options.olderThan);
  if (options.empty) args.push('--empty');
  const command = { entry: installedEntry(), args, env: timerEnvironment(services.env, process.execPath) };
  const installed = installTimer(context, cleanupJob(command));
  if (options.json) services.out(`${JSON.stringify({ ...installed, command: [command.entry, ...args] })}\n`);
  else if (installed.kind === 'systemd') {
    services.out(
      `installed a systemd user timer that runs \`claude-session ${args.join(' ')}\` daily: ${installed.files.join(', ')}\n` +
        'it runs while you are logged in; to run it when you are not: `loginctl enable-linger $USER`\n',
    );
  } else {
    services.out(`added to your crontab (daily at 04:23): ${installed.line}\n`);
  }
  return 0;
}
