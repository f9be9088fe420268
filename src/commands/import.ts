import { cpSync, lstatSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { audit } from '../audit/audit.js';
import type { Services } from '../config/services.js';
import { resolveBase } from '../configdir/base.js';
import { baseCredentialsFile, chooseLogin, readStoredToken } from '../configdir/login.js';
import { ensureRoot, prepareConfigDir } from '../configdir/prepare.js';
import { SHARED_ENTRIES } from '../configdir/shared.js';
import { errorCode } from '../core/errors.js';
import { printable, tildify } from '../core/format.js';
import { sessionPaths, shortId, tokenFile, versionCacheFile } from '../store/layout.js';
import { findLegacySessions, type LegacySession, legacyCwd } from '../store/legacy.js';
import { RECORD_SCHEMA, type SessionRecord } from '../store/record.js';
import { claudeVersion, findClaude } from '../system/claude-binary.js';
import { mkdirPrivate, writeJsonAtomicSync } from '../system/files.js';

export interface ImportOptions {
  dryRun: boolean;
  json: boolean;
}

interface Imported {
  id: string;
  from: string;
  cwd: string;
  moved: boolean;
  error?: string;
}

/**
 * Brings the earlier shell version's `~/.claude/sessions/<uuid>/` dirs under the root, keeping their ids,
 * history and transcripts. A dir is moved when it can be renamed (same file system), else copied and
 * the original left in place. Shared entries it held as copies are kept aside in `.legacy-shared/` and
 * replaced by links, so the session shares the base's from now on.
 */
export async function importLegacy(services: Services, options: ImportOptions): Promise<number> {
  const settings = services.settings();
  const legacy = findLegacySessions(settings.home, settings.root);
  if (legacy.length === 0) {
    services.out(
      options.json ? '[]\n' : 'nothing to import: no sessions of the earlier version in ~/.claude/sessions\n',
    );
    return 0;
  }
  const results: Imported[] = [];
  if (options.dryRun) {
    for (const session of legacy) {
      results.push({
        id: session.id,
        from: session.dir,
        cwd: legacyCwd(session.dir) ?? settings.home,
        moved: false,
      });
    }
  } else {
    ensureRoot(settings);
    const base = resolveBase(services.env, settings.home);
    const claude = findClaude(services.env);
    const version = claudeVersion(claude, versionCacheFile(settings.root)) ?? null;
    const login = chooseLogin(
      services.env,
      readStoredToken(tokenFile(settings.root)),
      baseCredentialsFile(base.dir),
    );
    for (const session of legacy) {
      try {
        const imported = importOne(session, { ...settings, base: base.dir, claude, version }, (paths) =>
          prepareConfigDir(paths, base, login),
        );
        results.push(imported);
        audit(settings.root, {
          action: 'imported',
          session: imported.id,
          outcome: 'ok',
          detail: imported.from,
        });
      } catch (error) {
        results.push({
          id: session.id,
          from: session.dir,
          cwd: '',
          moved: false,
          error: String((error as Error).message),
        });
      }
    }
  }
  if (options.json) {
    services.out(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    for (const result of results) {
      const from = tildify(result.from, settings.home);
      if (result.error)
        services.err(`claude-session: could not import ${from}: ${printable(result.error)}\n`);
      else if (options.dryRun) services.out(`would import ${from} (cwd ${printable(result.cwd)})\n`);
      else
        services.out(
          `imported ${from} as ${shortId(result.id)} (${result.moved ? 'moved' : 'copied; the original is still there'})\n`,
        );
    }
  }
  return results.some((result) => result.error) ? 1 : 0;
}

interface ImportContext {
  root: string;
  home: string;
  base: string;
  claude: string;
  version: string | null;
}

function importOne(
  session: LegacySession,
  context: ImportContext,
  prepare: (paths: ReturnType<typeof sessionPaths>) => void,
): Imported {
  const paths = sessionPaths(context.root, session.id);
  const building = sessionPaths(context.root, `.new-${session.id}`);
  mkdirPrivate(building.dir);
  let moved = false;
  try {
    try {
      renameSync(session.dir, building.configDir);
      moved = true;
    } catch (error) {
      if (errorCode(error) !== 'EXDEV') throw error;
      cpSync(session.dir, building.configDir, { recursive: true, verbatimSymlinks: true });
    }
    setAsideCopies(building.configDir);
    prepare(building);
    const stat = statSync(building.configDir);
    const cwd = legacyCwd(building.configDir) ?? context.home;
    const createdAt = new Date(stat.birthtimeMs || stat.mtimeMs).toISOString();
    const user = userInfo();
    const record: SessionRecord = {
      schema: RECORD_SCHEMA,
      id: session.id,
      name: null,
      createdAt,
      cwd,
      user: user.username,
      uid: user.uid,
      host: hostname(),
      base: context.base,
      claude: { path: context.claude, version: context.version },
      process: null,
      launches: 0,
      lastLaunchAt: new Date(stat.mtimeMs).toISOString(),
      importedFrom: session.dir,
    };
    writeJsonAtomicSync(building.record, record);
    renameSync(building.dir, paths.dir);
    return { id: session.id, from: session.dir, cwd, moved };
  } catch (error) {
    // Put a moved dir back where it was before giving up on it.
    if (moved) renameSync(building.configDir, session.dir);
    rmSync(building.dir, { recursive: true, force: true });
    throw error;
  }
}

function setAsideCopies(configDir: string): void {
  for (const { name } of SHARED_ENTRIES) {
    const path = join(configDir, name);
    try {
      if (lstatSync(path).isSymbolicLink()) continue;
    } catch {
      continue;
    }
    mkdirSync(join(configDir, '.legacy-shared'), { recursive: true, mode: 0o700 });
    renameSync(path, join(configDir, '.legacy-shared', name));
  }
}
