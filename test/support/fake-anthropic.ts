// A fake Anthropic Messages API for tests: 127.0.0.1 only, no dependencies.
// Records every request; answers POST /v1/messages (SSE when body.stream is true,
// plain JSON otherwise) and POST /v1/messages/count_tokens; 404 for everything else.
// A reply is text, or an optional text followed by one tool_use block (stop_reason 'tool_use').
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path including the query string, e.g. `/v1/messages?beta=true`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the body is JSON, else the raw string ('' when empty). */
  body: unknown;
}

export interface FakeAnthropic {
  /** Base URL for ANTHROPIC_BASE_URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface FakeToolUse {
  name: string;
  input: Record<string, unknown>;
  /** Defaults to a fresh `toolu_fake_000001`-style id. */
  id?: string;
}

export type FakeReply = string | { text?: string; toolUse: FakeToolUse };

/** The usage an answer reports, as the Messages API has it; output_tokens is the final count. */
export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

export interface FakeAnthropicOptions {
  /** A function sees the whole request, so it can tell side calls (titles, topics) from the main turn. */
  reply?: FakeReply | ((req: RecordedRequest) => FakeReply);
  /** Fixed usage figures for every answer (default: a rough count of the request and the reply). */
  usage?: FakeUsage | ((req: RecordedRequest) => FakeUsage);
  /** Wait before answering POST /v1/messages (the request is recorded first); count_tokens is immediate. */
  delayMs?: number | ((req: RecordedRequest) => number);
}

type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export const DEFAULT_FAKE_REPLY = 'FAKE-REPLY-OK';

function parseBody(raw: string): unknown {
  if (raw === '') return '';
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function lastMessage(req: RecordedRequest, role?: string): unknown {
  const messages = field(req.body, 'messages');
  if (!Array.isArray(messages)) return undefined;
  if (role === undefined) return messages.at(-1);
  return [...messages].reverse().find((m: unknown) => field(m, 'role') === role);
}

/** True when the request's last message is a user message carrying a tool_result block. */
export function isToolResultTurn(req: RecordedRequest): boolean {
  const last = lastMessage(req);
  const content = field(last, 'content');
  return (
    field(last, 'role') === 'user' &&
    Array.isArray(content) &&
    content.some((b) => field(b, 'type') === 'tool_result')
  );
}

/** The text of the last user message: the string content, or its text blocks joined by newlines. */
export function lastUserText(req: RecordedRequest): string {
  const content = field(lastMessage(req, 'user'), 'content');
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b) => field(b, 'type') === 'text' && typeof field(b, 'text') === 'string')
    .map((b) => field(b, 'text') as string)
    .join('\n');
}

/** A rough token count: about one token per 4 characters of the JSON body. */
function roughTokens(body: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(body ?? '').length / 4));
}

/** JSON of a tool input in a few pieces, as the real API streams input_json_delta. */
function jsonChunks(input: Record<string, unknown>, size = 16): string[] {
  const chars = Array.from(JSON.stringify(input));
  const chunks: string[] = [];
  for (let i = 0; i < chars.length; i += size) chunks.push(chars.slice(i, i + size).join(''));
  return chunks;
}

function answer(
  res: ServerResponse,
  rec: RecordedRequest,
  id: string,
  blocks: ContentBlock[],
  fixedUsage: FakeUsage | undefined,
): void {
  if (res.destroyed) return;
  const modelField = field(rec.body, 'model');
  const model = typeof modelField === 'string' ? modelField : 'claude-fake';
  const stopReason = blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
  const outputChars = blocks.reduce(
    (n, b) => n + (b.type === 'text' ? b.text.length : JSON.stringify(b.input).length),
    0,
  );
  const usage: FakeUsage = fixedUsage ?? {
    input_tokens: roughTokens(rec.body),
    output_tokens: Math.max(1, Math.ceil(outputChars / 4)),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
  const outputTokens = usage.output_tokens;
  // As the real API does: Claude Code records it as the response's requestId.
  const requestId = `req_${id}`;
  if (field(rec.body, 'stream') !== true) {
    res.setHeader('request-id', requestId);
    sendJson(res, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: blocks,
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    });
    return;
  }
  res.writeHead(200, {
    'request-id': requestId,
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const event = (name: string, data: unknown): void => {
    res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  event('message_start', {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  blocks.forEach((block, index) => {
    if (block.type === 'text') {
      event('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      });
      event('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'text_delta', text: block.text },
      });
    } else {
      event('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      for (const partial_json of jsonChunks(block.input)) {
        event('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json },
        });
      }
    }
    event('content_block_stop', { type: 'content_block_stop', index });
  });
  event('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  event('message_stop', { type: 'message_stop' });
  res.end();
}

export async function startFakeAnthropic(opts: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  let counter = 0;
  let toolCounter = 0;
  const blocksFor = (req: RecordedRequest): ContentBlock[] => {
    const r = opts.reply ?? DEFAULT_FAKE_REPLY;
    const reply = typeof r === 'function' ? r(req) : r;
    if (typeof reply === 'string') return [{ type: 'text', text: reply }];
    const { name, input, id } = reply.toolUse;
    toolCounter += 1;
    return [
      ...(reply.text ? [{ type: 'text' as const, text: reply.text }] : []),
      { type: 'tool_use', id: id ?? `toolu_fake_${String(toolCounter).padStart(6, '0')}`, name, input },
    ];
  };
  const delayFor = (req: RecordedRequest): number =>
    typeof opts.delayMs === 'function' ? opts.delayMs(req) : (opts.delayMs ?? 0);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: parseBody(Buffer.concat(chunks).toString('utf8')),
      };
      requests.push(rec);
      const pathname = rec.path.split('?')[0];
      if (rec.method === 'POST' && pathname === '/v1/messages/count_tokens') {
        sendJson(res, 200, { input_tokens: roughTokens(rec.body) });
        return;
      }
      if (rec.method !== 'POST' || pathname !== '/v1/messages') {
        sendJson(res, 404, {
          type: 'error',
          error: { type: 'not_found_error', message: `fake: no route ${rec.method} ${rec.path}` },
        });
        return;
      }
      counter += 1;
      const id = `msg_fake_${String(counter).padStart(6, '0')}`;
      const blocks = blocksFor(rec);
      const delay = delayFor(rec);
      const usage = typeof opts.usage === 'function' ? opts.usage(rec) : opts.usage;
      if (delay > 0) {
        // unref: a pending answer must not keep the test process alive after close().
        setTimeout(() => answer(res, rec, id, blocks, usage), delay).unref();
      } else {
        answer(res, rec, id, blocks, usage);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
