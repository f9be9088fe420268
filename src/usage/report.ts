import { printable, table } from '../core/format.js';
import { type Bucket, NO_SLOT, SLOT_MS } from './ledger.js';
import { PRICE_TABLE } from './prices.js';
import { emptyFigures, summarize, type UsageFigures, type UsageSource } from './summary.js';

/** `claude-session usage`: totals by session, day, model or directory, as a table or JSON. Pure. */

export const USAGE_BY = ['session', 'day', 'model', 'dir'] as const;
export type UsageBy = (typeof USAGE_BY)[number];

export interface ReportSource extends UsageSource {
  /** A session id, or 'base' for the base config dir. */
  id: string;
  name: string | null;
  /** Where the session was started: the directory of a response whose line names none. */
  cwd: string | null;
}

export interface ReportRow {
  key: string;
  label: string;
  figures: UsageFigures;
}

export interface Report {
  by: UsageBy;
  /** The start of the quarter hour --since fell in (ms), or null. */
  since: number | null;
  rows: ReportRow[];
  total: UsageFigures;
}

export interface ReportOptions {
  by: UsageBy;
  since: number | null;
  /** The local day (YYYY-MM-DD) of a time in ms. */
  dayOf: (ms: number) => string;
  /** A session's label: its name, or its short id. */
  labelOf: (source: ReportSource) => string;
  /** A directory as shown (e.g. with ~ for HOME). */
  showDir: (dir: string) => string;
}

const UNKNOWN_DAY = 'unknown';

export function buildReport(sources: ReportSource[], options: ReportOptions): Report {
  const since = options.since === null ? null : Math.floor(options.since / SLOT_MS) * SLOT_MS;
  const included = (bucket: Bucket) =>
    since === null || (bucket.slot !== NO_SLOT && bucket.slot * SLOT_MS >= since);
  const keyOf = (source: ReportSource, bucket: Bucket): string => {
    switch (options.by) {
      case 'session':
        return source.id;
      case 'day':
        return bucket.slot === NO_SLOT ? UNKNOWN_DAY : options.dayOf(bucket.slot * SLOT_MS);
      case 'model':
        return bucket.model;
      case 'dir':
        return bucket.cwd || source.cwd || '';
    }
  };
  const groups = summarize(sources, (source, bucket) =>
    included(bucket) ? keyOf(source, bucket) : undefined,
  );
  const bySource = new Map(sources.map((source) => [source.id, source]));
  const rows = [...groups].map(([key, figures]) => {
    const source = bySource.get(key);
    const label =
      options.by === 'session' && source
        ? options.labelOf(source)
        : options.by === 'dir'
          ? key === ''
            ? '-'
            : options.showDir(key)
          : key;
    return { key, label, figures };
  });
  rows.sort(options.by === 'day' ? byDay : byCost);
  const total =
    summarize(sources, (_source, bucket) => (included(bucket) ? 'total' : undefined)).get('total') ??
    emptyFigures();
  return { by: options.by, since, rows, total };
}

function byDay(a: ReportRow, b: ReportRow): number {
  if (a.key === UNKNOWN_DAY || b.key === UNKNOWN_DAY) return a.key === UNKNOWN_DAY ? 1 : -1;
  return a.key.localeCompare(b.key);
}

/** Dearest first; a cost partly unknown by its known part. */
function byCost(a: ReportRow, b: ReportRow): number {
  return knownCost(b.figures) - knownCost(a.figures) || a.label.localeCompare(b.label);
}

function knownCost(figures: UsageFigures): number {
  return Object.values(figures.models).reduce((sum, model) => sum + (model.costUSD ?? 0), 0);
}

/** The JSON for scripts: the rows under the name of what they are grouped by, and the total. */
export function reportJson(
  report: Report,
  sources: ReportSource[],
  extra: { timeZone: string; corruptLines: number },
): unknown {
  const bySource = new Map(sources.map((source) => [source.id, source]));
  return {
    by: report.by,
    since: report.since === null ? null : new Date(report.since).toISOString(),
    timeZone: extra.timeZone,
    prices: PRICE_TABLE,
    rows: report.rows.map((row) => {
      if (report.by === 'session') {
        const source = bySource.get(row.key);
        return { session: row.key, name: source?.name ?? null, usage: row.figures };
      }
      return { [report.by]: row.key === '' ? null : row.key, usage: row.figures };
    }),
    total: report.total,
    corruptLines: extra.corruptLines,
  };
}

