import { describe, expect, it } from 'vitest';
import type { SessionUsage } from './session-usage.js';
import type { ModelUsage } from './summary.js';
import {
  budgetAmount,
  costCell,
  costFootnotes,
  dollars,
  needsCostColumn,
  shortDollars,
  type UsageView,
  usageRows,
  usageView,
} from './view.js';

const model = (overrides: Partial<ModelUsage> = {}): ModelUsage => ({
  inputTokens: 1_000_000,
  outputTokens: 100_000,
  cacheWriteTokens: 2_000,
  cacheReadTokens: 30_000,
  costUSD: 6,
  costSource: 'table',
  claudeCostUSD: null,
  responses: 2,
  ...overrides,
});

/** A session's usage from its models, added up as summarize does. */
function usage(models: Record<string, ModelUsage>, corruptLines = 0): SessionUsage {
  const all = Object.values(models);
  const sum = (key: keyof ModelUsage) => all.reduce((n, m) => n + (m[key] as number), 0);
  const known = all.every((m) => m.costUSD !== null);
  const sources = new Set(all.map((m) => m.costSource));
  return {
    inputTokens: sum('inputTokens'),
    outputTokens: sum('outputTokens'),
    cacheWriteTokens: sum('cacheWriteTokens'),
    cacheReadTokens: sum('cacheReadTokens'),
    costUSD: known ? all.reduce((n, m) => n + (m.costUSD ?? 0), 0) : null,
    costSource: !known || all.length === 0 ? null : sources.size > 1 ? 'mixed' : (all[0]?.costSource ?? null),
    models,
    corruptLines,
  };
}

const none = usage({});
const priced = usage({ 'claude-opus-5-5': model() });
const unknown = usage({ 'claude-future-9': model({ costUSD: null, costSource: null }) });
const partly = usage({
  'claude-opus-5-5': model({ costUSD: 1.5 }),
  'claude-future-9': model({ costUSD: null, costSource: null }),
});
const claude = usage({
  'claude-future-9': model({ costUSD: 3.25, costSource: 'claude', claudeCostUSD: 3.25 }),
});

describe('usageView', () => {
  it.each([
    ['no budget', priced, undefined, 'none'],
    ['under it', priced, 10, 'ok'],
    ['at 80 %', priced, 7.5, 'warn'],
    ['reached', priced, 6, 'over'],
    ['an unknown cost is never over', unknown, 1, 'ok'],
    ['transcripts not read', null, 5, 'ok'],
  ] as const)('%s', (_what, figures, budgetUSD, expected) => {
    const view = usageView(figures, budgetUSD);
    expect(view).toEqual({ usage: figures, budgetUSD: budgetUSD ?? null, budget: expected });
  });
});

describe('the COST cell', () => {
  it.each([
    ['no response yet', none, undefined, '-'],
    ['transcripts not read', null, undefined, '-'],
    ['priced', priced, undefined, '$6.00'],
    ['unknown', unknown, undefined, '?'],
    ['partly unknown', partly, undefined, '$1.50+?'],
    ["Claude's own figure", claude, undefined, '$3.25*'],
    ['under budget', priced, 10, '$6.00/10'],
    ['near it: no mark, the figures tell', priced, 7.5, '$6.00/7.5'],
    ['over it', priced, 5, '$6.00/5 !'],
    ['exactly at it', priced, 6, '$6.00/6 !'],
    ['a budget and nothing spent', none, 2.5, '$0.00/2.5'],
    ['a budget and an unknown cost', unknown, 1, '?/1'],
  ] as const)('%s', (_what, figures, budgetUSD, expected) => {
    expect(costCell(usageView(figures, budgetUSD))).toBe(expected);
  });

  it.each([
    [0, '$0.00'],
    [0.004, '<$0.01'],
    [0.005, '$0.01'],
    [24.834, '$24.83'],
    [99.994, '$99.99'],
    [99.996, '$100'],
    [1234.5, '$1,235'],
  ])('shortDollars(%d) = %s', (value, text) => {
    expect(shortDollars(value)).toBe(text);
  });

  it.each([
    [0, '$0.00'],
    [0.0301272, '$0.0301'],
    [0.99994, '$0.9999'],
    [0.99996, '$1.00'],
    [7.5, '$7.50'],
  ])('dollars(%d) = %s', (value, text) => {
    expect(dollars(value)).toBe(text);
  });

  it.each([
    [5, '5'],
    [2.5, '2.5'],
    [0.25, '0.25'],
    [1e9, '1000000000'],
    [0.123456, '0.1235'],
  ])('budgetAmount(%d) = %s', (value, text) => {
    expect(budgetAmount(value)).toBe(text);
  });
});

