import { existsSync } from 'node:fs';
import { audit } from '../audit/audit.js';
import type { Services } from '../config/services.js';
import { baseOfSession } from '../configdir/base.js';
import { loginEnvironment } from '../configdir/login.js';
import { prepareConfigDir } from '../configdir/prepare.js';
import { EXIT, UserError } from '../core/errors.js';
import { shellWord } from '../core/format.js';
import { launchContext } from '../launch/context.js';
import { choosesConversation } from '../launch/plan.js';
import {
  type LaunchMode,
  launch,
  preflight,
  processRecordFor,
  sessionPlan,
  tmuxRecordFor,
} from '../launch/start.js';
import { type ConversationChoice, whichConversation } from '../launch/which-conversation.js';
import { findResumeTarget, latestConversation } from '../live/conversation.js';
import { findSession } from '../store/find.js';
import { locksDir, projectSlug, sessionLabel, shortId } from '../store/layout.js';
import { registerLive, sameProcess } from '../store/live-index.js';
import type { SessionRecord } from '../store/record.js';
import { readSession } from '../store/records.js';
import { runningProcess, tmuxPanes } from '../store/running.js';
import { writeJsonAtomicSync } from '../system/files.js';
import { withLockAsync } from '../system/lock.js';

export interface ResumeOptions {
  /** A session's id, id prefix or name, or (without `conversation`) a conversation's uuid. */
  query: string;
  /** Resume exactly this conversation of the session (`claude --resume`), not its latest. */
  conversation?: string;
  args: string[];
  force?: boolean;
  /** Where Claude runs; else the configured mode. */
  mode?: LaunchMode;
  noWait?: boolean;
  json?: boolean;
}

/**
 * Continues a session's conversation (its latest, or the one named by its uuid) in its own config dir,
 * in the directory it was started in.
 */
export async function resume(services: Services, options: ResumeOptions): Promise<number> {
  const settings = services.settings();
  const found =
    options.conversation === undefined
      ? findResumeTarget(settings.root, options.query)
      : { id: findSession(settings.root, options.query).id, conversation: options.conversation };
  const conversation = found.conversation;
  const chosen = choosesConversation(options.args);
  if (conversation !== undefined && chosen) {
    throw new UserError(
      `conversation ${conversation} (in session ${shortId(found.id)}) is resumed with --resume: leave out your own --continue, --resume or --session-id`,
      EXIT.USAGE,
    );
  }
  const prepared = await withLockAsync(locksDir(settings.root), `session-${found.id}`, async () => {
    const session = readSession(settings.root, found.id);
    const record = session.record;
    if (!existsSync(session.paths.dir)) {
      throw new UserError(
        `session ${shortId(found.id)} was removed just now (by \`claude-session cleanup\`?): see \`claude-session list\``,
      );
    }
    if (!record) {
      throw new UserError(
        `session ${shortId(found.id)} is broken (${session.problem}): inspect ${session.paths.record}`,
      );
    }
    const running = runningProcess(record, session.paths.dir, tmuxPanes(services.env));
    if (running) {
      if (!record.process || !sameProcess(record.process, running)) {
        // Claude runs in its tmux session though the record names its starter (see running.ts).
        writeJsonAtomicSync(session.paths.record, {
          ...record,
          process: { ...running, startedAt: services.now().toISOString() },
        });
        registerLive(settings.root, record.id, running);
      }
      const where = record.tmux
        ? `\`claude-session attach ${record.name ?? shortId(record.id)}\` shows it`
        : 'use that terminal, or end it first';
      throw new UserError(
        `session ${sessionLabel(record.id, record.name)} is already running (pid ${running.pid}): ${where}`,
      );
    }
    if (record.process && !record.endedObservedAt) {
      // Its last Claude has ended and nobody said so yet: `list` only reads, so the command that
      // starts the next one writes it down.
      audit(settings.root, {
        action: 'ended',
        session: record.id,
        name: record.name,
        outcome: 'ok',
        detail: `pid ${record.process.pid}`,
      });
    }
    if (!existsSync(record.cwd) && record.worktree) {
      const { path, branch, repo } = record.worktree;
      throw new UserError(
        `session ${sessionLabel(record.id, record.name)} runs in its worktree ${path}, which no longer exists (removed or moved by hand): \`git -C ${shellWord(repo)} worktree prune && git -C ${shellWord(repo)} worktree add ${shellWord(path)} ${shellWord(branch)}\` brings it back from its branch`,
      );
    }
    if (!existsSync(record.cwd)) {
      throw new UserError(
        `session ${sessionLabel(record.id, record.name)} was started in ${record.cwd}, which no longer exists: recreate it first`,
      );
    }
    const { answers, cap, tmux } = preflight(services, {
      ...options,
      cwd: record.cwd,
      answersOf: [record.id],
    });
    const base = baseOfSession(record.base, settings.home);
    const context = await launchContext(services, base);
    prepareConfigDir(session.paths, base, context.login, answers);
    const choice = chooseConversation(session.paths.configDir, record, conversation, chosen);
    const claudeArgs = [...choice.args, ...options.args];
    const updated: SessionRecord = {
      ...record,
      claude: { path: context.claude, version: context.claudeVersion },
      process: processRecordFor(services, tmux),
      launches: record.launches + 1,
      endedObservedAt: undefined,
      tmux: tmuxRecordFor(tmux),
      lastLaunchAt: services.now().toISOString(),
    };
    writeJsonAtomicSync(session.paths.record, updated);
    const plan = sessionPlan(
      services,
      {
        paths: session.paths,
        id: record.id,
        name: record.name,
        cwd: record.cwd,
        claude: context.claude,
        args: claudeArgs,
        loginEnv: loginEnvironment(context.login),
      },
      tmux,
    );
    plan.argv = [...cap, ...plan.argv];
    return { plan, updated, notices: context.notices, choice, tmux };
  });
  for (const notice of prepared.notices) services.err(`claude-session: ${notice}\n`);
  const label = sessionLabel(prepared.updated.id, prepared.updated.name);
  if (conversation !== undefined) {
    services.err(`claude-session: conversation ${conversation} is in session ${label}: resuming it there\n`);
  } else if (prepared.choice.how === 'none') {
    services.err(`claude-session: session ${label} has no conversation yet: starting a new one in it\n`);
  }
  return launch(services, prepared.plan, prepared.updated, 'resumed', prepared.tmux);
}

/** The conversation to go on with (see which-conversation.ts), its transcripts looked at only as needed. */
function chooseConversation(
  configDir: string,
  record: SessionRecord,
  named: string | undefined,
  chosenByArgs: boolean,
): ConversationChoice {
  if (named !== undefined || chosenByArgs) return whichConversation({ named, chosenByArgs });
  const inCwd = latestConversation(configDir, projectSlug(record.cwd))?.uuid;
  const forkedFrom = record.forkedFrom?.conversation;
  const latest =
    inCwd === undefined || forkedFrom !== undefined ? latestConversation(configDir)?.uuid : inCwd;
  return whichConversation({ chosenByArgs, inCwd, latest, forkedFrom });
}
