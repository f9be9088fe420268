import { removeSessions } from '../cleanup/apply.js';
import { collectOne, liveEntry } from '../cleanup/collect.js';
import { type CleanupCandidate, decideAsked, type KeepRule, type Removal } from '../cleanup/plan.js';
import {
  forceKeeps,
  predictRemoval,
  type WorktreeJson,
  type WorktreeOutcome,
  wayOut,
  worktreeJson,
  worktreeLines,
} from '../cleanup/worktree.js';
import type { Services } from '../config/services.js';
import { harvestAnswers } from '../configdir/answers-store.js';
import { EXIT, isUserError, UserError } from '../core/errors.js';
import { formatBytes, printable } from '../core/format.js';
import { assertSessionClaude, endClaude, type RunningClaude } from '../live/end.js';
import { findSession } from '../store/find.js';
import { sessionLabel, shortId, worktreesDir } from '../store/layout.js';
import { readSession } from '../store/records.js';
import { runningProcess, tmuxPanes } from '../store/running.js';

export interface RmOptions {
  queries: string[];
  force: boolean;
  dryRun: boolean;
  json: boolean;
}

/** What `kill` gives Claude by default before SIGKILL. */
const GRACE_MS = 10_000;
/** A resume holds a session's lock while it prepares it: rm waits that long, not cleanup's zero. */
const LOCK_WAIT_MS = 10_000;

interface Asked {
  candidate: CleanupCandidate;
  removal: Removal;
  /** With --force: the Claude to end first. */
  claude: RunningClaude | undefined;
}

interface Removed {
  id: string;
  name: string | null;
  diskBytes: number;
  endedPid: number | null;
  worktree: WorktreeOutcome | null;
}

interface Refused {
  id: string;
  name: string | null;
  rule: KeepRule | 'unreadable';
  reason: string;
  /** The line for people: what stops it, and the way out. */
  message: string;
  worktree: WorktreeOutcome | null;
}

/**
 * `claude-session rm SESSION...`: removes the sessions named, with cleanup's safety (the same
 * removal: judged again under each session's lock, moved aside in one rename, never through a link,
 * audit-logged), each with its worktree and the branch it made. Every session is checked before the
 * first is touched: one that cannot go (running or pinned without --force, not ours, not found, a
 * worktree holding work) stops them all, each said on a line of its own. `--force` ends a running
 * Claude first, as `kill` does; it discards a worktree's work (saved to a backup ref, its commits
 * kept on its branch) only when it names that one session alone.
 */
