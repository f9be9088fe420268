import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeAnthropic,
  type FakeAnthropicOptions,
  isToolResultTurn,
  lastUserText,
  type RecordedRequest,
  startFakeAnthropic,
} from './support/fake-anthropic.js';

let api: FakeAnthropic | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function start(opts: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  api = await startFakeAnthropic(opts);
  return api;
}

function post(server: FakeAnthropic, path: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const ask = (stream: boolean) => ({
  model: 'claude-test',
  max_tokens: 64,
  stream,
  messages: [{ role: 'user', content: 'hello' }],
});

type SseEvent = { event: string; data: Record<string, unknown> };

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const lines = chunk.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice('event: '.length) ?? '';
      const data = lines.find((l) => l.startsWith('data: '))?.slice('data: '.length) ?? '{}';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

const request = (body: unknown): RecordedRequest => ({
  method: 'POST',
  path: '/v1/messages',
  headers: {},
  body,
});

describe('fake Anthropic server', () => {
  it('answers text, non-stream and stream, and records the request', async () => {
    const server = await start({ reply: 'HI-THERE' });

    const plain = await post(server, '/v1/messages', ask(false));
    expect(plain.status).toBe(200);
    expect(await plain.json()).toMatchObject({
      model: 'claude-test',
      content: [{ type: 'text', text: 'HI-THERE' }],
      stop_reason: 'end_turn',
    });

    const streamed = await post(server, '/v1/messages', ask(true));
    expect(streamed.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await streamed.text());
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[2]?.data.delta).toEqual({ type: 'text_delta', text: 'HI-THERE' });
    expect(events[4]?.data.delta).toMatchObject({ stop_reason: 'end_turn' });

    expect(server.requests).toHaveLength(2);
    expect(lastUserText(server.requests[1] as RecordedRequest)).toBe('hello');
  });

  it('streams text then tool_use with the input split into input_json_delta pieces', async () => {
    const input = { command: 'echo "a long enough command to need several chunks"', timeout: 5 };
    const server = await start({ reply: { text: 'Running it.', toolUse: { name: 'Bash', input } } });

    const events = parseSse(await (await post(server, '/v1/messages', ask(true))).text());
    const blockEvents = events.filter((e) => e.event.startsWith('content_block_'));

    const starts = blockEvents.filter((e) => e.event === 'content_block_start');
    expect(starts.map((e) => e.data.index)).toEqual([0, 1]);
    expect(starts[0]?.data.content_block).toEqual({ type: 'text', text: '' });
    expect(starts[1]?.data.content_block).toEqual({
      type: 'tool_use',
      id: 'toolu_fake_000001',
      name: 'Bash',
      input: {},
    });

    // Each block is start, deltas, stop, before the next block begins.
    const sequence = blockEvents.map((e) => `${e.event}:${e.data.index}`);
    const lastOfBlock0 = sequence.lastIndexOf('content_block_stop:0');
    expect(sequence.indexOf('content_block_start:1')).toBe(lastOfBlock0 + 1);
    expect(sequence.at(-1)).toBe('content_block_stop:1');

    const pieces = blockEvents
      .filter((e) => e.event === 'content_block_delta' && e.data.index === 1)
      .map((e) => e.data.delta as { type: string; partial_json: string });
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((p) => p.type === 'input_json_delta')).toBe(true);
    expect(JSON.parse(pieces.map((p) => p.partial_json).join(''))).toEqual(input);

    const messageDelta = events.find((e) => e.event === 'message_delta');
    expect(messageDelta?.data.delta).toMatchObject({ stop_reason: 'tool_use' });
    expect(events.at(-1)?.event).toBe('message_stop');
  });

  it('answers tool_use non-stream, with fresh default ids and a given id kept', async () => {
    const server = await start({
      reply: (req) =>
        isToolResultTurn(req)
          ? 'done'
          : { toolUse: { name: 'Read', input: { file_path: '/tmp/x' }, id: lastUserText(req) || undefined } },
    });

    const first = await (await post(server, '/v1/messages', ask(false))).json();
    expect(first).toMatchObject({
      content: [{ type: 'tool_use', id: 'hello', name: 'Read', input: { file_path: '/tmp/x' } }],
      stop_reason: 'tool_use',
    });

    const noText = { ...ask(false), messages: [{ role: 'user', content: [] }] };
    const second = await (await post(server, '/v1/messages', noText)).json();
    const third = await (await post(server, '/v1/messages', noText)).json();
    expect(second.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_fake_\d{6}$/),
        name: 'Read',
        input: { file_path: '/tmp/x' },
      },
    ]);
    expect(third.content[0].id).toMatch(/^toolu_fake_\d{6}$/);
    expect(third.content[0].id).not.toBe(second.content[0].id);

    const afterTool = {
      ...ask(false),
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'hello', content: 'x' }] }],
    };
    const last = await (await post(server, '/v1/messages', afterTool)).json();
    expect(last).toMatchObject({ content: [{ type: 'text', text: 'done' }], stop_reason: 'end_turn' });
  });

  it('waits delayMs before answering messages, but not count_tokens', async () => {
    const delay = 300;
    const server = await start({ delayMs: (req) => (lastUserText(req) === 'hello' ? delay : 0) });

    const sent = Date.now();
    const res = await post(server, '/v1/messages', ask(false));
    // Node timers can fire up to 1 ms early as measured by Date.now().
    expect(Date.now() - sent).toBeGreaterThanOrEqual(delay - 1);
    expect(res.status).toBe(200);
    expect(server.requests).toHaveLength(1);

    const counted = await post(server, '/v1/messages/count_tokens', ask(false));
    expect(await counted.json()).toEqual({ input_tokens: expect.any(Number) });
  });

  it('records the request before the delayed answer', async () => {
    const server = await start({ delayMs: 60_000 });
    const pending = post(server, '/v1/messages', ask(false)).catch(() => undefined);
    await expect.poll(() => server.requests.length).toBe(1);
    await server.close();
    api = undefined;
    await pending;
  });

  it('answers 404 for other paths', async () => {
    const server = await start();
    const res = await fetch(`${server.url}/v1/models`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
  });
});

