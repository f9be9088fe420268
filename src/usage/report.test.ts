import { describe, expect, it } from 'vitest';
import { type AssistantOptions, assistantLine, costStateLine } from '../../test/support/transcript-lines.js';
import { applyLine, emptyFile, emptyLedger } from './ledger.js';
import { parseLine, type Tokens } from './line.js';
import type { PriceTable } from './prices.js';
import {
  buildReport,
  cost,
  type ReportOptions,
  type ReportSource,
  renderReport,
  reportJson,
} from './report.js';
import { emptyFigures } from './summary.js';

const prices: PriceTable = {
  price: (model: string, t: Tokens) => (model.startsWith('unknown') ? null : (t.input + t.output) / 100),
};

function source(id: string, name: string | null, lines: string[]): ReportSource {
  const ledger = emptyLedger();
  const file = emptyFile();
  ledger.files.set('a.jsonl', file);
  for (const text of lines) applyLine(ledger, file, parseLine(text), prices);
  return { id, name, cwd: '/home/me/fallback', files: [file] };
}
const line = (options: AssistantOptions) =>
  assistantLine({ input: 100, output: 10, cacheWrite: 5, cacheRead: 1000, cwd: '/home/me/api', ...options });

// Times in UTC, days in UTC too (dayOf), so the table does not depend on the machine's time zone.
const options = (overrides: Partial<ReportOptions> = {}): ReportOptions => ({
  by: 'session',
  since: null,
  dayOf: (ms) => new Date(ms).toISOString().slice(0, 10),
  labelOf: (s) => s.name ?? s.id,
  showDir: (dir) => dir.replace(/^\/home\/me/, '~'),
  ...overrides,
});

const sources = [
  source('s1', 'api', [
    line({ id: 'm1', timestamp: '2026-12-01T10:00:00Z' }),
    line({ id: 'm2', timestamp: '2026-12-02T10:00:00Z', model: 'claude-haiku-4-5', cwd: '' }),
  ]),
  source('s2', null, [
    line({ id: 'm3', timestamp: '2026-12-02T23:59:00Z', model: 'unknown-1', input: 1_234_567 }),
    line({ id: 'm4', timestamp: '2026-12-02T09:00:00Z' }),
  ]),
  source('s3', 'filled', [
    line({ id: 'm5', timestamp: 'no time', model: 'unknown-2' }),
    costStateLine({ 'unknown-2': { input: 100, output: 10, cacheWrite: 5, cacheRead: 1000, costUSD: 2.5 } }),
  ]),
];

describe('the usage report', () => {
  it('by session: dearest first, a partly unknown cost as $n+?, a total, and what ? and * mean', () => {
    const text = renderReport(buildReport(sources, options()), { timeZone: 'UTC' });
    expect(text).toBe(
      [
        'SESSION      INPUT  OUTPUT  CACHE WRITE  CACHE READ      COST',
        'filled         100      10            5       1,000    $2.50*',
        'api            200      20           10       2,000     $2.20',
        's2       1,234,667      20           10       2,000   $1.10+?',
        'TOTAL    1,234,967      50           25       5,000  $5.80*+?',
        '',
        "? no price for unknown-1: its tokens are counted, but the price table (@pydantic/genai-prices 0.1.8, published 2026-09-23) does not know it and Claude's own account does not cover exactly these responses",
        "* unknown-2: cost from Claude's own account of the conversations, the price table does not know it",
        '',
      ].join('\n'),
    );
  });

  it('by day: in order, whatever order the lines were written in, a day for lines without a time last', () => {
    const report = buildReport(sources, options({ by: 'day' }));
    expect(report.rows.map((row) => [row.key, row.figures.inputTokens])).toEqual([
      ['2026-12-01', 100],
      ['2026-12-02', 1_234_767],
      ['unknown', 100],
    ]);
    expect(renderReport(report, { timeZone: 'Europe/Paris' })).toMatch(
      /\ndays in local time \(Europe\/Paris\)\n$/,
    );
  });

  it("by model and by directory (a line's own, else where its session started)", () => {
    const byModel = buildReport(sources, options({ by: 'model' }));
    expect(byModel.rows.map((row) => row.key)).toEqual([
      'unknown-2',
      'claude-opus-5-5',
      'claude-haiku-4-5',
      'unknown-1',
    ]);
    const byDir = buildReport(sources, options({ by: 'dir' }));
    expect(byDir.rows.map((row) => [row.label, row.figures.outputTokens])).toEqual([
      ['~/api', 40],
      ['~/fallback', 10],
    ]);
  });

  it('--since counts whole quarter hours from the one it falls in, and nothing without a time', () => {
    const report = buildReport(sources, options({ since: Date.parse('2026-12-02T09:10:00Z') }));
    expect(report.since).toBe(Date.parse('2026-12-02T09:00:00Z'));
    expect(report.total.inputTokens).toBe(100 + 1_234_567 + 100);
    expect(renderReport(report, { timeZone: 'UTC' })).toContain(
      'since 2026-12-02T09:00:00.000Z (whole quarter hours)',
    );
  });

  it('gives scripts the rows under the name of the grouping, with the session names', () => {
    const report = buildReport(sources, options());
    const json = reportJson(report, sources, { timeZone: 'UTC', corruptLines: 2 }) as Record<string, unknown>;
    expect(json).toMatchObject({ by: 'session', since: null, timeZone: 'UTC', corruptLines: 2 });
    expect(json.prices).toEqual({
      package: '@pydantic/genai-prices',
      version: '0.1.8',
      published: '2026-09-23',
    });
    expect((json.rows as unknown[])[0]).toMatchObject({
      session: 's3',
      name: 'filled',
      usage: { costUSD: 2.5 },
    });
    expect(json.total).toMatchObject({ costUSD: null, inputTokens: 1_234_967 });
    const byDir = reportJson(buildReport(sources, options({ by: 'dir' })), sources, {
      timeZone: 'UTC',
      corruptLines: 0,
    });
    expect((byDir as { rows: unknown[] }).rows[0]).toMatchObject({ dir: '/home/me/api' });
  });

  it.each([
    [0, '$0.00'],
    [0.004, '<$0.01'],
    [0.005, '$0.01'],
    [1234.5, '$1234.50'],
  ])('shows $%s as %s', (dollars, text) => {
    const figures = { ...emptyFigures(), costUSD: dollars };
    figures.models.m = {
      inputTokens: 0,
      outputTokens: 0,
      cacheWriteTokens: 0,
      cacheReadTokens: 0,
      costUSD: dollars,
      costSource: 'table',
      claudeCostUSD: null,
      responses: 1,
    };
    expect(cost(figures)).toBe(text);
  });
});
