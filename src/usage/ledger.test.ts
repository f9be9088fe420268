import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type AssistantOptions, assistantLine, costStateLine } from '../../test/support/transcript-lines.js';
import {
  applyLine,
  dropFiles,
  emptyFile,
  emptyLedger,
  type FileState,
  filesToRestart,
  type Ledger,
  ledgerOf,
  NO_SLOT,
  SLOT_MS,
} from './ledger.js';
import { parseLine, type Tokens } from './line.js';
import type { PriceTable } from './prices.js';

// A table with round prices per token, and no price for models named unknown-*.
const prices: PriceTable = {
  price: (model: string, t: Tokens) =>
    model.startsWith('unknown') ? null : t.input * 1 + t.output * 10 + t.cacheWrite * 2 + t.cacheRead * 0.5,
};

function feed(ledger: Ledger, path: string, lines: string[]): FileState {
  let file = ledger.files.get(path);
  if (!file) {
    file = emptyFile();
    ledger.files.set(path, file);
  }
  for (const text of lines) applyLine(ledger, file, parseLine(text), prices);
  return file;
}

const line = (options: AssistantOptions) => assistantLine(options);
const totals = (file: FileState) =>
  [...file.buckets.values()].reduce(
    (sum, b) => ({
      responses: sum.responses + b.responses,
      input: sum.input + b.input,
      output: sum.output + b.output,
      cacheWrite: sum.cacheWrite + b.cacheWrite,
      cacheRead: sum.cacheRead + b.cacheRead,
      costUSD: sum.costUSD + b.costUSD,
      unpriced: sum.unpriced + b.unpriced,
    }),
    { responses: 0, input: 0, output: 0, cacheWrite: 0, cacheRead: 0, costUSD: 0, unpriced: 0 },
  );

describe('counting responses', () => {
  it("counts the real transcript: 3 responses in 4 lines, once each, and keeps Claude's account", () => {
    const text = readFileSync(
      new URL(
        '../../test/fixtures/claude-2.1.332/usage/-tmp-usx-proj/2dba4ea3-a048-406d-a4ba-910e1964c27a.jsonl',
        import.meta.url,
      ),
      'utf8',
    );
    const ledger = emptyLedger();
    const file = feed(ledger, 'main.jsonl', text.split('\n').filter(Boolean));
    expect(totals(file)).toMatchObject({
      responses: 3,
      input: 3702,
      output: 126,
      cacheWrite: 1701,
      cacheRead: 267,
    });
    expect(file.corrupt).toBe(0);
    expect([...file.keys]).toEqual(['msg_fake_1:req_1', 'msg_fake_2:req_2', 'msg_fake_4:req_4']);
    expect(file.claude?.['claude-opus-5-5']).toMatchObject({ input: 3813, costUSD: 0.0301272 });
  });

  it.each<[string, AssistantOptions[], Partial<ReturnType<typeof totals>>]>([
    [
      'one line per content block of one response: counted once',
      [
        { id: 'm1', block: 'thinking' },
        { id: 'm1', block: 'text' },
        { id: 'm1', block: 'tool_use' },
      ],
      { responses: 1, input: 1234, output: 42 },
    ],
    [
      'a streaming snapshot with fewer output tokens first: the largest figures count',
      [
        { id: 'm1', output: 3 },
        { id: 'm1', output: 9 },
        { id: 'm1', output: 159 },
        { id: 'm1', output: 9 },
      ],
      { responses: 1, output: 159, costUSD: 1234 + 1590 + 567 * 2 + 89 * 0.5 },
    ],
    [
      'the same message id under another request id: two responses',
      [
        { id: 'm1', requestId: 'r1' },
        { id: 'm1', requestId: 'r2' },
      ],
      { responses: 2, input: 2468 },
    ],
    [
      'no requestId (a third-party API): the message id alone keys it',
      [
        { id: 'm1', requestId: null },
        { id: 'm1', requestId: null, block: 'tool_use' },
      ],
      { responses: 1 },
    ],
    [
      'cache writes and reads, apart',
      [{ id: 'm1', input: 3, cacheWrite: 2285, cacheRead: 22137, output: 2 }],
      { input: 3, cacheWrite: 2285, cacheRead: 22137, output: 2, costUSD: 3 + 20 + 4570 + 11068.5 },
    ],
    [
      'a model the table does not know: its tokens count, its cost is unknown',
      [
        { id: 'm1', model: 'unknown-model' },
        { id: 'm2', model: 'claude-opus-5-5' },
      ],
      { responses: 2, unpriced: 1, costUSD: 1234 + 420 + 1134 + 44.5 },
    ],
  ])('%s', (_what, lines, expected) => {
    const ledger = emptyLedger();
    expect(totals(feed(ledger, 'a.jsonl', lines.map(line)))).toMatchObject(expected);
  });

  it('counts a corrupt line and goes on; a cost-state line replaces the previous one', () => {
    const ledger = emptyLedger();
    const file = feed(ledger, 'a.jsonl', [
      line({ id: 'm1' }),
      '{"type":"assistant","message":{"id":"m2","mod',
      costStateLine({ m: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0, costUSD: 1 } }),
      line({ id: 'm3' }),
      costStateLine({ m: { input: 2, output: 2, cacheWrite: 0, cacheRead: 0, costUSD: 2 } }),
    ]);
    expect(file.corrupt).toBe(1);
    expect(totals(file).responses).toBe(2);
    expect(file.claude).toEqual({ m: { input: 2, output: 2, cacheWrite: 0, cacheRead: 0, costUSD: 2 } });
  });

  it('buckets by model, working directory and quarter hour (UTC); a line without a time has no slot', () => {
    const ledger = emptyLedger();
    const file = feed(ledger, 'a.jsonl', [
      line({ id: 'm1', timestamp: '2026-12-03T10:00:00.000Z' }),
      line({ id: 'm2', timestamp: '2026-12-03T10:14:59.999Z' }),
      line({ id: 'm3', timestamp: '2026-12-03T10:15:00.000Z' }),
      line({ id: 'm4', timestamp: '2026-12-03T10:15:00.000Z', model: 'claude-haiku-4-5' }),
      line({ id: 'm5', timestamp: '2026-12-03T10:15:00.000Z', cwd: '/elsewhere' }),
      line({ id: 'm6', timestamp: 'not a time' }),
    ]);
    const slot = Date.parse('2026-12-03T10:00:00.000Z') / SLOT_MS;
    expect([...file.buckets.values()].map((b) => [b.model, b.cwd, b.slot, b.responses])).toEqual([
      ['claude-opus-5-5', '/tmp/usx/proj', slot, 2],
      ['claude-opus-5-5', '/tmp/usx/proj', slot + 1, 1],
      ['claude-haiku-4-5', '/tmp/usx/proj', slot + 1, 1],
      ['claude-opus-5-5', '/elsewhere', slot + 1, 1],
      ['claude-opus-5-5', '/tmp/usx/proj', NO_SLOT, 1],
    ]);
  });

  it('lets a clock that went backwards put a response before the one written earlier', () => {
    const ledger = emptyLedger();
    const file = feed(ledger, 'a.jsonl', [
      line({ id: 'm1', timestamp: '2026-12-03T10:00:00.000Z' }),
      line({ id: 'm2', timestamp: '2026-12-01T09:00:00.000Z' }),
      line({ id: 'm3', timestamp: '2099-01-01T00:00:00.000Z' }),
    ]);
    expect(totals(file).responses).toBe(3);
    expect(file.buckets.size).toBe(3);
  });
});

