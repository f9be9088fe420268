import { existsSync, renameSync, rmSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Services } from '../config/services.js';
import { resolveBase } from '../configdir/base.js';
import { loginEnvironment } from '../configdir/login.js';
import { prepareConfigDir, readBaseClaudeJson } from '../configdir/prepare.js';
import { parseBaseClaudeJson } from '../configdir/seed.js';
import { UserError } from '../core/errors.js';
import { launchContext } from '../launch/context.js';
import { settingsFrom } from '../launch/plan.js';
import {
  type LaunchMode,
  launch,
  preflight,
  processRecordFor,
  sessionPlan,
  tmuxRecordFor,
} from '../launch/start.js';
import { copyTranscript } from '../live/transcript.js';
import { locksDir, projectSlug, sessionPaths, worktreesDir } from '../store/layout.js';
import { assertNameFree, indexName } from '../store/names.js';
import { nameProblem, RECORD_SCHEMA, type SessionRecord } from '../store/record.js';
import { mkdirPrivate, randomId, writeJsonAtomicSync } from '../system/files.js';
import { runSetupCommand } from '../system/git.js';
import { withLock } from '../system/lock.js';
import { createWorktree, discardNewWorktree, planWorktree, type WorktreePlan } from '../worktree/create.js';
import { copyIncluded } from '../worktree/include.js';
import { defaultBranch } from '../worktree/model.js';
import { findRepository, isInsideWorkTree } from '../worktree/repository.js';
import { isTrusted, withTrustFor } from '../worktree/trust.js';

export interface NewOptions {
  name: string | null;
  args: string[];
  /** Start even past the guard rails. */
  force?: boolean;
  /** A memory cap for the session (systemd user scope), e.g. `600M`; else the configured one. */
  memoryMax?: string | null;
  /** Where Claude runs; else the configured mode (`detach`: in tmux, not attached). */
  mode?: LaunchMode;
  /** With `detach`: return at once instead of when Claude is ready. */
  noWait?: boolean;
  json?: boolean;
  /**
   * `--worktree [BRANCH]` (with `--base REF`): the session runs in a new git worktree of the repository
   * it starts in; `false`: `--no-worktree`; undefined: as the config says ("worktree": true).
   */
  worktree?: false | { branch: string | null; base: string | null };
  /** `--no-setup`: skip the configured set-up command in the new worktree. */
  setup?: boolean;
  /** `fork`: the session continues a copy of another session's conversation (see commands/fork.ts). */
  fork?: ForkOrigin;
}

/** Where a fork comes from, as commands/fork.ts found it (nothing written yet). */
export interface ForkOrigin {
  /** The source session's id, and its conversation's uuid. */
  session: string;
  conversation: string;
  /** The conversation's transcript in the source's config dir, copied into the fork's. */
  transcript: string;
  /** Where the source works: the repository (and subfolder) the worktree is made from, else the folder. */
  from: string;
  /** The folder whose trust decides the worktree's: the user's checkout the source's work came from. */
  trustFrom: string;
}

/**
 * `claude-session [new]`: a new session, built aside and published whole, then launched as its plan says
 * (see docs/architecture.md for the path from bin/claude-session to the exec of Claude).
 */
