import { childProcess } from './lazy.js';

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

/** `GET <registry>/-/package/<name>/dist-tags`, the ~20-byte answer, within `timeoutMs`. */
export async function fetchDistTags(
  registry: string,
  name: string,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<Record<string, unknown>> {
  const url = new URL(`-/package/${name.replace('/', '%2f')}/dist-tags`, registry);
  let response: Response;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json' }, redirect: 'follow' });
  } catch (error) {
    const reason = signal.aborted
      ? `no answer within ${timeoutMs / 1000} s`
      : String((error as Error).message);
    throw new RegistryError(`registry ${registry}: ${reason}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new RegistryError(`registry ${registry}: HTTP ${response.status} for ${name}`);
  }
  const text = await readLimited(response, signal);
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

async function readLimited(response: Response, signal: AbortSignal): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_ANSWER_BYTES)
        throw new RegistryError(`registry answer larger than ${MAX_ANSWER_BYTES} bytes`);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (error instanceof RegistryError) throw error;
    throw new RegistryError(signal.aborted ? 'registry: the answer stopped coming' : String(error));
  }
  return Buffer.concat(chunks).toString('utf8');
}
