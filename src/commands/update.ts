import type { Services } from '../config/services.js';
import { ensureRoot } from '../configdir/prepare.js';
import { EXIT, UserError } from '../core/errors.js';
import { compareVersions, isVersion } from '../core/version.js';
import { locksDir, versionCacheFile } from '../store/layout.js';
import { claudeVersion, findClaude } from '../system/claude-binary.js';
import { acquireLock, tryAcquireLock } from '../system/lock.js';
import { currentVersion } from '../update/install-store.js';
import {
  checkLatest,
  installManaged,
  installNpmGlobal,
  rollbackManaged,
  type UpdateContext,
} from '../update/update.js';

export interface UpdateOptions {
  check: boolean;
  json: boolean;
  to: string | undefined;
  rollback: boolean;
  background: boolean;
}

function context(services: Services, quiet: boolean): UpdateContext {
  const settings = services.settings();
  return {
    root: settings.root,
    settings: settings.update,
    env: services.env,
    showProgress: !quiet,
    now: services.now,
    say: (line) => {
      if (!quiet) services.err(`claude-session: ${line}\n`);
    },
  };
}

/** The version new sessions start on now: the store's current one, or the `claude` on PATH. */
function installedVersion(services: Services): string | null {
  const settings = services.settings();
  if (settings.update.mode === 'managed') {
    const current = currentVersion(settings.root);
    if (current) return current;
  }
  try {
    return claudeVersion(findClaude(services.env), versionCacheFile(settings.root)) ?? null;
  } catch {
    return null;
  }
}

export async function update(services: Services, options: UpdateOptions): Promise<number> {
  const settings = services.settings();
  ensureRoot(settings);
  const managed = settings.update.mode === 'managed';
  if (options.to !== undefined && !isVersion(options.to)) {
    throw new UserError(
      `"${String(options.to).slice(0, 40)}" is not a version: give one like 2.1.332`,
      EXIT.USAGE,
    );
  }
  if (options.background) return background(services);
  const ctx = context(services, options.json || options.check);

  if (options.rollback) {
    if (!managed)
      throw new UserError('rollback needs the managed mode; in npm-global mode use `update --to VERSION`');
    const to = await rollbackManaged(ctx);
    services.out(`new sessions start on Claude Code ${to} again; running sessions keep theirs\n`);
    return 0;
  }

  const installed = installedVersion(services);
  let target = options.to;
  if (target === undefined) {
    const result = await checkLatest(ctx, installed);
    if (!result.ok) throw new UserError(`update check failed: ${result.error}`);
    target = result.latest;
  }
  const available = installed === null || compareVersions(target, installed) > 0;
  if (options.check) {
    if (options.json) {
      services.out(
        `${JSON.stringify({ mode: settings.update.mode, installed, latest: target, updateAvailable: available })}\n`,
      );
    } else {
      services.out(
        available
          ? `Claude Code ${target} is available (installed: ${installed ?? 'none'}): run \`claude-session update\`\n`
          : `Claude Code ${installed} is up to date\n`,
      );
    }
    return 0;
  }
  if (options.to === undefined && !available) {
    services.out(
      options.json
        ? `${JSON.stringify({ installed, changed: false })}\n`
        : `Claude Code ${installed} is up to date\n`,
    );
    return 0;
  }
  if (managed) {
    const lock = acquireLock(locksDir(settings.root), 'update', 15 * 60_000);
    try {
      await installManaged(ctx, target);
    } finally {
      lock.release();
    }
    services.out(
      options.json
        ? `${JSON.stringify({ installed: target, previous: installed, changed: true })}\n`
        : `new sessions start on Claude Code ${target} (was ${installed ?? 'none'}); running sessions keep theirs\n`,
    );
    return 0;
  }
  const done = await installNpmGlobal(ctx, target);
  if (!done) {
    throw new UserError(
      `not installed: sessions are running and \`npm install -g\` would break them; run this again when they have ended`,
      EXIT.TEMPFAIL,
    );
  }
  services.out(
    options.json
      ? `${JSON.stringify({ installed: target, previous: installed, changed: true })}\n`
      : `installed Claude Code ${target} globally (was ${installed ?? 'none'})\n`,
  );
  return 0;
}

/**
 * What a session start runs in a detached process when a check is due: check, and install what is
 * newer when that is safe. Quiet; everything goes to update.log. One at a time: a second one just exits.
 */
async function background(services: Services): Promise<number> {
  const settings = services.settings();
  const lock = tryAcquireLock(locksDir(settings.root), 'update');
  if (!lock) return 0;
  try {
    const ctx = context(services, true);
    const installed = installedVersion(services);
    const result = await checkLatest(ctx, installed);
    if (!result.ok || !settings.update.autoInstall) return 0;
    if (installed !== null && compareVersions(result.latest, installed) <= 0) return 0;
    if (settings.update.mode === 'managed') await installManaged(ctx, result.latest);
    else await installNpmGlobal(ctx, result.latest);
  } catch {
    // Logged in update.log already; a background check has no one to tell.
  } finally {
    lock.release();
  }
  return 0;
}
