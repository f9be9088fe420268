import type { Services } from '../config/services.js';
import { formatBytes, printable } from '../core/format.js';
import { dialogQuestion } from '../live/screen.js';
import type { SessionView } from '../live/session-view.js';
import { resolveSession } from '../store/resolve.js';
import { type UsageView, usageRows } from '../usage/view.js';
import { type WorktreeDetail, worktreeRows } from '../worktree/describe.js';
import { diffSummary } from '../worktree/inspect.js';
import { inspectWorktreeSafely } from '../worktree/inspect-many.js';
import { summarize } from '../worktree/model.js';
import { readViews, usageOf } from './list.js';

export async function show(services: Services, options: { query: string; json: boolean }): Promise<number> {
  const listed = readViews(services);
  const { found, view } = resolveSession(
    options.query,
    listed.map((entry) => ({ ...entry, id: entry.view.id, name: entry.view.name })),
  );
  const worktree = await worktreeDetail(services, found.record?.worktree);
  const usage = usageOf(found);
  const shown: Omit<SessionView, 'worktree'> & { worktree: WorktreeDetail | null } & UsageView = {
    ...view,
    worktree,
    ...usage,
  };
  if (options.json) {
    services.out(`${JSON.stringify(shown, null, 2)}\n`);
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
  const line = (key: string, value: string | number) =>
    services.out(`${`${key}:`.padEnd(17)}${printable(String(value))}\n`);
  for (const [key, value] of rows) if (value !== null) line(key, value);
  if (worktree) {
    services.out('worktree:\n');
    for (const [key, value] of worktreeRows(worktree)) if (value !== null) line(`  ${key}`, value);
  }
  for (const [key, value] of usageRows(usage)) {
    if (value === '') services.out(`${key}:\n`);
    else line(key, value);
  }
  return 0;
}

/** The session's worktree as git sees it now, with the size of its diff; never throws. */
async function worktreeDetail(
  services: Services,
  record: Parameters<typeof summarize>[0] | undefined,
): Promise<WorktreeDetail | null> {
  if (!record) return null;
  const state = await inspectWorktreeSafely(record, services.env);
  const onDisk = state.problem === null || state.problem === 'moved' || state.problem === 'branch-missing';
  const diff = onDisk
    ? await diffSummary(record, state.path, services.env).catch(() => undefined)
    : undefined;
  return { ...summarize(record, state), diff: diff ?? null };
}