export async function rm(services: Services, options: RmOptions): Promise<number> {
  const { root } = services.settings();
  const ids = [...new Set(options.queries.map((query) => find(root, query)))];
  const discardWork = options.force && ids.length === 1;
  const target = (id: string) => ({ id, worktreesDir: worktreesDir(root), force: discardWork });
  const panes = tmuxPanes(services.env);
  const asked: Asked[] = [];
  const refused: Refused[] = [];
  for (const id of ids) {
    const candidate = await collectOne(root, id, liveEntry(root, id), panes, { env: services.env });
    const label = sessionLabel(id, candidate.name);
    const handle = candidate.name ?? shortId(id);
    const worktree = candidate.worktree && predictRemoval(candidate.worktree, target(id));
    let claude: RunningClaude | undefined;
    if (candidate.live && options.force) {
      claude = runningClaude(root, id, panes);
      if (!claude) {
        const reason = `runs (pid ${candidate.pid}) but its record cannot be read: end it by hand`;
        refused.push({
          id,
          name: candidate.name,
          rule: 'unreadable',
          reason,
          message: `session ${label} ${reason}`,
          worktree,
        });
        continue;
      }
      assertSessionClaude(claude);
    }
    const decision = decideAsked(
      { ...candidate, live: candidate.live && !options.force },
      options.force,
      discardWork,
    );
    if (!decision.remove) {
      const message = refusal(candidate, label, handle, decision.rule, decision.reason, options.force);
      refused.push({
        id,
        name: candidate.name,
        rule: decision.rule,
        reason: decision.reason,
        message,
        worktree,
      });
      continue;
    }
    const removal: Removal = {
      id,
      name: candidate.name,
      rule: decision.rule,
      reason: claude
        ? `${decision.reason}, its Claude (pid ${claude.process.pid}) ended first`
        : decision.reason,
      diskBytes: candidate.diskBytes,
      worktree: candidate.worktree && { path: candidate.worktree.path, branch: candidate.worktree.branch },
    };
    asked.push({ candidate, removal, claude });
  }
  if (refused.length > 0) return refuse(services, options, refused);
  if (options.dryRun) {
    const planned = asked.map((session) => ({
      ...removed(session),
      worktree:
        session.candidate.worktree && predictRemoval(session.candidate.worktree, target(session.removal.id)),
    }));
    return print(services, options, planned, []);
  }

  const failed: Failed[] = [];
  const ending: Asked[] = [];
  for (const session of asked) {
    if (!session.claude) {
      ending.push(session);
      continue;
    }
    try {
      await endClaude(services, session.claude, GRACE_MS);
      ending.push(session);
    } catch (error) {
      if (!isUserError(error)) throw error;
      failed.push({
        id: session.removal.id,
        name: session.removal.name,
        error: error.message,
        worktree: null,
      });
    }
  }
  // What the user answered in them (trust, an API key, notices) outlives them, as with cleanup.
  if (ending.length > 0)
    harvestAnswers(
      root,
      ending.map((session) => session.removal.id),
    );
  const outcomes = await removeSessions(
    root,
    ending.map((session) => session.removal),
    new Map(ending.map((session) => [session.candidate.id, session.candidate])),
    {
      judge: (session) => decideAsked(session, options.force, discardWork),
      panes: tmuxPanes(services.env, { fresh: true }),
      lockWaitMs: LOCK_WAIT_MS,
      discardWork: () => discardWork,
      env: services.env,
    },
  );
  const done: Removed[] = [];
  for (const [index, session] of ending.entries()) {
    const outcome = outcomes[index];
    const { id, name } = session.removal;
    if (outcome?.status === 'removed')
      done.push({ ...removed(session), diskBytes: outcome.freedBytes, worktree: outcome.worktree });
    else if (outcome?.status === 'skipped' && outcome.rule === 'gone')
      done.push({ ...removed(session), diskBytes: 0 });
    else
      failed.push({
        id,
        name,
        error: outcome ? outcome.reason : 'not removed',
        worktree: outcome?.status === 'failed' ? outcome.worktree : null,
      });
  }
  print(services, options, done, failed);
  return failed.length > 0 ? 1 : 0;
}

interface Failed {
  id: string;
  name: string | null;
  error: string;
  worktree: WorktreeOutcome | null;
}

function find(root: string, query: string): string {
  try {
    return findSession(root, query).id;
  } catch (error) {
    if (isUserError(error)) throw new UserError(`${error.message} (nothing was removed)`, error.exitCode);
    throw error;
  }
}

function runningClaude(
  root: string,
  id: string,
  panes: ReturnType<typeof tmuxPanes>,
): RunningClaude | undefined {
  const { record, paths } = readSession(root, id);
  const running = record && runningProcess(record, paths.dir, panes);
  return record && running ? { record, sessionDir: paths.dir, process: running } : undefined;
}

function refusal(
  candidate: CleanupCandidate,
  label: string,
  handle: string,
  rule: string,
  reason: string,
  force: boolean,
): string {
  switch (rule) {
    case 'running':
      return `session ${label} is ${reason}: \`claude-session kill ${handle}\` ends it, or --force ends it and removes it`;
    case 'pinned':
      return `session ${label} is pinned: \`claude-session unpin ${handle}\` first, or --force`;
    case 'unknown-record':
      return `session ${label}: ${reason}: left for you to inspect (--force removes it anyway)`;
    case 'worktree-work': {
      const alone = `\`claude-session rm --force ${handle}\``;
      if (force)
        return `session ${label}: ${reason}: --force discards a worktree's work only for a session named alone (${alone})`;
      const worktree = candidate.worktree;
      if (!worktree) return `session ${label}: ${reason}`;
      return `session ${label}: ${reason}: to keep it, ${wayOut(worktree)}; or ${alone} removes it anyway (${forceKeeps(worktree, candidate.id)})`;
    }
    default:
      return `session ${label}: ${reason}`;
  }
}

