import { audit } from '../audit/audit.js';
import { removeSessions } from '../cleanup/apply.js';
import { collectOne, liveEntry } from '../cleanup/collect.js';
import { decideAsked } from '../cleanup/plan.js';
import { worktreeLines } from '../cleanup/worktree.js';
import type { Services } from '../config/services.js';
import { harvestAnswers } from '../configdir/answers-store.js';
import { UserError } from '../core/errors.js';
import { formatBytes } from '../core/format.js';
import { locksDir, sessionLabel, shortId } from '../store/layout.js';
import { tmuxPanes } from '../store/running.js';
import { withLockAsync } from '../system/lock.js';
import { repositoryLockName } from '../worktree/create.js';
import { baseLabel } from '../worktree/describe.js';
import { gatherMergeFacts, runMerge } from '../worktree/merge.js';
import { mergeRefusal } from '../worktree/merge-plan.js';
import { workAtRisk } from '../worktree/model.js';
import type { WorktreeRemoval } from '../worktree/remove.js';
import { findWorktreeSession, lookAtWorktree } from './diff.js';

export interface MergeOptions {
  query: string;
  /** Then remove the session with its worktree and branch (never losing work: see remove.ts). */
  rm: boolean;
  json: boolean;
}

/** A resume holds a session's lock while it prepares it: wait that long, as rm does. */
const LOCK_WAIT_MS = 10_000;

interface Removed {
  /** Whether all of it went: the session, and its worktree unless git or the rules kept it. */
  complete: boolean;
  diskBytes: number;
  worktree: WorktreeRemoval['worktree'];
  branch: WorktreeRemoval['branch'];
  lines: string[];
}

/**
 * `claude-session merge SESSION [--rm]`: brings the session's branch into its base branch, in the
 * checkout that has the base checked out (normally the main one), with `git merge --no-ff`. Everything
 * is checked first, and a refusal leaves everything as it was: the base is not a branch, no checkout
 * has it, that checkout has uncommitted changes or an operation under way, the session's worktree has
 * uncommitted or untracked files (they would not be in the merge), nothing to merge, a conflict
 * (found beforehand with `git merge-tree`; a merge that stops anyway is aborted). With --rm the session
 * then goes with its worktree and branch, by rm's rules.
 */
