import { removeSessions } from '../cleanup/apply.js';
import { collectOne, liveEntry } from '../cleanup/collect.js';
import { type CleanupCandidate, decideAsked, type Removal } from '../cleanup/plan.js';
import type { Services } from '../config/services.js';
import { harvestAnswers } from '../configdir/answers-store.js';
import { isUserError, UserError } from '../core/errors.js';
import { formatBytes } from '../core/format.js';
import { assertSessionClaude, endClaude, type RunningClaude } from '../live/end.js';
import { findSession } from '../store/find.js';
import { sessionLabel, shortId } from '../store/layout.js';
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
}

/**
 * `claude-session rm SESSION...`: removes the sessions named, with cleanup's safety (the same
 * removal: judged again under each session's lock, moved aside in one rename, never through a link,
 * audit-logged). Every session is checked before the first is touched: one that cannot go (running or
 * pinned without --force, not ours, not found) stops them all. `--force` ends a running Claude first,
 * as `kill` does.
 */
export async function rm(services: Services, options: RmOptions): Promise<number> {
  const { root } = services.settings();
  const ids = [...new Set(options.queries.map((query) => find(root, query)))];
  const panes = tmuxPanes(services.env);
  const asked: Asked[] = [];
  const refusals: string[] = [];
  for (const id of ids) {
    const candidate = collectOne(root, id, liveEntry(root, id), panes);
    const label = sessionLabel(id, candidate.name);
    const handle = candidate.name ?? shortId(id);
    let claude: RunningClaude | undefined;
    if (candidate.live && options.force) {
      claude = runningClaude(root, id, panes);
      if (!claude) {
        refusals.push(
          `session ${label} runs (pid ${candidate.pid}) but its record cannot be read: end it by hand`,
        );
        continue;
      }
      assertSessionClaude(claude);
    }
    const decision = decideAsked({ ...candidate, live: candidate.live && !options.force }, options.force);
    if (!decision.remove) {
      refusals.push(refusal(label, handle, decision.rule, decision.reason));
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
    };
    asked.push({ candidate, removal, claude });
  }
  if (refusals.length > 0) throw new UserError(`${refusals.join('; ')} (nothing was removed)`);
  if (options.dryRun) {
    return print(services, options, asked.map(removed), []);
  }

  const failed: { id: string; name: string | null; error: string }[] = [];
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
      failed.push({ id: session.removal.id, name: session.removal.name, error: error.message });
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
      judge: (session) => decideAsked(session, options.force),
      panes: tmuxPanes(services.env, { fresh: true }),
      lockWaitMs: LOCK_WAIT_MS,
    },
  );
  const done: Removed[] = [];
  for (const [index, session] of ending.entries()) {
    const outcome = outcomes[index];
    const { id, name } = session.removal;
    if (outcome?.status === 'removed') done.push({ ...removed(session), diskBytes: outcome.freedBytes });
    else if (outcome?.status === 'skipped' && outcome.rule === 'gone')
      done.push({ ...removed(session), diskBytes: 0 });
    else failed.push({ id, name, error: outcome ? outcome.reason : 'not removed' });
  }
  print(services, options, done, failed);
  return failed.length > 0 ? 1 : 0;
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

function refusal(label: string, handle: string, rule: string, reason: string): string {
  switch (rule) {
    case 'running':
      return `session ${label} is ${reason}: \`claude-session kill ${handle}\` ends it, or --force ends it and removes it`;
    case 'pinned':
      return `session ${label} is pinned: \`claude-session unpin ${handle}\` first, or --force`;
    case 'unknown-record':
      return `session ${label}: ${reason}: left for you to inspect (--force removes it anyway)`;
    default:
      return `session ${label}: ${reason}`;
  }
}

function removed(session: Asked): Removed {
  return {
    id: session.removal.id,
    name: session.removal.name,
    diskBytes: session.removal.diskBytes,
    endedPid: session.claude?.process.pid ?? null,
  };
}

function print(
  services: Services,
  options: RmOptions,
  done: readonly Removed[],
  failed: readonly { id: string; name: string | null; error: string }[],
): number {
  const freedBytes = done.reduce((sum, session) => sum + session.diskBytes, 0);
  if (options.json) {
    const key = options.dryRun ? 'wouldRemove' : 'removed';
    services.out(`${JSON.stringify({ dryRun: options.dryRun, [key]: done, failed, freedBytes }, null, 2)}\n`);
  } else {
    for (const session of done) {
      const what = `session ${sessionLabel(session.id, session.name)}, ${formatBytes(session.diskBytes)}`;
      const pid = session.endedPid;
      if (options.dryRun) {
        services.out(`would ${pid === null ? '' : `end its Claude (pid ${pid}) and `}remove ${what}\n`);
      } else {
        services.out(`${pid === null ? '' : `ended its Claude (pid ${pid}) and `}removed ${what}\n`);
      }
    }
    for (const failure of failed) {
      services.err(
        `claude-session: could not remove session ${sessionLabel(failure.id, failure.name)}: ${failure.error}\n`,
      );
    }
    if (options.dryRun) services.out('dry run: nothing was changed\n');
  }
  return 0;
}
