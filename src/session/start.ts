import { existsSync, renameSync, rmSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { isUserError, UserError } from '../cli/errors.js';
import type { Services } from '../cli/services.js';
import { claudeVersion, findClaude } from '../system/claude-binary.js';
import { mkdirPrivate, randomId, writeJsonAtomicSync } from '../system/files.js';
import { handOff, handOffAvailable, launcherIdentity, runChild } from '../system/handoff.js';
import { childProcess } from '../system/lazy.js';
import { acquireLock, withLock } from '../system/lock.js';
import { identify } from '../system/proc.js';
import { checkDue, NPM_GLOBAL_LOCK, readUpdateState, writeUpdateState } from '../update/state.js';
import { currentBinary, versionOfBinary } from '../update/store.js';
import { installLatest } from '../update/update.js';
import { compareVersions, isVersion } from '../update/version.js';
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

export async function launchContext(services: Services, base: Base): Promise<LaunchContext> {
  const settings = services.settings();
  const claude = await resolveClaude(services);
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
  const version =
    versionOfBinary(settings.root, claude) ??
    claudeVersion(claude, join(cacheDir(settings.root), 'claude-versions.json')) ??
    null;
  const update = updateNotice(services, version);
  if (update) notices.push(update);
  return { base, claude, claudeVersion: version, login, notices };
}

/**
 * The Claude binary for a new launch: CLAUDE_SESSION_CLAUDE, else the managed store's current version
 * (by its real path, so switching versions later never touches this session), else `claude` on PATH.
 * With none at all, the managed mode installs the latest version first, showing npm's progress.
 */
async function resolveClaude(services: Services): Promise<string> {
  const settings = services.settings();
  const managed = settings.update.mode === 'managed' && !services.env.CLAUDE_SESSION_CLAUDE;
  const stored = managed ? currentBinary(settings.root) : undefined;
  if (stored) {
    ensureRoot(settings);
    return stored;
  }
  try {
    const claude = findClaude(services.env);
    ensureRoot(settings);
    return claude;
  } catch (error) {
    // CLAUDE_SESSION_NO_UPDATE=1 promises no network and no installs: then it is the user's to install.
    if (!managed || !settings.update.check || !isUserError(error)) throw error;
    ensureRoot(settings);
    return installFirstVersion(services);
  }
}

/** Tells, once per version and only on a terminal, that a newer Claude Code was found. */
function updateNotice(services: Services, running: string | null): string | undefined {
  const root = services.settings().root;
  const state = readUpdateState(root);
  if (!state.latest || !running || !isVersion(running) || state.notified === state.latest) return undefined;
  if (compareVersions(state.latest, running) <= 0 || !services.isTerminal(2)) return undefined;
  writeUpdateState(root, { ...state, notified: state.latest });
  return `Claude Code ${state.latest} is available (this session runs ${running}): \`claude-session update\` installs it`;
}

/** Whether this launch should start the detached update check (see `claude-session update --background`). */
export function backgroundCheckDue(services: Services): boolean {
  const { root, update } = services.settings();
  return update.check && checkDue(readUpdateState(root), services.now().getTime(), update.intervalMs);
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
    background: backgroundCheckDue(services),
  });
  return launch(services, plan, record);
}

/**
 * Hands the plan to the launcher shell, or runs Claude as a child when started without it (then the
 * record names the child). `record` is the session's record as published.
 */
export async function launch(services: Services, plan: LaunchPlan, record: SessionRecord): Promise<number> {
  const { root, update } = services.settings();
  let current = record;
  if (update.mode === 'npm-global' && (await waitForGlobalInstall(services, root))) {
    // The binary at that path was just replaced: record the version it has now.
    const version = claudeVersion(record.claude.path, join(cacheDir(root), 'claude-versions.json')) ?? null;
    current = { ...record, claude: { ...record.claude, version } };
    writeJsonAtomicSync(sessionPaths(root, record.id).record, current);
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
    writeJsonAtomicSync(sessionPaths(root, record.id).record, { ...current, process: running });
  });
}

/**
 * In npm-global mode an install replaces the binary in place: a session starting meanwhile waits for it.
 * Checked after the session's record is published, the order that lets the installer (which takes the
 * lock, then looks for live sessions) and a starting session never miss each other.
 */
async function waitForGlobalInstall(services: Services, root: string): Promise<boolean> {
  if (!existsSync(join(locksDir(root), NPM_GLOBAL_LOCK))) return false;
  services.err('claude-session: waiting for an install of Claude Code to finish...\n');
  acquireLock(locksDir(root), NPM_GLOBAL_LOCK, 20 * 60_000).release();
  return true;
}

async function installFirstVersion(services: Services): Promise<string> {
  const settings = services.settings();
  await installLatest({
    root: settings.root,
    settings: settings.update,
    env: services.env,
    showProgress: true,
    now: services.now,
    say: (line) => services.err(`claude-session: ${line}\n`),
  });
  const binary = currentBinary(settings.root);
  if (!binary)
    throw new UserError(`the first install of Claude Code left no binary: see ${settings.root}/update.log`);
  return binary;
}

/** Without the launcher shell: start the detached update check ourselves. */
function startBackgroundCheck(env: NodeJS.ProcessEnv): void {
  const entry = process.argv[1];
  if (!entry) return;
  childProcess()
    .spawn(process.execPath, [entry, 'update', '--background'], { detached: true, stdio: 'ignore', env })
    .unref();
}