export async function merge(services: Services, options: MergeOptions): Promise<number> {
  const { root } = services.settings();
  const env = services.env;
  const { record, worktree } = findWorktreeSession(services, options.query, 'merge');
  const label = sessionLabel(record.id, record.name);
  const refuse = (why: string): never => {
    throw new UserError(`cannot merge session ${label}: ${why} (nothing was changed)`);
  };
  const merged = await withLockAsync(locksDir(root), repositoryLockName(worktree.gitDir), async () => {
    // Looked at under the lock: another merge into this checkout may have just finished.
    const state = await lookAtWorktree(services, record, worktree, ['moved', 'missing']);
    if (options.rm) await checkRemovable(services, record.id, state, refuse);
    const facts = gatherMergeFacts(worktree, state, env);
    const refusal = mergeRefusal(facts);
    if (refusal) refuse(refusal);
    const target = facts.target?.path as string;
    const outcome = runMerge(worktree, target, env);
    if (!outcome.ok) refuse(outcome.refusal);
    return { target, commit: outcome.ok ? outcome.commit : '', commits: state.ahead };
  });
  audit(root, {
    action: 'merged',
    session: record.id,
    name: record.name,
    outcome: 'ok',
    detail: `${worktree.branch} into ${worktree.base} at ${merged.target}: ${merged.commit}`,
  });
  const removed = options.rm ? await removeMerged(services, record.id) : null;
  const report = {
    id: record.id,
    name: record.name,
    branch: worktree.branch,
    base: worktree.base,
    checkout: merged.target,
    commits: merged.commits,
    mergeCommit: merged.commit,
    removed,
  };
  if (options.json) {
    services.out(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    services.out(
      `merged ${worktree.branch} into ${baseLabel(worktree.base)} in ${merged.target}: ${merged.commits} commit${merged.commits === 1 ? '' : 's'}, merge commit ${merged.commit.slice(0, 12)}\n`,
    );
    for (const line of removed?.lines ?? []) services.out(`${line}\n`);
  }
  if (removed && !removed.complete) {
    services.err(
      `claude-session: session ${label} was merged but not all removed: ${removed.lines.at(-1)}\n`,
    );
    return 1;
  }
  return 0;
}

/**
 * Before merging with --rm: whether the session could go afterwards. It must not run, nor be pinned,
 * and its worktree may hold nothing the merge does not carry (stashes, a lock): the merge's own
 * refusals cover uncommitted and untracked files, and the merge makes its commits reachable.
 */
async function checkRemovable(
  services: Services,
  id: string,
  state: Parameters<typeof workAtRisk>[0],
  refuse: (why: string) => never,
): Promise<void> {
  const { root } = services.settings();
  const candidate = await collectOne(root, id, liveEntry(root, id), tmuxPanes(services.env), {
    env: services.env,
  });
  // Its worktree is judged just below, without what the merge carries (its commits, its files).
  const decision = decideAsked({ ...candidate, worktree: null }, false);
  const handle = candidate.name ?? shortId(id);
  if (!decision.remove) {
    if (decision.rule === 'running')
      refuse(
        `with --rm it must not run, and it is ${decision.reason}: \`claude-session kill ${handle}\` first, or merge without --rm`,
      );
    if (decision.rule === 'pinned')
      refuse(`with --rm: it is pinned: \`claude-session unpin ${handle}\` first, or merge without --rm`);
    refuse(`with --rm: ${decision.reason}`);
  }
  const atRisk = workAtRisk({ ...state, unpushed: [], unpushedCount: 0, changed: 0, untracked: 0 });
  if (atRisk.length > 0) {
    refuse(`with --rm its worktree would still hold work: ${atRisk.join('; ')}; merge without --rm`);
  }
}

/**
 * After the merge: the session with its worktree and branch, by rm's rules (under its lock, judged
 * again: a resume begun meanwhile, or work made in the worktree since, keeps it all). The worktree goes
 * first; when it cannot go, the session stays too.
 */
async function removeMerged(services: Services, id: string): Promise<Removed> {
  const { root } = services.settings();
  const env = services.env;
  const candidate = await collectOne(root, id, liveEntry(root, id), tmuxPanes(env), { env });
  const decision = decideAsked(candidate, false);
  const kept = (why: string): Removed => ({
    complete: false,
    diskBytes: 0,
    worktree: 'left',
    branch: 'kept',
    lines: [why],
  });
  if (!decision.remove)
    return kept(
      decision.rule === 'worktree-work' ? `${decision.reason}: it stays` : `it is ${decision.reason} now`,
    );
  harvestAnswers(root, [id]);
  const [outcome] = await removeSessions(
    root,
    [
      {
        id,
        name: candidate.name,
        rule: decision.rule,
        reason: decision.reason,
        diskBytes: candidate.diskBytes,
        worktree: candidate.worktree && { path: candidate.worktree.path, branch: candidate.worktree.branch },
      },
    ],
    new Map([[id, candidate]]),
    {
      judge: (session) => decideAsked(session, false),
      panes: tmuxPanes(env, { fresh: true }),
      lockWaitMs: LOCK_WAIT_MS,
      env,
    },
  );
  if (outcome?.status !== 'removed') {
    return kept(
      outcome?.status === 'skipped' || outcome?.status === 'failed' ? outcome.reason : 'not removed',
    );
  }
  const label = sessionLabel(id, candidate.name);
  const lines = [`removed session ${label}, ${formatBytes(outcome.freedBytes)}`];
  const worktree = outcome.worktree;
  if (!worktree)
    return { complete: true, diskBytes: outcome.freedBytes, worktree: 'absent', branch: 'absent', lines };
  lines.push(...worktreeLines(worktree, false));
  return {
    complete: true,
    diskBytes: outcome.freedBytes,
    worktree: worktree.removal.worktree,
    branch: worktree.removal.branch,
    lines,
  };
}