describe('request helpers', () => {
  const toolResult = { type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' };

  it('isToolResultTurn looks only at the last message', () => {
    expect(isToolResultTurn(request({ messages: [{ role: 'user', content: [toolResult] }] }))).toBe(true);
    expect(
      isToolResultTurn(
        request({ messages: [{ role: 'user', content: [toolResult, { type: 'text', text: 'more' }] }] }),
      ),
    ).toBe(true);
    expect(
      isToolResultTurn(
        request({
          messages: [
            { role: 'user', content: [toolResult] },
            { role: 'user', content: 'next question' },
          ],
        }),
      ),
    ).toBe(false);
    expect(isToolResultTurn(request({ messages: [{ role: 'assistant', content: [toolResult] }] }))).toBe(
      false,
    );
    expect(isToolResultTurn(request({ messages: [] }))).toBe(false);
    expect(isToolResultTurn(request('not json'))).toBe(false);
  });

  it('lastUserText joins the text blocks of the last user message', () => {
    const body = {
      messages: [
        { role: 'user', content: 'first' },
        {
          role: 'user',
          content: [{ type: 'text', text: 'a' }, toolResult, { type: 'image' }, { type: 'text', text: 'b' }],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'reply' }] },
      ],
    };
    expect(lastUserText(request(body))).toBe('a\nb');
    expect(lastUserText(request({ messages: [{ role: 'user', content: 'plain' }] }))).toBe('plain');
    expect(lastUserText(request({ messages: [{ role: 'assistant', content: 'x' }] }))).toBe('');
    expect(lastUserText(request(''))).toBe('');
  });
});
