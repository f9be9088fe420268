import { renameSync, rmSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../cli/errors.js';
import type { Services } from '../cli/services.js';
import { claudeVersion, findClaude } from '../system/claude-binary.js';
import { mkdirPrivate, randomId, writeJsonAtomicSync } from '../system/files.js';
import { handOff, handOffAvailable, launcherIdentity, runChild } from '../system/handoff.js';
import { withLock } from '../system/lock.js';
import { identify } from '../system/proc.js';
import { type Base, resolveBase } from './base.js';
import { type LaunchPlan, planLaunch } from './launch.js';
import { cacheDir, locksDir, sessionPaths, tokenFile } from './layout.js';
import {
  baseCredentialsFile,
  chooseLogin,
  healCredentialLinks,
  type LoginStrategy,
  loginEnvironment,
  readStoredToken,
} from './login.js';
import { assertNameFree, indexName } from './names.js';
import { enforceProtection, ensureRoot, prepareConfigDir } from './prepare.js';
import { nameProblem, type ProcessRecord, RECORD_SCHEMA, type SessionRecord } from './record.js';

/** What every launch (new or resume) works out before it touches a session. */
export interface LaunchContext {
  base: Base;
  claude: string;
  claudeVersion: string | null;
  login: LoginStrategy;
  notices: string[];
}

export function launchContext(services: Services, base: Base): LaunchContext {
  const settings = services.settings();
  const claude = findClaude(services.env);
  ensureRoot(settings);
  const notices: string[] = [];
  const protection = enforceProtection(settings, base);
  if (protection) notices.push(protection);
  const login = chooseLogin(
    services.env,
    readStoredToken(tokenFile(settings.root)),
    baseCredentialsFile(base.dir),
  );
  if (login.kind === 'shared-login') healCredentialLinks(settings.root, login.credentials);
  if (login.kind === 'none')
    notices.push(
      'no login found: Claude will ask you to log in; `claude-session login` stores one for all sessions',
    );
  const version = claudeVersion(claude, join(cacheDir(settings.root), 'claude-versions.json')) ?? null;
  return { base, claude, claudeVersion: version, login, notices };
}

export function processRecordFor(services: Services): ProcessRecord | null {
  const launcher = handOffAvailable(services.env) ? launcherIdentity(services.env) : undefined;
  return launcher ? { ...launcher, startedAt: services.now().toISOString() } : null;
}

export interface NewOptions {
  name: string | null;
  args: string[];
}

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
  const context = launchContext(services, base);
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
    process: processRecordFor(services),
    launches: 1,
    lastLaunchAt: now,
  };
  const paths = sessionPaths(settings.root, id);
  // Built aside and renamed into place, so no reader ever sees a half-made session.
  const building = sessionPaths(settings.root, `.new-${id}`);
  mkdirPrivate(building.dir);
  try {
    prepareConfigDir(building, base, context.login);
    writeJsonAtomicSync(building.record, record);
    const publish = () => {
      if (options.name !== null) assertNameFree(settings.root, options.name);
      renameSync(building.dir, paths.dir);
      if (options.name !== null) indexName(settings.root, options.name, id);
    };
    if (options.name === null) publish();
    else withLock(locksDir(settings.root), 'names', publish);
  } catch (error) {
    rmSync(building.dir, { recursive: true, force: true });
    throw error;
  }
  for (const notice of context.notices) services.err(`claude-session: ${notice}\n`);
  const plan = planLaunch({
    paths,
    id,
    name: options.name,
    cwd: services.cwd,
    claude: context.claude,
    args: options.args,
    loginEnv: loginEnvironment(context.login),
  });
  return launch(services, plan, (pid) => recordChildProcess(settings.root, record, pid, services));
}

/** Hands the plan to the launcher shell, or runs Claude as a child when started without it. */
export async function launch(
  services: Services,
  plan: LaunchPlan,
  onChild: (pid: number) => void,
): Promise<number> {
  if (handOffAvailable(services.env)) {
    handOff(plan);
    return 0;
  }
  return runChild(plan, onChild);
}

export function recordChildProcess(
  root: string,
  record: SessionRecord,
  pid: number,
  services: Services,
): void {
  const identity = identify(pid);
  if (!identity) return;
  const updated: SessionRecord = {
    ...record,
    process: { ...identity, startedAt: services.now().toISOString() },
  };
  writeJsonAtomicSync(sessionPaths(root, record.id).record, updated);
}
