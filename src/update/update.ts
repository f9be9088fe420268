import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { audit } from '../audit/audit.js';
import type { UpdateSettings } from '../config/config.js';
import { UserError } from '../core/errors.js';
import { compareVersions, isVersion } from '../core/version.js';
import { locksDir } from '../store/layout.js';
import { readSessions } from '../store/records.js';
import { runningProcess, tmuxPanes } from '../store/running.js';
import { askVersion } from '../system/claude-binary.js';
import { acquireLock } from '../system/lock.js';
import { globalPaths, installGlobal } from '../system/npm.js';
import { fetchDistTags, npmRegistry } from '../system/registry.js';
import { NPM_GLOBAL_LOCK, readUpdateState, writeUpdateState } from './check-state.js';
import {
  currentVersion,
  InstallError,
  installVersion,
  previousVersion,
  removableVersions,
  removeStaleInstalls,
  removeVersion,
  switchTo,
  versionOfBinary,
} from './install-store.js';
import { logUpdate, type UpdateEvent } from './log.js';

export interface UpdateContext {
  root: string;
  settings: UpdateSettings;
  env: NodeJS.ProcessEnv;
  /** Where npm's own output goes while installing in the foreground (undefined: kept quiet). */
  showProgress: boolean;
  now: () => Date;
  say: (line: string) => void;
}

export type CheckResult = { ok: true; latest: string } | { ok: false; error: string };

/** Asks the registry for the latest version; records the result and logs it. Never throws. */
export async function checkLatest(context: UpdateContext, installed: string | null): Promise<CheckResult> {
  const started = Date.now();
  let result: CheckResult;
  try {
    const tags = await fetchDistTags(npmRegistry(context.env), context.settings.packageName);
    const latest = tags.latest;
    if (isVersion(latest)) result = { ok: true, latest };
    else if (latest === undefined) {
      result = { ok: false, error: `the registry has no latest tag for ${context.settings.packageName}` };
    } else {
      const shown = JSON.stringify(latest).slice(0, 80);
      result = { ok: false, error: `the registry's latest tag is not a plain version: ${shown}` };
    }
  } catch (error) {
    result = { ok: false, error: (error as Error).message };
  }
  const state = readUpdateState(context.root);
  writeUpdateState(context.root, {
    ...state,
    checkedAt: context.now().toISOString(),
    latest: result.ok ? result.latest : state.latest,
    error: result.ok ? null : result.error,
  });
  logUpdate(context.root, {
    action: 'check',
    from: installed,
    to: result.ok ? result.latest : null,
    outcome: !result.ok
      ? 'error'
      : installed && compareVersions(result.latest, installed) <= 0
        ? 'up-to-date'
        : 'available',
    durationMs: Date.now() - started,
    reason: result.ok ? undefined : result.error,
  });
  return result;
}

/** Store versions that live sessions run, which must not be removed. */
export function liveStoreVersions(root: string, env: NodeJS.ProcessEnv): Set<string> {
  const live = new Set<string>();
  const panes = tmuxPanes(env);
  for (const session of readSessions(root)) {
    const record = session.record;
    if (!record || !runningProcess(record, session.paths.dir, panes)) continue;
    const version = versionOfBinary(root, record.claude.path);
    if (version) live.add(version);
  }
  return live;
}

/** Sessions running now (their recorded process, or their pane in our tmux server). */
export function liveSessionCount(root: string, env: NodeJS.ProcessEnv): number {
  const panes = tmuxPanes(env, { fresh: true });
  return readSessions(root).filter(
    (session) => session.record && runningProcess(session.record, session.paths.dir, panes),
  ).length;
}

function log(context: UpdateContext, event: UpdateEvent): void {
  logUpdate(context.root, event, context.now());
}

/**
 * Managed mode: install `version` side by side and make it current. Running sessions keep their binary;
 * old versions go once no live session uses them and they are neither current nor previous.
 * Call it holding the `update` lock.
 */
export async function installManaged(context: UpdateContext, version: string): Promise<string> {
  const from = currentVersion(context.root) ?? null;
  for (const stale of removeStaleInstalls(context.root)) {
    log(context, { action: 'remove', outcome: 'ok', reason: `left by an interrupted install: ${stale}` });
  }
  const started = Date.now();
  let installed: boolean;
  try {
    installed = await installVersion(context.root, version, {
      packageName: context.settings.packageName,
      env: context.env,
      showProgress: context.showProgress,
    });
  } catch (error) {
    const detail = error instanceof InstallError && error.detail ? `; ${error.detail}` : '';
    const reason = `${(error as Error).message}${detail}`;
    log(context, {
      action: 'install',
      from,
      to: version,
      outcome: 'failed',
      durationMs: Date.now() - started,
      reason,
    });
    throw new UserError(`installing Claude Code ${version} failed: ${reason}`);
  }
  log(context, {
    action: 'install',
    from,
    to: version,
    outcome: installed ? 'ok' : 'already-installed',
    durationMs: Date.now() - started,
  });
  if (from !== version) {
    switchTo(context.root, version);
    audit(context.root, {
      action: 'update-installed',
      outcome: 'ok',
      detail: `${from ?? 'none'} -> ${version} (managed)`,
    });
    log(context, { action: 'switch', from, to: version, outcome: 'ok' });
  }
  const live = liveStoreVersions(context.root, context.env);
  for (const old of removableVersions(context.root, live)) {
    removeVersion(context.root, old);
    log(context, { action: 'remove', from: old, outcome: 'ok', reason: 'not current, previous or in use' });
  }
  return version;
}