describe('the COST column and its footnotes', () => {
  const views = (...list: [SessionUsage | null, number | undefined][]): UsageView[] =>
    list.map(([figures, budget]) => usageView(figures, budget));

  it('is shown only when some session has a response or a budget', () => {
    expect(needsCostColumn(views([none, undefined], [null, undefined]))).toBe(false);
    expect(needsCostColumn(views([none, undefined], [priced, undefined]))).toBe(true);
    expect(needsCostColumn(views([none, 5]))).toBe(true);
    expect(needsCostColumn([])).toBe(false);
  });

  it('says what each mark means, once, and only for the marks shown', () => {
    expect(costFootnotes(views([priced, 10], [none, undefined]))).toEqual([]);
    expect(
      costFootnotes(views([unknown, undefined], [partly, undefined], [claude, undefined], [priced, 5])),
    ).toEqual([
      '? no price for claude-future-9: its cost is unknown (its tokens: `claude-session show`)',
      "* claude-future-9: cost from Claude's own account (not in the price table)",
      '! over budget (cost/budget, in US dollars)',
    ]);
  });

  it('names a model with control characters harmlessly', () => {
    const hostile = usage({ 'x\u001b[2J': model({ costUSD: null, costSource: null }) });
    expect(costFootnotes(views([hostile, undefined]))[0]).toContain('no price for x?[2J:');
  });
});

describe("show's usage lines", () => {
  it('per model: responses, tokens by kind, cost and where it came from', () => {
    const both = usage({
      'claude-haiku-4-5': model({ costUSD: 1.5, claudeCostUSD: 1.49, responses: 1 }),
      'claude-opus-5-5': model({ costUSD: 0.0301272 }),
    });
    expect(usageRows(usageView(both, 10))).toEqual([
      ['cost', '$1.53'],
      ['budget', '$10.00: 15 % used'],
      ['prices', '@pydantic/genai-prices 0.1.8, published 2026-09-23'],
      ['usage', ''],
      ['  claude-haiku-4-5', ''],
      ['    responses', '1'],
      ['    input', '1,000,000'],
      ['    output', '100,000'],
      ['    cache write', '2,000'],
      ['    cache read', '30,000'],
      ['    cost', "$1.50 (price table; Claude's own account: $1.49)"],
      ['  claude-opus-5-5', ''],
      ['    responses', '2'],
      ['    input', '1,000,000'],
      ['    output', '100,000'],
      ['    cache write', '2,000'],
      ['    cache read', '30,000'],
      ['    cost', '$0.0301 (price table)'],
    ]);
  });

  it.each([
    ['no response yet', none, undefined, [['cost', 'none yet (no API response in its transcripts)']]],
    [
      'no response yet, a budget',
      none,
      5,
      [
        ['cost', 'none yet (no API response in its transcripts)'],
        ['budget', '$5.00: 0 % used'],
      ],
    ],
    ['transcripts not read', null, undefined, []],
  ] as const)('%s', (_what, figures, budget, expected) => {
    expect(usageRows(usageView(figures, budget))).toEqual(expected);
  });

  it.each([
    [
      'unknown',
      unknown,
      5,
      '? (unknown for claude-future-9)',
      '$5.00 (the cost is unknown: it cannot be checked)',
      ['? (no price for this model; its tokens are counted)'],
    ],
    [
      'partly unknown',
      partly,
      5,
      '$1.50+? (unknown for claude-future-9)',
      '$5.00 (the cost is unknown: it cannot be checked)',
      ['$1.50 (price table)', '? (no price for this model; its tokens are counted)'],
    ],
    [
      "Claude's own",
      claude,
      4,
      "$3.25 (Claude's own account)",
      '$4.00: 81 % used, near it',
      ["$3.25 (Claude's own account: not in the price table)"],
    ],
    ['over', priced, 5, '$6.00', '$5.00: over it ($6.00, 120 %)', ['$6.00 (price table)']],
  ] as const)('the cost and budget lines: %s', (_what, figures, budget, total, budgetText, models) => {
    const rows = usageRows(usageView(figures, budget));
    expect(rows.filter(([key]) => key === 'cost' || key === 'budget')).toEqual([
      ['cost', total],
      ['budget', budgetText],
    ]);
    expect(rows.filter(([key]) => key === '    cost').map(([, value]) => value)).toEqual(models);
  });

  it('gives the share of the budget in whole percent, not cut short by floating-point noise', () => {
    const spent = usage({ 'claude-opus-5-5': model({ costUSD: 4.35 }) });
    expect(usageRows(usageView(spent, 5)).find(([key]) => key === 'budget')).toEqual([
      'budget',
      '$5.00: 87 % used, near it',
    ]);
  });

  it('says how many transcript lines were skipped', () => {
    expect(usageRows(usageView(usage({ 'claude-opus-5-5': model() }, 2), undefined)).at(-1)).toEqual([
      'skipped',
      '2 transcript lines could not be read (not counted)',
    ]);
    expect(usageRows(usageView(usage({}, 1), undefined)).at(-1)).toEqual([
      'skipped',
      '1 transcript line could not be read (not counted)',
    ]);
  });
});
