import { describe, expect, it } from 'vitest';
import { type AssistantOptions, assistantLine, costStateLine } from '../../test/support/transcript-lines.js';
import { applyLine, emptyFile, emptyLedger, type FileState, type Ledger, SLOT_MS } from './ledger.js';
import { parseLine, type Tokens } from './line.js';
import type { PriceTable } from './prices.js';
import { usageOfFiles } from './session-usage.js';
import { summarize } from './summary.js';

const prices: PriceTable = {
  price: (model: string, t: Tokens) => (model.startsWith('unknown') ? null : (t.input + t.output) / 1000),
};

function config(files: Record<string, string[]>): Ledger {
  const ledger = emptyLedger();
  for (const [path, lines] of Object.entries(files)) {
    const file = emptyFile();
    ledger.files.set(path, file);
    for (const text of lines) applyLine(ledger, file, parseLine(text), prices);
  }
  return ledger;
}

const line = (options: AssistantOptions) =>
  assistantLine({ input: 100, output: 10, cacheWrite: 0, cacheRead: 0, ...options });
const claude = (input: number, output: number, costUSD: number) => ({
  input,
  output,
  cacheWrite: 0,
  cacheRead: 0,
  costUSD,
});
const usage = (ledger: Ledger) => usageOfFiles(ledger.files.values());

describe('the usage of a session', () => {
  it('adds up models apart and together, with the table as the source', () => {
    const result = usage(
      config({
        'a.jsonl': [line({ id: 'm1' }), line({ id: 'm2', model: 'claude-haiku-4-5', input: 50, output: 5 })],
      }),
    );
    expect(result).toEqual({
      inputTokens: 150,
      outputTokens: 15,
      cacheWriteTokens: 0,
      cacheReadTokens: 0,
      costUSD: 0.165,
      costSource: 'table',
      corruptLines: 0,
      models: {
        'claude-haiku-4-5': {
          inputTokens: 50,
          outputTokens: 5,
          cacheWriteTokens: 0,
          cacheReadTokens: 0,
          costUSD: 0.055,
          costSource: 'table',
          claudeCostUSD: null,
          responses: 1,
        },
        'claude-opus-5-5': {
          inputTokens: 100,
          outputTokens: 10,
          cacheWriteTokens: 0,
          cacheReadTokens: 0,
          costUSD: 0.11,
          costSource: 'table',
          claudeCostUSD: null,
          responses: 1,
        },
      },
    });
  });

  it('is zero, and no source, without a response', () => {
    expect(usage(config({ 'a.jsonl': ['{"type":"user"}', 'junk'] }))).toMatchObject({
      inputTokens: 0,
      costUSD: 0,
      costSource: null,
      models: {},
      corruptLines: 1,
    });
  });

  it("leaves the cost of a model the table does not know unknown, without Claude's figure", () => {
    const result = usage(config({ 'a.jsonl': [line({ id: 'm1', model: 'unknown-9' }), line({ id: 'm2' })] }));
    expect(result.costUSD).toBeNull();
    expect(result.costSource).toBeNull();
    expect(result.models['unknown-9']).toMatchObject({ inputTokens: 100, costUSD: null, costSource: null });
    expect(result.models['claude-opus-5-5']).toMatchObject({ costUSD: 0.11, costSource: 'table' });
  });

  it("fills that cost from Claude's own account when it covers exactly the same tokens", () => {
    const result = usage(
      config({
        'a.jsonl': [
          line({ id: 'm1', model: 'unknown-9' }),
          line({ id: 'm1', model: 'unknown-9', block: 'tool_use' }),
          costStateLine({ 'unknown-9': claude(100, 10, 0.5) }),
        ],
      }),
    );
    expect(result.models['unknown-9']).toMatchObject({
      inputTokens: 100,
      costUSD: 0.5,
      costSource: 'claude',
    });
    expect(result).toMatchObject({ costUSD: 0.5, costSource: 'claude' });
  });

  it.each<[string, Record<string, string[]>, number | null]>([
    [
      "Claude's figures cover the main conversation and its subagent",
      {
        'a.jsonl': [
          line({ id: 'm1', model: 'unknown-9' }),
          costStateLine({ 'unknown-9': claude(200, 20, 0.5) }),
        ],
        'a/subagents/agent-1.jsonl': [line({ id: 'm2', model: 'unknown-9' })],
      },
      0.5,
    ],
    [
      'two conversations, each with its account',
      {
        'a.jsonl': [
          line({ id: 'm1', model: 'unknown-9' }),
          costStateLine({ 'unknown-9': claude(100, 10, 0.25) }),
        ],
        'b.jsonl': [
          line({ id: 'm2', model: 'unknown-9' }),
          costStateLine({ 'unknown-9': claude(100, 10, 0.5) }),
        ],
      },
      0.75,
    ],
    [
      'a crash lost the last turn from the account: it covers less',
      {
        'a.jsonl': [
          line({ id: 'm1', model: 'unknown-9' }),
          costStateLine({ 'unknown-9': claude(100, 10, 0.25) }),
          line({ id: 'm2', model: 'unknown-9' }),
        ],
      },
      null,
    ],
    [
      "a fork carries its parent's account on: together they cover more",
      {
        'a.jsonl': [
          line({ id: 'm1', model: 'unknown-9' }),
          costStateLine({ 'unknown-9': claude(100, 10, 0.25) }),
        ],
        'b.jsonl': [
          line({ id: 'm1', model: 'unknown-9' }),
          line({ id: 'm2', model: 'unknown-9' }),
          costStateLine({ 'unknown-9': claude(200, 20, 0.5) }),
        ],
      },
      null,
    ],
  ])("Claude's figure for an unknown model: %s", (_what, files, expected) => {
    const result = usage(config(files));
    expect(result.models['unknown-9']?.costUSD).toBe(expected);
    expect(result.models['unknown-9']?.costSource).toBe(expected === null ? null : 'claude');
    expect(result.costSource).toBe(expected === null ? null : 'claude');
  });

  it("gives Claude's figure beside the table's when both cover the same responses", () => {
    const result = usage(
      config({
        'a.jsonl': [line({ id: 'm1' }), costStateLine({ 'claude-opus-5-5': claude(100, 10, 0.111) })],
      }),
    );
    expect(result.models['claude-opus-5-5']).toMatchObject({
      costUSD: 0.11,
      costSource: 'table',
      claudeCostUSD: 0.111,
    });
  });

  it("says 'mixed' when one model is priced by the table and another by Claude", () => {
    const result = usage(
      config({
        'a.jsonl': [
          line({ id: 'm1', model: 'unknown-9' }),
          line({ id: 'm2' }),
          costStateLine({ 'unknown-9': claude(100, 10, 0.5) }),
        ],
      }),
    );
    expect(result).toMatchObject({ costUSD: 0.61, costSource: 'mixed' });
  });
});

