import type { Services } from '../config/services.js';
import { formatAge, formatBytes, printable } from '../core/format.js';
import { type StatusReport, summarizeStatus } from '../health/status.js';
import { hostMemory } from '../system/memory.js';
import { readUpdateState } from '../update/check-state.js';
import { readViews } from './list.js';

export interface StatusOptions {
  json: boolean;
}

/** `claude-session status`: the host's memory, what sessions use, the limits, and what fits. */
export async function status(services: Services, options: StatusOptions): Promise<number> {
  const settings = services.settings();
  const report = summarizeStatus({
    memory: hostMemory(),
    views: readViews(services).map((listed) => listed.view),
    configured: settings.limits,
    update: { checks: settings.update.check, ...readUpdateState(settings.root) },
  });
  services.out(
    options.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report, services.now().getTime()),
  );
  return 0;
}

/** Pure: the report as lines for people. */
export function formatStatus(report: StatusReport, nowMs: number): string {
  const { memory, sessions, limits, update } = report;
  const lines: string[] = [];
  lines.push(
    memory
      ? `memory:    ${formatBytes(memory.availableBytes)} available of ${formatBytes(memory.totalBytes)}`
      : 'memory:    unknown (no /proc/meminfo)',
  );
  const { counts } = sessions;
  lines.push(
    `sessions:  ${counts.running} running, ${counts.exited} exited, ${counts.empty} empty, ${counts.broken} broken (${sessions.total} in all); disk ${formatBytes(sessions.diskBytes)}`,
  );
  for (const live of sessions.live) {
    const name = live.name ? printable(live.name) : '-';
    lines.push(
      `  ${live.shortId}  ${name.padEnd(12)}  pid ${String(live.pid ?? '-').padEnd(7)}  ${formatBytes(live.residentBytes ?? undefined)}`,
    );
  }
  if (sessions.live.length > 0) lines.push(`  resident in all: ${formatBytes(sessions.residentBytes)}`);
  const source = (what: 'configured' | 'derived') =>
    what === 'configured' ? 'configured' : 'from host memory';
  lines.push(
    `limits:    at most ${limits.maxSessions} live session(s) (${source(limits.source.maxSessions)}); a start needs ${formatBytes(limits.minAvailableBytes)} available (${source(limits.source.minAvailableBytes)})`,
  );
  const when = update.checkedAt ? formatAge(Date.parse(update.checkedAt), nowMs) : 'never';
  lines.push(
    `update:    ${update.checks ? `last check ${when}` : 'checks off'}${update.latest ? `, latest ${update.latest}` : ''}${update.error ? ` (error: ${update.error})` : ''}`,
  );
  lines.push(`=> ${report.recommendation}`);
  return `${lines.join('\n')}\n`;
}
