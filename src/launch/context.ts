import type { Services } from '../config/services.js';
import type { Base } from '../configdir/base.js';
import {
  baseCredentialsFile,
  chooseLogin,
  healCredentialLinks,
  type LoginStrategy,
  readStoredToken,
} from '../configdir/login.js';
import { enforceProtection, ensureRoot } from '../configdir/prepare.js';
import { isUserError, UserError } from '../core/errors.js';
import { compareVersions, isVersion } from '../core/version.js';
import { tokenFile, versionCacheFile } from '../store/layout.js';
import { claudeVersion, findClaude } from '../system/claude-binary.js';
import { checkDue, readUpdateState, writeUpdateState } from '../update/check-state.js';
import { currentBinary, versionOfBinary } from '../update/install-store.js';
import { installLatest } from '../update/update.js';
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
  const notices = enforceProtection(settings, base);
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
    versionOfBinary(settings.root, claude) ?? claudeVersion(claude, versionCacheFile(settings.root)) ?? null;
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