describe('grouping', () => {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const byDay =
    <S extends { files: Iterable<FileState> }>(sinceMs: number | null) =>
    (_: S, bucket: { slot: number }) =>
      sinceMs !== null && bucket.slot * SLOT_MS < sinceMs ? undefined : day(bucket.slot * SLOT_MS);
  const files = config({
    'a.jsonl': [
      line({ id: 'm1', timestamp: '2026-12-01T10:00:00.000Z' }),
      line({ id: 'm2', timestamp: '2026-12-02T10:00:00.000Z' }),
      line({ id: 'm3', timestamp: '2026-12-02T11:00:00.000Z', model: 'unknown-9' }),
      line({ id: 'm4', timestamp: '2026-12-02T12:00:00.000Z', model: 'unknown-9' }),
      costStateLine({ 'claude-opus-5-5': claude(200, 20, 0.3), 'unknown-9': claude(200, 20, 0.5) }),
    ],
  }).files;

  it("groups by day; Claude's figure is used for a group that holds all of the model's responses", () => {
    const groups = summarize([{ files: [...files.values()] }], byDay(null));
    expect([...groups.keys()]).toEqual(['2026-12-01', '2026-12-02']);
    expect(groups.get('2026-12-01')).toMatchObject({ inputTokens: 100, costUSD: 0.11, costSource: 'table' });
    // unknown-9 answered on the 2nd only: Claude's 0.5 for it belongs to that day.
    expect(groups.get('2026-12-02')).toMatchObject({ inputTokens: 300, costUSD: 0.61, costSource: 'mixed' });
    // claude-opus-5-5 is on two days: Claude's one figure for both cannot be split, so it is not given.
    expect(groups.get('2026-12-02')?.models['claude-opus-5-5']?.claudeCostUSD).toBeNull();
  });

  it("leaves out what is before --since, and then cannot use Claude's figure for the rest", () => {
    const startingAt = (iso: string) => (_s: unknown, bucket: { slot: number }) =>
      bucket.slot * SLOT_MS < Date.parse(iso) ? undefined : 'all';
    const all = [{ files: [...files.values()] }];
    // From the 2nd at 10:30 on: m3 and m4, all of unknown-9's responses.
    expect(summarize(all, startingAt('2026-12-02T10:30:00.000Z')).get('all')).toMatchObject({
      inputTokens: 200,
      costUSD: 0.5,
      costSource: 'claude',
    });
    // From 11:30 on: m4 only, half of what Claude's figure covers.
    expect(summarize(all, startingAt('2026-12-02T11:30:00.000Z')).get('all')).toMatchObject({
      inputTokens: 100,
      costUSD: null,
    });
    expect(summarize(all, () => 'all').get('all')).toMatchObject({
      inputTokens: 400,
      costUSD: 0.72,
      costSource: 'mixed',
    });
  });

  it('adds the same group up across config dirs', () => {
    const other = config({ 'b.jsonl': [line({ id: 'm1', timestamp: '2026-12-01T23:00:00.000Z' })] }).files;
    const groups = summarize([{ files: [...files.values()] }, { files: [...other.values()] }], byDay(null));
    expect(groups.get('2026-12-01')).toMatchObject({ inputTokens: 200, costUSD: 0.22 });
    expect(groups.get('2026-12-01')?.models['claude-opus-5-5']?.responses).toBe(2);
  });
});
