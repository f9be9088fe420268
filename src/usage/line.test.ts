import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assistantLine, costStateLine } from '../../test/support/transcript-lines.js';
import { type Line, MARKERS, parseLine } from './line.js';

// Lines the real Claude Code 2.1.332 wrote against the fake API (test/fixtures/claude-2.1.332/README.md).
const FIXTURE = new URL('../../test/fixtures/claude-2.1.332/usage/-tmp-usx-proj/', import.meta.url);
const main = readFileSync(new URL('2dba4ea3-a048-406d-a4ba-910e1964c27a.jsonl', FIXTURE), 'utf8')
  .split('\n')
  .filter(Boolean);

const tokens = { input: 1234, output: 42, cacheWrite: 567, cacheWrite1h: 67, cacheRead: 89, webSearches: 0 };

describe('parseLine on real lines', () => {
  it('reads each assistant line of a response with its key, model, cwd, time and tokens', () => {
    const responses = main.map(parseLine).filter((line) => line.kind === 'response');
    // msg_fake_1 has two lines (a text block, then the tool_use block), the others one each.
    expect(responses.map((r) => r.key)).toEqual([
      'msg_fake_1:req_1',
      'msg_fake_1:req_1',
      'msg_fake_2:req_2',
      'msg_fake_4:req_4',
    ]);
    expect(responses[0]).toEqual({
      kind: 'response',
      key: 'msg_fake_1:req_1',
      model: 'claude-opus-5-5',
      cwd: '/tmp/usx/proj',
      at: Date.parse('2026-12-03T13:08:44.955Z'),
      tokens,
    });
  });

  it("reads Claude's own account from the cost-state line", () => {
    const states = main.map(parseLine).filter((line) => line.kind === 'cost-state');
    expect(states).toEqual([
      {
        kind: 'cost-state',
        models: {
          'claude-opus-5-5': {
            input: 3813,
            output: 133,
            cacheWrite: 2268,
            cacheRead: 356,
            costUSD: 0.0301272,
          },
        },
      },
    ]);
  });

  it('lets no line of another kind count, and every line worth reading holds a marker', () => {
    for (const text of main) {
      const line = parseLine(text);
      expect(line.kind, text.slice(0, 80)).not.toBe('corrupt');
      if (line.kind !== 'other') expect(MARKERS.some((marker) => text.includes(marker))).toBe(true);
    }
  });
});

const response = (overrides: Parameters<typeof assistantLine>[0]) => parseLine(assistantLine(overrides));

describe('parseLine', () => {
  it.each<[string, string, Line['kind'] | Partial<Line>]>([
    ['not JSON', '{"type":"assistant","message":', 'corrupt'],
    ['JSON but not an object', '["type","assistant"]', 'corrupt'],
    ['an assistant line without a message', '{"type":"assistant"}', 'corrupt'],
    [
      'an assistant line without usage (nothing to count)',
      '{"type":"assistant","message":{"model":"m"}}',
      'other',
    ],
    [
      'usage without a model',
      '{"type":"assistant","message":{"usage":{"input_tokens":1,"output_tokens":1}}}',
      'corrupt',
    ],
    [
      "Claude's own message (model <synthetic>)",
      '{"type":"assistant","message":{"model":"<synthetic>","usage":{"input_tokens":0,"output_tokens":0}}}',
      'other',
    ],
    [
      'a negative count',
      '{"type":"assistant","message":{"model":"m","usage":{"input_tokens":-1,"output_tokens":1}}}',
      'corrupt',
    ],
    [
      'a count that is text',
      '{"type":"assistant","message":{"model":"m","usage":{"input_tokens":"12","output_tokens":1}}}',
      'corrupt',
    ],
    ['a user line', '{"type":"user","message":{"role":"user","content":"hi"}}', 'other'],
    ['a cost-state line without modelUsage', '{"type":"cost-state"}', 'corrupt'],
    [
      'a cost-state line with a cost that is no number',
      '{"type":"cost-state","modelUsage":{"m":{"costUSD":"1"}}}',
      'corrupt',
    ],
  ])('%s', (_what, text, expected) => {
    const line = parseLine(text);
    if (typeof expected === 'string') expect(line.kind).toBe(expected);
    else expect(line).toMatchObject(expected);
  });

  it('keys a response by message id alone when the line has no requestId (third-party APIs)', () => {
    expect(response({ id: 'msg_a', requestId: null })).toMatchObject({ key: 'msg_a:' });
  });

  it('has no time for a line without a timestamp or with one that does not parse', () => {
    expect(response({ id: 'a', timestamp: 'yesterday' })).toMatchObject({ at: null });
  });

  it('counts missing figures as 0 and 1-hour writes beyond all writes as 5-minute ones', () => {
    const line = parseLine(
      '{"type":"assistant","message":{"id":"m1","model":"claude-x","usage":{"output_tokens":3}}}',
    );
    expect(line).toMatchObject({
      tokens: { input: 0, output: 3, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, webSearches: 0 },
      cwd: '',
      at: null,
    });
    expect(response({ id: 'b', cacheWrite: 10, cacheWrite1h: 10 })).toMatchObject({
      tokens: { cacheWrite: 10, cacheWrite1h: 10 },
    });
    const odd = JSON.parse(assistantLine({ id: 'c', cacheWrite: 10 }));
    odd.message.usage.cache_creation.ephemeral_1h_input_tokens = 50;
    expect(parseLine(JSON.stringify(odd))).toMatchObject({ tokens: { cacheWrite: 10, cacheWrite1h: 0 } });
  });

  it('reads web searches, and a cost-state line the helper writes', () => {
    expect(response({ id: 'w', webSearches: 3 })).toMatchObject({ tokens: { webSearches: 3 } });
    expect(
      parseLine(costStateLine({ m: { input: 1, output: 2, cacheWrite: 3, cacheRead: 4, costUSD: 0.5 } })),
    ).toEqual({
      kind: 'cost-state',
      models: { m: { input: 1, output: 2, cacheWrite: 3, cacheRead: 4, costUSD: 0.5 } },
    });
  });
});
