import { type Bucket, bucketKey, type Contribution, type FileState } from './ledger.js';
import type { Tokens } from './line.js';
import { PRICE_TABLE } from './prices.js';
import type { CostSource, ModelUsage, SessionUsage } from './summary.js';

/**
 * The usage cache of one config dir as JSON, and back. Pure. Anything that does not read back exactly
 * as written (another version, other prices, a hand edit, a torn file) is no cache: the transcripts are
 * read again from the start, which is always right, only slower.
 *
 * It also keeps what its files' own responses add up to (`summary`, as sessionUsage gives it), so that a
 * read finding every transcript as the cache remembers it needs neither the files' state nor the
 * adding up (see unchangedSummary). A change to how the figures add up (summary.ts) must change VERSION.
 */
const VERSION = 1;

type BucketRow = [string, string, number, number, number, number, number, number, number, number];
type TokenRow = [number, number, number, number, number, number];
type ContributionRow = [string, string, string, number, number | null, TokenRow, number | null];
type ClaudeRow = [number, number, number, number, number];

interface FileJson {
  dev: number;
  ino: number;
  offset: number;
  tail: string;
  corrupt: number;
  keys: string[];
  foreign: string[];
  recent: ContributionRow[];
  buckets: BucketRow[];
  claude: Record<string, ClaudeRow> | null;
  inherited: boolean;
}

export interface CacheJson {
  version: number;
  prices: string;
  /** The conversation whose transcript here is a fork's copy of another session's (see read.ts); or null. */
  forkOf: string | null;
  files: Record<string, FileJson>;
  /** usageOfFiles of the files' own (not inherited) ones; absent in a cache written before it was kept. */
  summary?: SessionUsage;
}

export interface Cached {
  forkOf: string | null;
  files: Map<string, FileState>;
  /** Whether it keeps a summary (one that reads back as written). */
  summarized: boolean;
}

/** A transcript as listed now: what tells whether the cache still holds all of it. */
export interface ListedFile {
  dev: number;
  ino: number;
  size: number;
}

const tokenRow = (t: Tokens): TokenRow => [
  t.input,
  t.output,
  t.cacheWrite,
  t.cacheWrite1h,
  t.cacheRead,
  t.webSearches,
];

export function encodeCache(
  files: Map<string, FileState>,
  forkOf: string | null,
  summary: SessionUsage,
): CacheJson {
  const out: Record<string, FileJson> = {};
  for (const [path, file] of files) {
    out[path] = {
      dev: file.dev,
      ino: file.ino,
      offset: file.offset,
      tail: file.tail,
      corrupt: file.corrupt,
      inherited: file.inherited,
      keys: [...file.keys],
      foreign: [...file.foreign],
      recent: file.recent.map(([key, c]) => [key, c.model, c.cwd, c.slot, c.at, tokenRow(c.tokens), c.cost]),
      buckets: [...file.buckets.values()].map((b) => [
        b.model,
        b.cwd,
        b.slot,
        b.responses,
        b.input,
        b.output,
        b.cacheWrite,
        b.cacheRead,
        b.costUSD,
        b.unpriced,
      ]),
      claude:
        file.claude &&
        Object.fromEntries(
          Object.entries(file.claude).map(([model, c]) => [
            model,
            [c.input, c.output, c.cacheWrite, c.cacheRead, c.costUSD],
          ]),
        ),
    };
  }
  return { version: VERSION, prices: PRICE_TABLE.version, forkOf, files: out, summary };
}

/** The cache's JSON, or undefined when the text is not one this version wrote with these prices. */
export function parseCache(text: string): CacheJson | undefined {
  try {
    const json = JSON.parse(text) as CacheJson;
    if (!isRecord(json) || json.version !== VERSION || json.prices !== PRICE_TABLE.version) return;
    if (!isRecord(json.files)) return;
    if (json.forkOf !== null && typeof json.forkOf !== 'string') return;
    return json;
  } catch {
    return undefined;
  }
}

/** A cache, or undefined when the text is not one this version wrote with these prices. */
export function decodeCache(text: string): Cached | undefined {
  const json = parseCache(text);
  return json && decodeParsed(json);
}

export function decodeParsed(json: CacheJson): Cached | undefined {
  try {
    const files = new Map<string, FileState>();
    for (const [path, file] of Object.entries(json.files)) files.set(path, decodeFile(file));
    return { forkOf: json.forkOf, files, summarized: readSummary(json.summary) !== undefined };
  } catch {
    return undefined;
  }
}

/**
 * The summary, when the cache was made for this fork origin and holds exactly the transcripts listed,
 * each read to its end: then reading them would change nothing. Otherwise undefined.
 */