/** Every refusal on a line of its own on stderr (and in the JSON): nothing was removed. */
function refuse(services: Services, options: RmOptions, refused: readonly Refused[]): number {
  const lines =
    refused.length === 1
      ? [`${refused[0]?.message} (nothing was removed)`]
      : [...refused.map((refusal) => refusal.message), 'nothing was removed'];
  for (const line of lines) services.err(`claude-session: ${printable(line)}\n`);
  if (options.json) {
    const json = {
      dryRun: options.dryRun,
      [options.dryRun ? 'wouldRemove' : 'removed']: [],
      refused: refused.map(({ id, name, rule, reason, worktree }) => ({
        id,
        name,
        rule,
        reason,
        worktree: worktree && refusedWorktree(worktree),
      })),
      failed: [],
      freedBytes: 0,
      error: lines.join('; '),
      exitCode: EXIT.FAILURE,
    };
    services.out(`${JSON.stringify(json, null, 2)}\n`);
  }
  return EXIT.FAILURE;
}

/** A refused session's worktree stays as it is, branch and all. */
function refusedWorktree(outcome: WorktreeOutcome): WorktreeJson {
  const json = worktreeJson(outcome);
  const branchOutcome = json.branchOutcome === 'deleted' ? 'kept' : json.branchOutcome;
  return {
    ...json,
    dir: json.dir === 'absent' ? 'absent' : 'left',
    dirReason: 'the session was not removed',
    branchOutcome,
    branchReason: branchOutcome === 'kept' ? 'the session was not removed' : json.branchReason,
    toSave: null,
  };
}

function removed(session: Asked): Removed {
  return {
    id: session.removal.id,
    name: session.removal.name,
    diskBytes: session.removal.diskBytes,
    endedPid: session.claude?.process.pid ?? null,
    worktree: null,
  };
}

function print(
  services: Services,
  options: RmOptions,
  done: readonly Removed[],
  failed: readonly Failed[],
): number {
  const freedBytes = done.reduce((sum, session) => sum + session.diskBytes, 0);
  if (options.json) {
    const key = options.dryRun ? 'wouldRemove' : 'removed';
    const withJson = <T extends { worktree: WorktreeOutcome | null }>(entry: T) => ({
      ...entry,
      worktree: entry.worktree && worktreeJson(entry.worktree),
    });
    services.out(
      `${JSON.stringify({ dryRun: options.dryRun, [key]: done.map(withJson), failed: failed.map(withJson), freedBytes }, null, 2)}\n`,
    );
  } else {
    for (const session of done) {
      const what = `session ${sessionLabel(session.id, session.name)}, ${formatBytes(session.diskBytes)}`;
      const pid = session.endedPid;
      if (options.dryRun) {
        services.out(`would ${pid === null ? '' : `end its Claude (pid ${pid}) and `}remove ${what}\n`);
      } else {
        services.out(`${pid === null ? '' : `ended its Claude (pid ${pid}) and `}removed ${what}\n`);
      }
      const lines = session.worktree ? worktreeLines(session.worktree, options.dryRun) : [];
      for (const line of lines) services.out(`  ${printable(line)}\n`);
    }
    for (const failure of failed) {
      services.err(
        `claude-session: could not remove session ${sessionLabel(failure.id, failure.name)}: ${printable(failure.error)}\n`,
      );
    }
    if (options.dryRun) services.out('dry run: nothing was changed\n');
  }
  return 0;
}
