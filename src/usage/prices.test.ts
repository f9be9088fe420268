import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Tokens } from './line.js';
import { lazyPriceTable, PRICE_TABLE, priceTableProblem } from './prices.js';

const table = lazyPriceTable();
const tokens = (overrides: Partial<Tokens>): Tokens => ({
  input: 0,
  output: 0,
  cacheWrite: 0,
  cacheWrite1h: 0,
  cacheRead: 0,
  webSearches: 0,
  ...overrides,
});
const close = (actual: number | null, expected: number) => {
  expect(actual).not.toBeNull();
  expect(actual as number).toBeCloseTo(expected, 12);
};

describe('the price table', () => {
  it('is the version package.json pins, exactly', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const installed = JSON.parse(
      readFileSync(
        new URL('../../node_modules/@pydantic/genai-prices/package.json', import.meta.url),
        'utf8',
      ),
    );
    expect(manifest.devDependencies[PRICE_TABLE.package]).toBe(PRICE_TABLE.version);
    expect(installed.version).toBe(PRICE_TABLE.version);
    expect(table.price('claude-opus-5-5', tokens({ input: 1 }), null)).not.toBeNull();
    expect(priceTableProblem()).toBeUndefined();
  });

  // claude-opus-5-5 (the model Claude Code 2.1.332 asks for): $4 input, $5 5-minute and $8 1-hour cache
  // writes, $0.20 cache reads, $20 output, per million tokens.
  it.each<[string, Partial<Tokens>, number]>([
    ['input only', { input: 1_000_000 }, 4],
    ['output only', { output: 1_000_000 }, 20],
    ['5-minute cache writes', { cacheWrite: 1_000_000 }, 5],
    ['1-hour cache writes', { cacheWrite: 1_000_000, cacheWrite1h: 1_000_000 }, 8],
    ['cache reads', { cacheRead: 1_000_000 }, 0.2],
    [
      "the fake API's numbers, as Claude priced them (total_cost_usd 0.0088298)",
      { input: 1234, cacheWrite: 567, cacheWrite1h: 67, cacheRead: 89, output: 42 },
      0.0088298,
    ],
    ['web searches at $10 a thousand', { webSearches: 3 }, 0.03],
  ])('prices %s', (_what, usage, expected) => {
    close(table.price('claude-opus-5-5', tokens(usage), Date.parse('2026-12-03T12:00:00Z')), expected);
  });

  it('prices a request above 200k input tokens at the higher tier, whole (claude-sonnet-4-5)', () => {
    close(table.price('claude-sonnet-4-5', tokens({ input: 200_000 }), null), 0.6);
    close(
      table.price('claude-sonnet-4-5', tokens({ input: 150_000, cacheRead: 100_000 }), null),
      150_000 * 6e-6 + 100_000 * 0.6e-6,
    );
  });

  it('prices at the time of the response where prices changed on a date (claude-opus-4-6 on 2026-03-13)', () => {
    const big = tokens({ input: 250_000 });
    close(table.price('claude-opus-4-6', big, Date.parse('2026-01-01T00:00:00Z')), 2.5);
    close(table.price('claude-opus-4-6', big, Date.parse('2026-05-01T00:00:00Z')), 1.25);
  });

  it("has no price for a model it does not know, Anthropic's or another's", () => {
    expect(table.price('claude-opus-9-9-unknown', tokens({ input: 10 }), null)).toBeNull();
    expect(table.price('some-model', tokens({ input: 10 }), null)).toBeNull();
  });
});