export function unchangedSummary(
  json: CacheJson,
  listing: ReadonlyMap<string, ListedFile>,
  forkOf: string | null,
): SessionUsage | undefined {
  if (json.forkOf !== forkOf) return;
  const files = Object.entries(json.files);
  if (files.length !== listing.size) return;
  for (const [path, file] of files) {
    const now = listing.get(path);
    if (!now || !isRecord(file) || file.dev !== now.dev || file.ino !== now.ino || file.offset !== now.size) {
      return;
    }
  }
  return readSummary(json.summary);
}

function readSummary(value: unknown): SessionUsage | undefined {
  try {
    if (!isRecord(value) || !isRecord(value.models)) return;
    const models: Record<string, ModelUsage> = {};
    for (const [model, usage] of Object.entries(value.models)) {
      if (!isRecord(usage)) return;
      models[model] = {
        ...tokenFigures(usage),
        costUSD: cost(usage.costUSD),
        costSource: costSource(usage.costSource),
        claudeCostUSD: cost(usage.claudeCostUSD),
        responses: whole(usage.responses),
      };
    }
    return {
      ...tokenFigures(value),
      costUSD: cost(value.costUSD),
      costSource: costSource(value.costSource),
      models,
      corruptLines: whole(value.corruptLines),
    };
  } catch {
    return undefined;
  }
}

function tokenFigures(value: Record<string, unknown>) {
  return {
    inputTokens: whole(value.inputTokens),
    outputTokens: whole(value.outputTokens),
    cacheWriteTokens: whole(value.cacheWriteTokens),
    cacheReadTokens: whole(value.cacheReadTokens),
  };
}

function cost(value: unknown): number | null {
  return value === null ? null : amount(value);
}

function costSource(value: unknown): CostSource | null {
  if (value === null || value === 'table' || value === 'claude' || value === 'mixed') return value;
  throw new Invalid();
}

class Invalid extends Error {}

function decodeFile(file: FileJson): FileState {
  if (!isRecord(file)) throw new Invalid();
  const state: FileState = {
    dev: whole(file.dev),
    ino: whole(file.ino),
    offset: whole(file.offset),
    tail: text(file.tail),
    corrupt: whole(file.corrupt),
    keys: new Set(list(file.keys).map(text)),
    foreign: new Set(list(file.foreign).map(text)),
    recent: list(file.recent).map((row) => {
      const [key, model, cwd, slot, at, tokens, cost] = list(row) as ContributionRow;
      const contribution: Contribution = {
        model: text(model),
        cwd: text(cwd),
        slot: integer(slot),
        at: at === null ? null : integer(at),
        tokens: decodeTokens(tokens),
        cost: cost === null ? null : amount(cost),
      };
      return [text(key), contribution];
    }),
    buckets: new Map(),
    claude: null,
    inherited: flag(file.inherited),
  };
  for (const row of list(file.buckets)) {
    const [model, cwd, slot, responses, input, output, cacheWrite, cacheRead, costUSD, unpriced] = list(
      row,
    ) as BucketRow;
    const bucket: Bucket = {
      model: text(model),
      cwd: text(cwd),
      slot: integer(slot),
      responses: whole(responses),
      input: whole(input),
      output: whole(output),
      cacheWrite: whole(cacheWrite),
      cacheRead: whole(cacheRead),
      costUSD: amount(costUSD),
      unpriced: whole(unpriced),
    };
    state.buckets.set(bucketKey(bucket.model, bucket.cwd, bucket.slot), bucket);
  }
  if (file.claude !== null) {
    if (!isRecord(file.claude)) throw new Invalid();
    state.claude = {};
    for (const [model, row] of Object.entries(file.claude)) {
      const [input, output, cacheWrite, cacheRead, costUSD] = list(row) as ClaudeRow;
      state.claude[model] = {
        input: whole(input),
        output: whole(output),
        cacheWrite: whole(cacheWrite),
        cacheRead: whole(cacheRead),
        costUSD: amount(costUSD),
      };
    }
  }
  return state;
}

function decodeTokens(row: unknown): Tokens {
  const [input, output, cacheWrite, cacheWrite1h, cacheRead, webSearches] = list(row).map(whole);
  return {
    input: input ?? 0,
    output: output ?? 0,
    cacheWrite: cacheWrite ?? 0,
    cacheWrite1h: cacheWrite1h ?? 0,
    cacheRead: cacheRead ?? 0,
    webSearches: webSearches ?? 0,
  };
}

function flag(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Invalid();
  return value;
}

function isRecord(value: unknown): value is Record<string, never> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Invalid();
  return value;
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new Invalid();
  return value;
}

function integer(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Invalid();
  return value;
}

function whole(value: unknown): number {
  const number = integer(value);
  if (number < 0) throw new Invalid();
  return number;
}

function amount(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Invalid();
  return value;
}
