import { audit } from '../audit/audit.js';
import { formatAge, formatBytes, printable, table, tildify } from '../cli/format.js';
import type { Services } from '../cli/services.js';
import { locksDir } from '../session/layout.js';
import { findLegacySessions } from '../session/legacy.js';
import { type SessionView, viewSession } from '../session/state.js';
import { readSession, readSessions } from '../session/store.js';
import { measureUsage } from '../session/usage.js';
import { writeJsonAtomicSync } from '../system/files.js';
import { tryAcquireLock } from '../system/lock.js';
import { isAlive, residentBytes } from '../system/proc.js';

export interface ListOptions {
  json: boolean;
}

export function collectSessions(services: Services): SessionView[] {
  const settings = services.settings();
  return readSessions(settings.root)
    .map((found) => {
      const alive = found.record?.process ? isAlive(found.record.process) : false;
      if (found.record?.process && !alive && !found.record.endedObservedAt) {
        noteEnded(settings.root, found.id, services.now());
      }
      const rss = alive && found.record?.process ? residentBytes(found.record.process.pid) : undefined;
      return viewSession(found, measureUsage(found.paths.configDir), alive, rss);
    })
    .sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.id.localeCompare(b.id));
}

export async function list(services: Services, options: ListOptions): Promise<number> {
  const views = collectSessions(services);
  if (options.json) {
    services.out(`${JSON.stringify(views, null, 2)}\n`);
    return 0;
  }
  const settings = services.settings();
  const now = services.now().getTime();
  if (views.length === 0) {
    services.out(
      `no sessions in ${tildify(settings.root, settings.home)}: start one with \`claude-session\`\n`,
    );
  } else {
    const rows = views.map((view) => [
      view.shortId,
      printable(view.name ?? '-'),
      view.state,
      formatAge(view.createdAt ? Date.parse(view.createdAt) : undefined, now),
      formatAge(view.lastActivityAt ? Date.parse(view.lastActivityAt) : undefined, now),
      view.pid === null ? '-' : String(view.pid),
      formatBytes(view.residentBytes ?? undefined),
      formatBytes(view.diskBytes),
      view.problem ? `${view.problem}; ${view.hint}` : printable(tildify(view.cwd ?? '-', settings.home)),
    ]);
    services.out(
      table(['ID', 'NAME', 'STATE', 'STARTED', 'ACTIVE', 'PID', 'RSS', 'DISK', 'DIRECTORY'], rows),
    );
  }
  const legacy = findLegacySessions(settings.home, settings.root);
  if (legacy.length > 0) {
    services.err(
      `claude-session: ${legacy.length} session(s) of the earlier shell version in ~/.claude/sessions: \`claude-session import\` brings them in\n`,
    );
  }
  return 0;
}

/**
 * Records, once, that a session's process was seen ended: an `ended` entry in the audit log and
 * `endedObservedAt` in the record. Under the session's lock, re-read, so a resume that just started a
 * new process is never overwritten; skipped when the lock is busy (the next look will do it).
 */
function noteEnded(root: string, id: string, now: Date): void {
  const lock = tryAcquireLock(locksDir(root), `session-${id}`);
  if (!lock) return;
  try {
    const { record, paths } = readSession(root, id);
    if (!record?.process || record.endedObservedAt || isAlive(record.process)) return;
    writeJsonAtomicSync(paths.record, { ...record, endedObservedAt: now.toISOString() });
    audit(root, {
      action: 'ended',
      session: id,
      name: record.name,
      outcome: 'ok',
      detail: `pid ${record.process.pid}`,
    });
  } catch {
    // Observation only: a record we cannot update now is noted at the next look.
  } finally {
    lock.release();
  }
}