const HEADINGS: Record<UsageBy, string> = {
  session: 'SESSION',
  day: 'DAY',
  model: 'MODEL',
  dir: 'DIRECTORY',
};

export function renderReport(report: Report, extra: { timeZone: string }): string {
  // The rows split the total: what is known of it is what is known of them (a model priced in one
  // session and unknown in another is unknown as a whole, but not the session priced).
  const knownTotal = report.rows.reduce((sum, row) => sum + knownCost(row.figures), 0);
  const claudeInTotal = [report.total, ...report.rows.map((row) => row.figures)].some(fromClaude);
  const rows = [
    ...report.rows.map((row) => ({ ...row, known: knownCost(row.figures), claude: fromClaude(row.figures) })),
    { key: '', label: 'TOTAL', figures: report.total, known: knownTotal, claude: claudeInTotal },
  ];
  const cells = rows.map(({ label, figures, known, claude }) => [
    printable(label),
    tokens(figures.inputTokens),
    tokens(figures.outputTokens),
    tokens(figures.cacheWriteTokens),
    tokens(figures.cacheReadTokens),
    cost(figures, known, claude),
  ]);
  // Numbers right-aligned, each column to its widest cell.
  const header = [HEADINGS[report.by], 'INPUT', 'OUTPUT', 'CACHE WRITE', 'CACHE READ', 'COST'];
  for (let column = 1; column < header.length; column++) {
    const width = Math.max(...[header, ...cells].map((row) => (row[column] ?? '').length));
    for (const row of [header, ...cells]) row[column] = (row[column] ?? '').padStart(width);
  }
  return `${table(header, cells)}${footnotes(report, extra)}`;
}

function tokens(count: number): string {
  return count.toLocaleString('en-US');
}

/** $1.23; under a cent <$0.01; unknown ?; partly unknown $1.23+?; taken from Claude's own account *. */
export function cost(
  figures: UsageFigures,
  known = knownCost(figures),
  claude = fromClaude(figures),
): string {
  const dollars = known > 0 && known < 0.005 ? '<$0.01' : `$${known.toFixed(2)}`;
  const mark = claude ? '*' : '';
  if (figures.costUSD !== null) return `${dollars}${mark}`;
  const someKnown = known > 0 || Object.values(figures.models).some((model) => model.costUSD !== null);
  return someKnown ? `${dollars}${mark}+?` : '?';
}

function fromClaude(figures: UsageFigures): boolean {
  return Object.values(figures.models).some((model) => model.costSource === 'claude');
}

function footnotes(report: Report, extra: { timeZone: string }): string {
  const lines: string[] = [];
  const all = [report.total, ...report.rows.map((row) => row.figures)];
  const unknown = new Set<string>();
  const fromClaude = new Set<string>();
  for (const figures of all) {
    for (const [model, usage] of Object.entries(figures.models)) {
      if (usage.costUSD === null) unknown.add(model);
      if (usage.costSource === 'claude') fromClaude.add(model);
    }
  }
  const table = `${PRICE_TABLE.package} ${PRICE_TABLE.version}, published ${PRICE_TABLE.published}`;
  if (unknown.size > 0) {
    lines.push(
      `? no price for ${[...unknown].sort().map(printable).join(', ')}: its tokens are counted, but the price table (${table}) does not know it and Claude's own account does not cover exactly these responses`,
    );
  }
  if (fromClaude.size > 0) {
    lines.push(
      `* ${[...fromClaude].sort().map(printable).join(', ')}: cost from Claude's own account of the conversations, the price table does not know it`,
    );
  }
  for (const [model, usage] of Object.entries(report.total.models)) {
    if (usage.costSource !== 'table' || usage.claudeCostUSD === null || usage.costUSD === null) continue;
    if (Math.abs(usage.claudeCostUSD - usage.costUSD) > 0.01 * Math.max(usage.costUSD, usage.claudeCostUSD)) {
      lines.push(
        `${printable(model)}: Claude's own account says $${usage.claudeCostUSD.toFixed(2)}, the price table $${usage.costUSD.toFixed(2)}`,
      );
    }
  }
  if (report.by === 'day') lines.push(`days in local time (${extra.timeZone})`);
  if (report.since !== null)
    lines.push(`since ${new Date(report.since).toISOString()} (whole quarter hours)`);
  return lines.length > 0 ? `\n${lines.join('\n')}\n` : '';
}
