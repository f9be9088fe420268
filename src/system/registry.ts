import { childProcess, http, https } from './lazy.js';

/**
 * The only module that talks to the npm registry. The answer is untrusted: the caller validates the
 * version before it goes anywhere near a command line.
 */
export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';
export const CHECK_TIMEOUT_MS = 5_000;
const MAX_ANSWER_BYTES = 64 * 1024;

export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

/**
 * The registry from npm's own configuration: `npm_config_registry` in the environment, else what
 * `npm config get registry` says (it reads the user's and the project's .npmrc), else the public one.
 */
export function npmRegistry(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.npm_config_registry || env.NPM_CONFIG_REGISTRY;
  if (fromEnv) return normalizeRegistry(fromEnv);
  try {
    const out = childProcess().execFileSync('npm', ['config', 'get', 'registry'], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
      env,
    });
    return normalizeRegistry(out.trim());
  } catch {
    return DEFAULT_REGISTRY;
  }
}

function normalizeRegistry(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RegistryError(`npm registry ${JSON.stringify(url.slice(0, 100))} is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new RegistryError(`npm registry ${parsed.href} is not http(s)`);
  }
  return parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`;
}

/**
 * `GET <registry>/-/package/<name>/dist-tags`, the ~20-byte answer, within `timeoutMs` for the whole
 * exchange. node:http(s) rather than fetch: on Node 20, loading fetch costs ~100 ms of CPU, and this runs
 * beside every session start that is due a check (measured: bench/run.mjs section 4).
 */
export async function fetchDistTags(
  registry: string,
  name: string,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<Record<string, unknown>> {
  const url = new URL(`-/package/${name.replace('/', '%2f')}/dist-tags`, registry);
  const text = await get(url, Date.now() + timeoutMs, timeoutMs, registry);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RegistryError(`registry ${registry}: the answer for ${name} is not JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new RegistryError(`registry ${registry}: the answer for ${name} is not an object of dist-tags`);
  }
  return json as Record<string, unknown>;
}

function get(
  url: URL,
  deadline: number,
  timeoutMs: number,
  registry: string,
  redirects = 3,
): Promise<string> {
  const client = url.protocol === 'https:' ? https() : http();
  return new Promise((resolve, reject) => {
    const fail = (message: string) => reject(new RegistryError(`registry ${registry}: ${message}`));
    const request = client.get(url, { headers: { accept: 'application/json' } }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location && redirects > 0) {
        response.resume();
        clearTimeout(timer);
        get(new URL(location, url), deadline, timeoutMs, registry, redirects - 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        response.resume();
        clearTimeout(timer);
        fail(`HTTP ${status} for ${url.pathname}`);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES)
          request.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
      response.on('error', () => undefined);
    });
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)),
      Math.max(0, deadline - Date.now()),
    );
    request.on('error', (error) => {
      clearTimeout(timer);
      fail(error.message);
    });
  });
}
