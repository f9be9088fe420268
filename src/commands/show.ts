import type { Services } from '../config/services.js';
import { formatBytes, printable } from '../core/format.js';
import { dialogQuestion } from '../live/screen.js';
import { resolveSession } from '../store/resolve.js';
import { collectSessions } from './list.js';

export async function show(services: Services, options: { query: string; json: boolean }): Promise<number> {
  const view = resolveSession(options.query, collectSessions(services));
  if (options.json) {
    services.out(`${JSON.stringify(view, null, 2)}\n`);
    return 0;
  }
  const rows: [string, string | number | null][] = [
    ['id', view.id],
    ['name', view.name],
    ['state', view.state],
    [
      'activity',
      view.activity && view.activitySince
        ? `${view.activity} since ${view.activitySince}${view.dialog ? ` (${dialogQuestion(view.dialog)})` : ''}`
        : null,
    ],
    ['runs in', view.state === 'running' ? view.mode : null],
    ['attached', view.attached],
    ['directory', view.cwd],
    ['created', view.createdAt],
    ['last activity', view.lastActivityAt],
    ['pid', view.pid],
    ['resident memory', view.residentBytes === null ? null : formatBytes(view.residentBytes)],
    ['disk', formatBytes(view.diskBytes)],
    ['claude version', view.claudeVersion],
    ['launches', view.launches],
    ['session dir', view.sessionDir],
    ['config dir', view.configDir],
    ['problem', view.problem],
  ];
  for (const [key, value] of rows) {
    if (value !== null) services.out(`${`${key}:`.padEnd(17)}${printable(String(value))}\n`);
  }
  return 0;
}
