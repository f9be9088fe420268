import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A registry that misbehaves, for the update check: every request (`GET /-/package/<name>/dist-tags` or any
 * other) gets the same treatment.
 * - `hang`: accepts the connection and never answers (close() still ends at once: it destroys the sockets).
 * - `status-404`, `status-500`: that status with a small JSON error body, like npm's.
 * - `garbage`: 200, `content-type: application/json`, a body that is not JSON.
 * - `{ distTags }`: 200 with `JSON.stringify(distTags)`, e.g. `{ latest: '1.2.3 && touch /tmp/x' }`.
 * - `{ rawBody }`: 200, `content-type: application/json`, exactly that text.
 */
export type BadBehaviour =
  | 'hang'
  | 'status-404'
  | 'status-500'
  | 'garbage'
  | { distTags: unknown }
  | { rawBody: string };

export interface BadRegistry {
  /** E.g. `http://127.0.0.1:41234`, no trailing slash. */
  url: string;
  /** Every request received, in order; `path` as sent (still percent-encoded, with any query). */
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

export const GARBAGE_BODY = '<html><body>502 Bad Gateway</body></html>\n\u0000\u00ff not json {"latest":';

export async function startBadRegistry(behaviour: BadBehaviour): Promise<BadRegistry> {
  const requests: { method: string; path: string }[] = [];
  const sockets = new Set<Socket>();

  const answer = (response: ServerResponse, status: number, body: string) => {
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.push({ method: request.method ?? '', path: request.url ?? '' });
    request.resume();
    if (behaviour === 'hang') return;
    if (behaviour === 'status-404') return answer(response, 404, '{"error":"Not found"}\n');
    if (behaviour === 'status-500') return answer(response, 500, '{"error":"Internal Server Error"}\n');
    if (behaviour === 'garbage') return answer(response, 200, GARBAGE_BODY);
    if ('rawBody' in behaviour) return answer(response, 200, behaviour.rawBody);
    return answer(response, 200, JSON.stringify(behaviour.distTags));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('bad registry has no port');

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close() {
      closed ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