export async function rollbackManaged(context: UpdateContext): Promise<string> {
  const lock = acquireLock(locksDir(context.root), 'update', 60_000);
  try {
    const from = currentVersion(context.root);
    const to = previousVersion(context.root);
    if (!to) {
      throw new UserError('no previous version to roll back to: see `claude-session versions`');
    }
    switchTo(context.root, to);
    log(context, { action: 'rollback', from: from ?? null, to, outcome: 'ok' });
    audit(context.root, {
      action: 'update-rolled-back',
      outcome: 'ok',
      detail: `${from ?? 'none'} -> ${to}`,
    });
    return to;
  } finally {
    lock.release();
  }
}

/**
 * npm-global mode: `npm install -g` replaces files in place and has killed running sessions (#50274),
 * so it runs only while no session is live, under a lock that new sessions wait for. Leftovers of a
 * killed install (`.claude-code-XXXX`, which make the next one fail with ENOTEMPTY, #17095) go first.
 */
export async function installNpmGlobal(context: UpdateContext, version: string): Promise<string | undefined> {
  const lock = acquireLock(locksDir(context.root), NPM_GLOBAL_LOCK, 60_000);
  try {
    const live = liveSessionCount(context.root, context.env);
    const paths = globalPaths(context.env);
    const binary = paths ? join(paths.bin, 'claude') : undefined;
    const from = binary && existsSync(binary) ? (askVersion(binary, context.env) ?? null) : null;
    if (live > 0) {
      log(context, {
        action: 'skip',
        from,
        to: version,
        outcome: 'skipped',
        reason: `${live} live session(s)`,
      });
      return undefined;
    }
    if (paths) removeNpmLeftovers(context, paths.root);
    const started = Date.now();
    const result = await installGlobal(
      context.settings.packageName,
      version,
      context.settings.sudo,
      context.env,
    );
    const answered = binary ? askVersion(binary, context.env) : undefined;
    if (!result.ok || answered !== version) {
      const reason = !result.ok
        ? `npm install -g failed (exit ${result.status}): ${result.output.trim().split('\n').at(-1) ?? ''}`
        : `claude --version answered ${answered ?? 'nothing'} after the install`;
      log(context, {
        action: 'install',
        from,
        to: version,
        outcome: 'failed',
        durationMs: Date.now() - started,
        reason,
      });
      throw new UserError(`installing Claude Code ${version} with npm -g failed: ${reason}`);
    }
    log(context, { action: 'install', from, to: version, outcome: 'ok', durationMs: Date.now() - started });
    audit(context.root, {
      action: 'update-installed',
      outcome: 'ok',
      detail: `${from ?? 'none'} -> ${version} (npm -g)`,
    });
    return version;
  } finally {
    lock.release();
  }
}

function removeNpmLeftovers(context: UpdateContext, globalRoot: string): void {
  const name = context.settings.packageName;
  const scopeDir = name.startsWith('@') ? join(globalRoot, dirname(name)) : globalRoot;
  const prefix = `.${basename(name)}-`;
  let entries: string[] = [];
  try {
    entries = readdirSync(scopeDir);
  } catch {
    return;
  }
  for (const entry of entries.filter((entry) => entry.startsWith(prefix))) {
    rmSync(join(scopeDir, entry), { recursive: true, force: true });
    log(context, {
      action: 'remove',
      outcome: 'ok',
      reason: `leftover of an interrupted npm install: ${entry}`,
    });
  }
}

/** First run without any Claude Code: install the latest version into the store, showing npm's progress. */
export async function installLatest(context: UpdateContext): Promise<string> {
  const result = await checkLatest(context, null);
  if (!result.ok) {
    throw new UserError(
      `Claude Code is not installed and the registry could not be asked for it (${result.error}): install it with \`npm install -g @anthropic-ai/claude-code\` or set CLAUDE_SESSION_CLAUDE`,
      127,
    );
  }
  context.say(`installing Claude Code ${result.latest} into ${context.root}/claude (first run)...`);
  const lock = acquireLock(locksDir(context.root), 'update', 20 * 60_000);
  try {
    await installManaged(context, result.latest);
  } finally {
    lock.release();
  }
  return result.latest;
}
