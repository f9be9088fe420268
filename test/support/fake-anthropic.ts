// A fake Anthropic Messages API for tests: 127.0.0.1 only, no dependencies.
// Records every request; answers POST /v1/messages (SSE when body.stream is true,
// plain JSON otherwise) and POST /v1/messages/count_tokens; 404 for everything else.
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

export interface FakeAnthropicOptions {
  reply?: string | ((req: RecordedRequest) => string);
}

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

/** A rough token count: about one token per 4 characters of the JSON body. */
function roughTokens(body: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(body ?? '').length / 4));
}

export async function startFakeAnthropic(opts: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  let counter = 0;
  const replyFor = (req: RecordedRequest): string => {
    const r = opts.reply ?? DEFAULT_FAKE_REPLY;
    return typeof r === 'function' ? r(req) : r;
  };

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
      const text = replyFor(rec);
      const modelField = field(rec.body, 'model');
      const model = typeof modelField === 'string' ? modelField : 'claude-fake';
      const id = `msg_fake_${String(counter).padStart(6, '0')}`;
      const inputTokens = roughTokens(rec.body);
      const outputTokens = Math.max(1, Math.ceil(text.length / 4));
      const usage = {
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      };
      if (field(rec.body, 'stream') !== true) {
        sendJson(res, 200, {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [{ type: 'text', text }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage,
        });
        return;
      }
      res.writeHead(200, {
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
      event('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      });
      event('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text },
      });
      event('content_block_stop', { type: 'content_block_stop', index: 0 });
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: outputTokens },
      });
      event('message_stop', { type: 'message_stop' });
      res.end();
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
