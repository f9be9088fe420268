import type { Services } from '../config/services.js';
import { formatAge, tildify } from '../core/format.js';
import { compareVersions } from '../core/version.js';
import { versionCacheFile } from '../store/layout.js';
import { readSessions } from '../store/records.js';
import { runningProcess, tmuxPanes } from '../store/running.js';
import { claudeVersion, findClaude } from '../system/claude-binary.js';
import { readUpdateState } from '../update/check-state.js';
import {
  currentVersion,
  installedVersions,
  previousVersion,
  storeDir,
  versionDir,
} from '../update/install-store.js';

/** `claude-session versions`: the installed Claude Code versions, and how many live sessions run each. */
export async function versions(services: Services, options: { json: boolean }): Promise<number> {
  const settings = services.settings();
  const root = settings.root;
  const current = currentVersion(root);
  const previous = previousVersion(root);
  const live = new Map<string, number>();
  const panes = tmuxPanes(services.env);
  for (const session of readSessions(root)) {
    const record = session.record;
    if (!record || !runningProcess(record, session.paths.dir, panes)) continue;
    const key = record.claude.version ?? record.claude.path;
    live.set(key, (live.get(key) ?? 0) + 1);
  }
  const rows = installedVersions(root)
    .sort(compareVersions)
    .reverse()
    .map((version) => ({
      version,
      state: version === current ? 'current' : version === previous ? 'previous' : '',
      liveSessions: live.get(version) ?? 0,
      path: versionDir(root, version),
    }));
  let onPath: { path: string; version: string | null } | null = null;
  try {
    const path = findClaude({ ...services.env, CLAUDE_SESSION_CLAUDE: '' });
    onPath = { path, version: claudeVersion(path, versionCacheFile(root)) ?? null };
  } catch {}
  const state = readUpdateState(root);
  if (options.json) {
    services.out(
      `${JSON.stringify({ mode: settings.update.mode, store: storeDir(root), versions: rows, onPath, lastCheck: state }, null, 2)}\n`,
    );
    return 0;
  }
  services.out(`mode: ${settings.update.mode}; store: ${tildify(storeDir(root), settings.home)}\n`);
  if (rows.length === 0) services.out('no versions in the store\n');
  for (const row of rows) {
    services.out(`${row.version.padEnd(10)} ${row.state.padEnd(9)} ${row.liveSessions} live session(s)\n`);
  }
  if (onPath) services.out(`on PATH: ${onPath.path} (${onPath.version ?? 'version unknown'})\n`);
  const when = state.checkedAt ? formatAge(Date.parse(state.checkedAt), services.now().getTime()) : 'never';
  services.out(
    `last check: ${when}${state.latest ? `, latest ${state.latest}` : ''}${state.error ? ` (error: ${state.error})` : ''}\n`,
  );
  return 0;
}
