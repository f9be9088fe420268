import { existsSync } from 'node:fs';
import type { Services } from '../config/services.js';
import { resolveBase } from '../configdir/base.js';
import { EXIT, UserError } from '../core/errors.js';
import { tildify } from '../core/format.js';
import { baseUsageCacheFile, cacheDir, shortId } from '../store/layout.js';
import { readSessions } from '../store/records.js';
import { mkdirPrivate } from '../system/files.js';
import { priceTableProblem } from '../usage/prices.js';
import { ownFiles, readConfigDir } from '../usage/read.js';
import { buildReport, type ReportSource, renderReport, reportJson, USAGE_BY } from '../usage/report.js';
import { sessionFiles } from '../usage/session-usage.js';
import { parseSince } from '../usage/since.js';

export interface UsageOptions {
  since: string | undefined;
  by: string;
  json: boolean;
  includeBase: boolean;
}

/**
 * Tokens and cost across every session under the root (ended ones too; removed ones are gone with
 * their transcripts), and with --include-base what plain `claude` wrote into the base config dir.
 */
export async function usage(services: Services, options: UsageOptions): Promise<number> {
  const by = USAGE_BY.find((name) => name === options.by);
  if (!by) {
    throw new UserError(`--by ${JSON.stringify(options.by)}: use one of ${USAGE_BY.join(', ')}`, EXIT.USAGE);
  }
  const since = options.since === undefined ? null : parseSince(options.since, services.now());
  const settings = services.settings();
  const base = options.includeBase ? resolveBase(services.env, settings.home) : undefined;

  const sources: ReportSource[] = [];
  for (const found of readSessions(settings.root)) {
    // A session dir that is a link is not read through (it could lead anywhere).
    if (found.problem === 'the session dir is a symbolic link') continue;
    sources.push({
      id: found.id,
      name: found.record?.name ?? null,
      cwd: found.record?.cwd ?? null,
      files: sessionFiles(found),
    });
  }
  if (base) {
    // Its cache lives under the root: nothing of ours is written into the base.
    try {
      if (existsSync(settings.root)) mkdirPrivate(cacheDir(settings.root));
    } catch {}
    const ledger = readConfigDir(base.dir, baseUsageCacheFile(settings.root));
    sources.push({ id: 'base', name: null, cwd: null, files: ownFiles(ledger) });
  }

  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'local';
  const report = buildReport(sources, {
    by,
    since,
    dayOf: localDay,
    labelOf: (source) =>
      source.id === 'base'
        ? `base (${tildify(base?.dir ?? '', settings.home)})`
        : source.name
          ? `${source.name} (${shortId(source.id)})`
          : shortId(source.id),
    showDir: (dir) => tildify(dir, settings.home),
  });
  const corruptLines = sources.reduce(
    (sum, source) => sum + [...source.files].reduce((n, file) => n + file.corrupt, 0),
    0,
  );
  const problem = priceTableProblem();
  if (problem) services.err(`claude-session: ${problem}\n`);
  if (corruptLines > 0) {
    services.err(
      `claude-session: ${corruptLines} transcript line${corruptLines === 1 ? '' : 's'} could not be read and ${corruptLines === 1 ? 'was' : 'were'} skipped\n`,
    );
  }
  if (options.json) {
    services.out(`${JSON.stringify(reportJson(report, sources, { timeZone, corruptLines }), null, 2)}\n`);
    return 0;
  }
  if (report.rows.length === 0) {
    const where = base ? 'the sessions and the base' : 'any session';
    services.out(
      `no usage: no API response in the transcripts of ${where}${since === null ? '' : ' since then'}\n`,
    );
    return 0;
  }
  services.out(renderReport(report, { timeZone }));
  return 0;
}

function localDay(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