export async function startNewSession(services: Services, options: NewOptions): Promise<number> {
  if (options.name !== null) {
    const problem = nameProblem(options.name);
    if (problem) throw new UserError(problem);
  }
  if (!services.cwd) throw new UserError('the current directory no longer exists: cd somewhere else first');
  const settings = services.settings();
  const base = resolveBase(services.env, settings.home);
  // Checked before anything is written; checked again under the lock, where it counts.
  if (options.name !== null) assertNameFree(settings.root, options.name);
  const id = randomId();
  const fork = options.fork;
  // A fork works where its source does, not where the command was typed.
  const from = fork?.from ?? services.cwd;
  const worktree = worktreeFor(services, options, id, from);
  const args = worktree || fork ? settingsFrom(options.args, services.cwd) : options.args;
  const { answers: kept, cap, tmux } = preflight(services, { ...options, args, cwd: services.cwd });
  const context = await launchContext(services, base);
  const answers =
    worktree &&
    isTrusted(parseBaseClaudeJson(readBaseClaudeJson(base)), kept, fork?.trustFrom ?? services.cwd)
      ? withTrustFor(kept, worktree.record.path)
      : kept;
  // The last check before the first write: from here on, a failure removes what was made.
  if (worktree) makeWorktree(services, worktree, options.setup !== false);
  const cwd = worktree?.cwd ?? from;
  const now = services.now().toISOString();
  const user = userInfo();
  const record: SessionRecord = {
    schema: RECORD_SCHEMA,
    id,
    name: options.name,
    createdAt: now,
    cwd,
    user: user.username,
    uid: user.uid,
    host: hostname(),
    base: base.dir,
    claude: { path: context.claude, version: context.claudeVersion },
    process: processRecordFor(services, tmux),
    tmux: tmuxRecordFor(tmux),
    launches: 1,
    lastLaunchAt: now,
    ...(worktree ? { worktree: worktree.record } : {}),
    ...(fork ? { forkedFrom: { session: fork.session, conversation: fork.conversation } } : {}),
  };
  const paths = sessionPaths(settings.root, id);
  // Built aside and renamed into place, so no reader ever sees a half-made session.
  const building = sessionPaths(settings.root, `.new-${id}`);
  try {
    mkdirPrivate(building.dir);
    prepareConfigDir(building, base, context.login, answers);
    if (fork) copyConversation(fork, building.configDir, cwd);
    writeJsonAtomicSync(building.record, record);
    const publish = () => {
      if (options.name !== null) assertNameFree(settings.root, options.name);
      renameSync(building.dir, paths.dir);
      try {
        if (options.name !== null) indexName(settings.root, options.name, id);
      } catch (error) {
        // Unpublished again, so that nothing is left of a start that failed.
        renameSync(paths.dir, building.dir);
        throw error;
      }
    };
    if (options.name === null) publish();
    else withLock(locksDir(settings.root), 'names', publish);
  } catch (error) {
    rmSync(building.dir, { recursive: true, force: true });
    if (worktree) discardNewWorktree(worktree, services.env);
    throw error;
  }
  for (const notice of context.notices) services.err(`claude-session: ${notice}\n`);
  const plan = sessionPlan(
    services,
    {
      paths,
      id,
      name: options.name,
      cwd,
      claude: context.claude,
      // Claude forks the copy: a new conversation that starts with the source's turns.
      args: fork ? ['--resume', fork.conversation, '--fork-session', ...args] : args,
      loginEnv: loginEnvironment(context.login),
    },
    tmux,
  );
  plan.argv = [...cap, ...plan.argv];
  return launch(services, plan, record, 'created', tmux);
}

/** The worktree the session is to run in, decided (nothing written yet), or undefined for none. */
function worktreeFor(
  services: Services,
  options: NewOptions,
  id: string,
  cwd: string,
): WorktreePlan | undefined {
  const settings = services.settings();
  if (options.worktree === false) return undefined;
  const wanted = options.worktree ?? (settings.worktree.enabled ? { branch: null, base: null } : undefined);
  if (!wanted) return undefined;
  // From the config alone, a session outside any repository simply has none.
  if (options.worktree === undefined && !isInsideWorkTree(cwd, services.env)) return undefined;
  const repo = findRepository(cwd, services.env);
  return planWorktree({
    repo,
    id,
    branch: wanted.branch ?? defaultBranch(settings.worktree.branchPrefix, options.name, id),
    base: wanted.base,
    worktreesDir: worktreesDir(settings.root),
    env: services.env,
  });
}

/**
 * Makes the worktree, copies what `.worktreeinclude` names and runs the configured set-up command; a
 * failure leaves nothing behind (the new worktree and branch hold nothing of the user's yet).
 */
function makeWorktree(services: Services, worktree: WorktreePlan, runSetup: boolean): void {
  const settings = services.settings();
  createWorktree(worktree, locksDir(settings.root), services.env);
  try {
    // The subfolder the user was in may hold nothing tracked: then Claude starts at the worktree's top.
    if (!existsSync(worktree.cwd)) worktree.cwd = worktree.record.path;
    const included = copyIncluded(worktree.source, worktree.record.path, services.env);
    for (const skipped of included.skipped)
      services.err(`claude-session: .worktreeinclude: not copied: ${skipped}\n`);
    const setup = settings.worktree.setup;
    if (setup && runSetup) {
      services.err(`claude-session: setting up the worktree: ${setup}\n`);
      const status = runSetupCommand(worktree.cwd, setup, services.env);
      if (status !== 0) {
        throw new UserError(
          `the worktree set-up command (${setup}) failed (${typeof status === 'number' ? `exit status ${status}` : status}) in ${worktree.record.path}: fix it (config "worktree.setup") or start with --no-setup; nothing was kept`,
        );
      }
    }
  } catch (error) {
    discardNewWorktree(worktree, services.env);
    throw error;
  }
}

/**
 * The source's transcript, copied where Claude looks for it (`projects/<folder of cwd>/<uuid>.jsonl`
 * in the fork's config dir): whole lines only, as they were at this moment (the source may be running).
 */
function copyConversation(fork: ForkOrigin, configDir: string, cwd: string): void {
  const folder = join(configDir, 'projects', projectSlug(cwd));
  mkdirPrivate(folder);
  copyTranscript(fork.transcript, join(folder, `${fork.conversation}.jsonl`));
}