describe('several transcripts of one config dir', () => {
  it("counts a fork's copied history once: in the file read first; the other notes it as foreign", () => {
    const ledger = emptyLedger();
    const parent = feed(ledger, 'parent.jsonl', [line({ id: 'm1' }), line({ id: 'm2' })]);
    const fork = feed(ledger, 'fork.jsonl', [line({ id: 'm1' }), line({ id: 'm2' }), line({ id: 'm3' })]);
    expect(totals(parent).responses).toBe(2);
    expect(totals(fork).responses).toBe(1);
    expect([...fork.foreign]).toEqual(['m1:req_m1', 'm2:req_m2']);
  });

  it('starts over with a file that left a response to one that is gone, and with no other', () => {
    const ledger = emptyLedger();
    feed(ledger, 'parent.jsonl', [line({ id: 'm1' })]);
    feed(ledger, 'fork.jsonl', [line({ id: 'm1' }), line({ id: 'm2' })]);
    feed(ledger, 'fork-of-fork.jsonl', [line({ id: 'm2' }), line({ id: 'm3' })]);
    feed(ledger, 'other.jsonl', [line({ id: 'm9' })]);
    expect([...filesToRestart(ledger, ['parent.jsonl'])].sort()).toEqual([
      'fork-of-fork.jsonl',
      'fork.jsonl',
      'parent.jsonl',
    ]);
    expect([...filesToRestart(ledger, ['other.jsonl'])]).toEqual(['other.jsonl']);
    dropFiles(ledger, ['parent.jsonl', 'fork.jsonl', 'fork-of-fork.jsonl']);
    expect([...ledger.owners.keys()]).toEqual(['m9:req_m9']);
    // Read again without the parent: the fork counts m1 now.
    const fork = feed(ledger, 'fork.jsonl', [line({ id: 'm1' }), line({ id: 'm2' })]);
    expect(totals(fork).responses).toBe(2);
  });

  it('rebuilds who counts what from the files alone (a ledger from the cache)', () => {
    const ledger = emptyLedger();
    const a = feed(ledger, 'a.jsonl', [line({ id: 'm1' })]);
    const again = ledgerOf(new Map([['a.jsonl', a]]));
    const b = feed(again, 'b.jsonl', [line({ id: 'm1' }), line({ id: 'm2' })]);
    expect(totals(b).responses).toBe(1);
  });
});
