import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Settings } from '../config/config.js';
import type { Services } from '../config/services.js';
import { resolveBase } from '../configdir/base.js';
import { baseCredentialsFile, CREDENTIALS_FILE, chooseLogin, readStoredToken } from '../configdir/login.js';
import { inspectTops, isUnlocked } from '../configdir/protect.js';
import { tokenFile, versionCacheFile } from '../store/layout.js';
import { readSessions } from '../store/records.js';
import { tmuxPanes } from '../store/running.js';
import { askVersion, claudeVersion, findClaude } from '../system/claude-binary.js';
import { memoryCapSupport } from '../system/memory-cap.js';
import { readUpdateState } from '../update/check-state.js';
import { currentBinary, versionOfBinary } from '../update/install-store.js';
import type { HealthFacts, PathFacts } from './model.js';
import { pathFacts } from './probe.js';
import { conversationsIn, gatherSession } from './session-facts.js';
import { hooksFacts, logoutFacts, tmuxFacts } from './tmux-facts.js';
import { gatherWorktrees } from './worktree-facts.js';

/** Reads disk and /proc once; everything the checks decide on. Changes nothing (but the version cache). */
export async function gatherFacts(services: Services): Promise<HealthFacts> {
  const settings = services.settings();
  const { env } = services;
  const root = settings.root;
  const rootStat = pathFacts(root, true);

  let baseDir = env.CLAUDE_CONFIG_DIR ? resolve(env.CLAUDE_CONFIG_DIR) : join(settings.home, '.claude');
  let baseExists = false;
  let baseSource = env.CLAUDE_CONFIG_DIR ? 'CLAUDE_CONFIG_DIR' : 'default';
  try {
    const base = resolveBase(env, settings.home);
    baseDir = base.dir;
    baseSource = base.source;
    baseExists = true;
  } catch {}

  let storedToken: string | undefined;
  try {
    storedToken = readStoredToken(tokenFile(root));
  } catch {}
  const login = chooseLogin(env, storedToken, baseExists ? baseCredentialsFile(baseDir) : undefined);

  let sessionsProblem: string | undefined;
  let found: ReturnType<typeof readSessions> = [];
  try {
    found = readSessions(root);
  } catch (error) {
    sessionsProblem = (error as Error).message;
  }
  const bases = new Set<string>();
  for (const session of found) if (session.record) bases.add(session.record.base);
  const baseConversations = new Map<string, Map<string, string>>();
  for (const dir of bases)
    baseConversations.set(dir, conversationsIn(dir, { withHistory: true, follow: true }));
  const anyInBase = [...baseConversations.values()].some((ids) => ids.size > 0);
  const tops = baseExists ? inspectTops({ baseDir, home: settings.home, root }) : [];
  const panes = tmuxPanes(env);
  const sessions = found.map((session) => gatherSession(session, settings.home, anyInBase, panes));

  return {
    nowMs: services.now().getTime(),
    uid: process.getuid?.() ?? -1,
    home: settings.home,
    root,
    rootIsExplicit: settings.rootIsExplicit,
    rootStat,
    sessionsDirStat: pathFacts(join(root, 'sessions')),
    sessionsProblem,
    base: { dir: baseDir, exists: baseExists, source: baseSource },
    protectShared: settings.protectShared,
    unlocked: isUnlocked(root),
    unprotected: tops.filter((top) => top.state === 'writable').map((top) => top.name),
    protectionRefused: tops.flatMap((top) =>
      top.state === 'refused' ? [{ name: top.name, reason: top.reason, fix: top.fix }] : [],
    ),
    claude: claudeFacts(services, rootStat !== undefined),
    login:
      login.kind === 'environment'
        ? { kind: login.kind, variable: login.variable }
        : login.kind === 'shared-login'
          ? { kind: login.kind, credentials: login.credentials }
          : { kind: login.kind },
    secrets: [
      pathFacts(join(root, 'credentials')),
      pathFacts(tokenFile(root)),
      baseExists ? pathFacts(join(baseDir, CREDENTIALS_FILE)) : undefined,
    ].filter((facts): facts is PathFacts => facts !== undefined),
    sessions,
    baseConversations,
    tmux: tmuxFacts(
      settings,
      env,
      sessions.flatMap((session) => (session.live && session.tmuxSocket ? [session.tmuxSocket] : [])),
    ),
    logout: logoutFacts(env),
    hooks: hooksFacts(baseDir, baseExists),
    memoryCap: memoryCapFacts(env, settings.limits),
    update: { checks: settings.update.check, ...readUpdateState(root) },
    worktrees: await gatherWorktrees(root, found, env),
  };
}

/** The binary a new session would get, found the way a launch finds it (see launch/context.ts). */
function claudeFacts(services: Services, rootExists: boolean): HealthFacts['claude'] {
  const settings = services.settings();
  const explicit = services.env.CLAUDE_SESSION_CLAUDE;
  const managed = settings.update.mode === 'managed';
  const installsOnStart = managed && settings.update.check && !explicit;
  const stored = managed && !explicit ? currentBinary(settings.root) : undefined;
  if (stored) {
    const version = versionOfBinary(settings.root, stored) ?? askVersion(stored, services.env) ?? null;
    return { path: stored, source: 'managed store', version, problem: undefined, installsOnStart };
  }
  let path: string;
  try {
    path = findClaude(services.env);
  } catch (error) {
    return {
      path: undefined,
      source: undefined,
      version: null,
      problem: (error as Error).message,
      installsOnStart,
    };
  }
  // The cache lives in the root: a doctor run before the first session must not create the root.
  const version = rootExists
    ? claudeVersion(path, versionCacheFile(settings.root))
    : askVersion(path, services.env);
  return {
    path,
    source: explicit ? 'CLAUDE_SESSION_CLAUDE' : 'PATH',
    version: version ?? null,
    problem: undefined,
    installsOnStart,
  };
}

/**
 * Whether `systemd-run --user --scope` can work: the binary, and a user manager to talk to (its private
 * socket under $XDG_RUNTIME_DIR, what systemd-run --user connects to without a D-Bus session bus).
 */
function memoryCapFacts(env: NodeJS.ProcessEnv, limits: Settings['limits']): HealthFacts['memoryCap'] {
  let cgroup: 'v2' | 'v1' | 'unknown' = 'unknown';
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) cgroup = 'v2';
  else if (existsSync('/sys/fs/cgroup/memory')) cgroup = 'v1';
  return {
    ...memoryCapSupport(env),
    cgroup,
    configured: limits.memoryMax,
    whenUnavailable: limits.memoryMaxUnavailable,
  };
}
