import type { ClaudeModelCost, Line, Response, Tokens } from './line.js';
import type { PriceTable } from './prices.js';

/**
 * What the transcripts of one config dir add up to, file by file, as the usage cache keeps it. Pure:
 * lines go in (`applyLine`), totals come out; reading files and the cache are elsewhere.
 *
 * Each API response counts once in the whole config dir: its lines share message.id + requestId (the
 * key), and a forked conversation copies its parent's lines, keys included, into a new transcript.
 * The largest figures of a response's lines are the final ones (output_tokens grows while it streams),
 * so a later line of one of a file's last few responses raises what that response counts.
 */

/** Time is kept in quarter hours (UTC): every time zone is a whole number of them from UTC. */
export const SLOT_MS = 15 * 60 * 1000;
/** The slot of a response whose line has no timestamp. */
export const NO_SLOT = -1;
/** How many of a file's latest responses may still grow. */
const RECENT = 16;

export interface Bucket {
  model: string;
  cwd: string;
  slot: number;
  responses: number;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  /** The sum of the responses the table could price. */
  costUSD: number;
  /** Responses the table had no price for. */
  unpriced: number;
}

/** What one response added to a bucket, kept for a recent response in case a later line raises it. */
export interface Contribution {
  model: string;
  cwd: string;
  slot: number;
  at: number | null;
  tokens: Tokens;
  cost: number | null;
}

export interface FileState {
  dev: number;
  ino: number;
  /** Where the next line starts: just after the last whole line read. */
  offset: number;
  /** The bytes before `offset` (base64), to tell a file rewritten in place from one that grew. */
  tail: string;
  /** Lines that did not parse, or parsed to nonsense. */
  corrupt: number;
  /** The responses this file counts. */
  keys: Set<string>;
  /** Responses seen here but counted by another file (a fork's copied history). */
  foreign: Set<string>;
  recent: [string, Contribution][];
  buckets: Map<string, Bucket>;
  /** Claude's own account of this conversation, from its latest cost-state line. */
  claude: Record<string, ClaudeModelCost> | null;
  /** A fork's copy of its source's transcript: its responses are the source's (see read.ts). */
  inherited: boolean;
}

export interface Ledger {
  /** By path relative to the config dir's projects/. */
  files: Map<string, FileState>;
  /** Which file counts each response. */
  owners: Map<string, FileState>;
}

export function emptyFile(dev = 0, ino = 0): FileState {
  return {
    dev,
    ino,
    offset: 0,
    tail: '',
    corrupt: 0,
    keys: new Set(),
    foreign: new Set(),
    recent: [],
    buckets: new Map(),
    claude: null,
    inherited: false,
  };
}

export function emptyLedger(): Ledger {
  return { files: new Map(), owners: new Map() };
}

/** A ledger from files read before (the cache): the owners follow from each file's keys. */
export function ledgerOf(files: Map<string, FileState>): Ledger {
  const owners = new Map<string, FileState>();
  for (const file of files.values()) for (const key of file.keys) if (!owners.has(key)) owners.set(key, file);
  return { files, owners };
}

export function slotOf(at: number | null): number {
  return at === null ? NO_SLOT : Math.floor(at / SLOT_MS);
}

export function applyLine(ledger: Ledger, file: FileState, line: Line, prices: PriceTable): void {
  if (line.kind === 'corrupt') file.corrupt += 1;
  else if (line.kind === 'cost-state') file.claude = line.models;
  else if (line.kind === 'response') applyResponse(ledger, file, line, prices);
}

function applyResponse(ledger: Ledger, file: FileState, response: Response, prices: PriceTable): void {
  const { key } = response;
  if (key !== null) {
    const owner = ledger.owners.get(key);
    if (owner === file) {
      raise(file, key, response, prices);
      return;
    }
    if (owner !== undefined) {
      file.foreign.add(key);
      return;
    }
    file.keys.add(key);
    ledger.owners.set(key, file);
  }
  const contribution: Contribution = {
    model: response.model,
    cwd: response.cwd,
    slot: slotOf(response.at),
    at: response.at,
    tokens: { ...response.tokens },
    cost: prices.price(response.model, response.tokens, response.at),
  };
  add(file, contribution, 1);
  if (key !== null) {
    file.recent.push([key, contribution]);
    if (file.recent.length > RECENT) file.recent.shift();
  }
}

/** Another line of a response already counted: if it says more (a later streaming snapshot), count that. */
function raise(file: FileState, key: string, response: Response, prices: PriceTable): void {
  const entry = file.recent.find(([recentKey]) => recentKey === key);
  if (!entry) return;
  const old = entry[1];
  const tokens = { ...old.tokens };
  let grew = false;
  for (const kind of Object.keys(tokens) as (keyof Tokens)[]) {
    if (response.tokens[kind] > tokens[kind]) {
      tokens[kind] = response.tokens[kind];
      grew = true;
    }
  }
  if (!grew) return;
  add(file, old, -1);
  const raised: Contribution = { ...old, tokens, cost: prices.price(old.model, tokens, old.at) };
  add(file, raised, 1);
  entry[1] = raised;
}

export function bucketKey(model: string, cwd: string, slot: number): string {
  return `${model}\u0000${cwd}\u0000${slot}`;
}

function add(file: FileState, contribution: Contribution, sign: 1 | -1): void {
  const id = bucketKey(contribution.model, contribution.cwd, contribution.slot);
  let bucket = file.buckets.get(id);
  if (!bucket) {
    bucket = {
      model: contribution.model,
      cwd: contribution.cwd,
      slot: contribution.slot,
      responses: 0,
      input: 0,
      output: 0,
      cacheWrite: 0,
      cacheRead: 0,
      costUSD: 0,
      unpriced: 0,
    };
    file.buckets.set(id, bucket);
  }
  const { tokens, cost } = contribution;
  bucket.responses += sign;
  bucket.input += sign * tokens.input;
  bucket.output += sign * tokens.output;
  bucket.cacheWrite += sign * tokens.cacheWrite;
  bucket.cacheRead += sign * tokens.cacheRead;
  if (cost === null) bucket.unpriced += sign;
  else bucket.costUSD += sign * cost;
  if (bucket.responses === 0) file.buckets.delete(id);
}

/**
 * Files to read again from the start, given those that are gone or no longer what was read (shrunk,
 * replaced, rewritten): with them every file that left a response to one of them, since that response
 * now counts nowhere. Returns the paths to start over, gone ones included.
 */
export function filesToRestart(ledger: Ledger, changed: Iterable<string>): Set<string> {
  const restart = new Set<string>();
  const pending = [...changed];
  while (pending.length > 0) {
    const path = pending.pop() as string;
    if (restart.has(path)) continue;
    restart.add(path);
    const file = ledger.files.get(path);
    if (!file) continue;
    for (const [other, state] of ledger.files) {
      if (restart.has(other)) continue;
      for (const key of file.keys) {
        if (state.foreign.has(key)) {
          pending.push(other);
          break;
        }
      }
    }
  }
  return restart;
}

/** Forgets files (gone, or to be read again): their responses no longer count. */
export function dropFiles(ledger: Ledger, paths: Iterable<string>): void {
  for (const path of paths) {
    const file = ledger.files.get(path);
    if (!file) continue;
    for (const key of file.keys) if (ledger.owners.get(key) === file) ledger.owners.delete(key);
    ledger.files.delete(path);
  }
}
