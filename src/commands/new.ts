import { renameSync, rmSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import type { Services } from '../config/services.js';
import { resolveBase } from '../configdir/base.js';
import { loginEnvironment } from '../configdir/login.js';
import { prepareConfigDir } from '../configdir/prepare.js';
import { UserError } from '../core/errors.js';
import { launchContext } from '../launch/context.js';
import {
  type LaunchMode,
  launch,
  preflight,
  processRecordFor,
  sessionPlan,
  tmuxRecordFor,
} from '../launch/start.js';
import { locksDir, sessionPaths } from '../store/layout.js';
import { assertNameFree, indexName } from '../store/names.js';
import { nameProblem, RECORD_SCHEMA, type SessionRecord } from '../store/record.js';
import { mkdirPrivate, randomId, writeJsonAtomicSync } from '../system/files.js';
import { withLock } from '../system/lock.js';

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
  const { answers, cap, tmux } = preflight(services, { ...options, cwd: services.cwd });
  const context = await launchContext(services, base);
  const id = randomId();
  const now = services.now().toISOString();
  const user = userInfo();
  const record: SessionRecord = {
    schema: RECORD_SCHEMA,
    id,
    name: options.name,
    createdAt: now,
    cwd: services.cwd,
    user: user.username,
    uid: user.uid,
    host: hostname(),
    base: base.dir,
    claude: { path: context.claude, version: context.claudeVersion },
    process: processRecordFor(services, tmux),
    tmux: tmuxRecordFor(tmux),
    launches: 1,
    lastLaunchAt: now,
  };
  const paths = sessionPaths(settings.root, id);
  // Built aside and renamed into place, so no reader ever sees a half-made session.
  const building = sessionPaths(settings.root, `.new-${id}`);
  mkdirPrivate(building.dir);
  try {
    prepareConfigDir(building, base, context.login, answers);
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
    throw error;
  }
  for (const notice of context.notices) services.err(`claude-session: ${notice}\n`);
  const plan = sessionPlan(
    services,
    {
      paths,
      id,
      name: options.name,
      cwd: services.cwd,
      claude: context.claude,
      args: options.args,
      loginEnv: loginEnvironment(context.login),
    },
    tmux,
  );
  plan.argv = [...cap, ...plan.argv];
  return launch(services, plan, record, 'created', tmux);
}
