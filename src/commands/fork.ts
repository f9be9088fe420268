import { statSync } from 'node:fs';
import type { Services } from '../config/services.js';
import { EXIT, UserError } from '../core/errors.js';
import { shellWord } from '../core/format.js';
import { choosesConversation } from '../launch/plan.js';
import { findResumeTarget, findTranscript, latestConversation } from '../live/conversation.js';
import { lastCwd } from '../live/transcript.js';
import { sessionLabel, shortId } from '../store/layout.js';
import { readSession } from '../store/records.js';
import { git } from '../system/git.js';
import { forkPlace } from '../worktree/fork-place.js';
import { parseStatus } from '../worktree/model.js';
import { findRepository, isInsideWorkTree } from '../worktree/repository.js';
import { type NewOptions, startNewSession } from './new.js';

export interface ForkOptions extends Omit<NewOptions, 'worktree' | 'fork'> {
  /** The session to fork (id, prefix or name), or one of its conversations by uuid. */
  query: string;
  /** `--worktree BRANCH`: the new branch's name; `false`: `--no-worktree` (the source's folder). */
  worktree?: false | { branch: string | null };
}

/**
 * `claude-session fork SESSION`: a new session that continues a copy of SESSION's latest conversation
 * (or the one named by its uuid) in a new worktree branched from the branch SESSION works on, so two
 * approaches go on side by side. Claude forks the copy (`--resume UUID --fork-session`) in the new
 * session's own config dir; the source's transcript is only read.
 */
export async function fork(services: Services, options: ForkOptions): Promise<number> {
  const { root } = services.settings();
  const target = findResumeTarget(root, options.query);
  const session = readSession(root, target.id);
  const record = session.record;
  if (!record) {
    throw new UserError(
      `session ${shortId(target.id)} is broken (${session.problem}): inspect ${session.paths.record}`,
    );
  }
  const label = sessionLabel(record.id, record.name);
  if (choosesConversation(options.args)) {
    throw new UserError(
      'fork continues a copy of the conversation with --resume and --fork-session: leave out your own --continue, --resume or --session-id',
      EXIT.USAGE,
    );
  }
  const conversation =
    target.conversation === undefined
      ? latestConversation(session.paths.configDir)
      : {
          uuid: target.conversation,
          transcript: findTranscript(session.paths.configDir, target.conversation),
        };
  if (!conversation?.transcript) {
    throw new UserError(
      `session ${label} has no conversation to fork yet: give it a prompt first (\`claude-session attach ${record.name ?? shortId(record.id)}\`)`,
    );
  }
  const place = forkPlace(
    { cwd: record.cwd, worktree: record.worktree, lastCwd: lastCwd(conversation.transcript) },
    isDirectory,
  );
  if ('missing' in place) {
    throw new UserError(
      record.worktree
        ? `session ${label} works in its worktree ${record.worktree.path}, which no longer exists: \`claude-session resume ${record.name ?? shortId(record.id)}\` says how to bring it back`
        : `session ${label} works in ${place.missing}, which no longer exists: recreate it first`,
    );
  }
  const { from, trustFrom } = place;
  let worktree: NewOptions['worktree'];
  if (options.worktree === false) {
    if (record.worktree) {
      throw new UserError(
        `session ${label} has its own worktree (${record.worktree.path}), which a fork may not share: leave out --no-worktree`,
        EXIT.USAGE,
      );
    }
  } else {
    if (!isInsideWorkTree(from, services.env)) {
      throw new UserError(
        `session ${label} works in ${from}, which is not in a git repository, so a fork cannot have its own worktree: \`claude-session fork ${shellWord(options.query)} --no-worktree\` forks the conversation in that same folder`,
        EXIT.USAGE,
      );
    }
    const repo = findRepository(from, services.env);
    // From the branch checked out where the source works, at its tip (a commit when detached).
    worktree = { branch: options.worktree?.branch ?? null, base: repo.branch ?? repo.head };
    const changes = uncommitted(from, services.env);
    if (changes > 0) {
      services.err(
        `claude-session: ${from} has ${changes} uncommitted ${changes === 1 ? 'change' : 'changes'}, which the fork does not get: it starts from the last commit of ${repo.branch ?? repo.head.slice(0, 7)} (commit first to take them along)\n`,
      );
    }
  }
  services.err(`claude-session: forking conversation ${conversation.uuid} of session ${label}\n`);
  return startNewSession(services, {
    ...options,
    worktree,
    fork: {
      session: record.id,
      conversation: conversation.uuid,
      transcript: conversation.transcript,
      from,
      trustFrom,
    },
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Uncommitted changes and untracked files where the source works (0 when git cannot tell). */
function uncommitted(dir: string, env: NodeJS.ProcessEnv): number {
  const status = git(dir, ['status', '--porcelain=v2', '-z', '--untracked-files=all'], {
    env,
    readOnly: true,
  });
  if (!status.ok) return 0;
  const { changed, untracked } = parseStatus(status.stdout);
  return changed + untracked;
}
