import { type Dirent, lstatSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errorCode } from '../core/errors.js';
import { readRegularFile, writeFileAtomicSync } from '../system/files.js';
import {
  type Cached,
  type CacheJson,
  decodeParsed,
  encodeCache,
  parseCache,
  unchangedSummary,
} from './cache.js';
import {
  applyLine,
  dropFiles,
  emptyFile,
  emptyLedger,
  type FileState,
  filesToRestart,
  type Ledger,
  ledgerOf,
} from './ledger.js';
import { parseLine } from './line.js';
import { lazyPriceTable, type PriceTable } from './prices.js';
import { readNewLines } from './reader.js';
import { type SessionUsage, usageOfFiles } from './summary.js';

/**
 * The transcripts of one config dir, read incrementally: what the cache file remembers is not read
 * again, only what the transcripts gained since (see ledger.ts for how lines count, cache.ts for the
 * file). Claude writes a conversation to `projects/<folder>/<uuid>.jsonl` and each of its subagents to
 * `projects/<folder>/<uuid>/subagents/agent-<id>.jsonl` (2.1.332): every `.jsonl` under projects/ is
 * read, without following a link anywhere. The cache is written when something changed, atomically and
 * private; when it cannot be (a read-only or full disk), the totals are right all the same.
 */

/** Directories below projects/ that are walked: a subagent's transcript is four levels down. */
const MAX_DEPTH = 6;
const MAX_CACHE_BYTES = 256 * 1024 * 1024;
/** Passes over the files when some keep changing under the reader (rewritten while read). */
const MAX_PASSES = 3;

export interface ReadOptions {
  prices?: PriceTable;
  /** Remember what was read in the cache file (default true). */
  persist?: boolean;
  /**
   * The transcripts as a walk of the config dir just found them (listTranscripts' result, from
   * live/usage.ts's walk for `list`): projects/ is then not walked again.
   */
  listing?: ReadonlyMap<string, Listed>;
}

export interface ConfigDirOptions extends ReadOptions {
  /**
   * For a session made by `claude-session fork`: the uuid of the conversation it forked, whose
   * transcript here is a copy of its source's. Those responses are the source's: the copy is read
   * first and counts nothing, so the lines of the forked conversation that repeat it count nothing
   * either, and only what the fork added is its own.
   */
  forkOf?: string;
}

export interface Listed {
  dev: number;
  ino: number;
  size: number;
}

/**
 * What the config dir's own transcripts add up to (usageOfFiles of ownFiles), read as readConfigDir
 * reads; when every transcript is as the cache remembers it, the cache's summary, without decoding
 * the rest of it or adding anything up.
 */
export function readConfigDirUsage(
  configDir: string,
  cacheFile: string,
  options: ConfigDirOptions = {},
): SessionUsage {
  const listing = options.listing ?? listTranscripts(join(configDir, 'projects'));
  const json = loadCache(cacheFile);
  const unchanged = json && unchangedSummary(json, listing, options.forkOf ?? null);
  if (unchanged) return unchanged;
  return usageOfFiles(ownFiles(readListed(configDir, cacheFile, options, new Map(listing), json)));
}

export function readConfigDir(configDir: string, cacheFile: string, options: ConfigDirOptions = {}): Ledger {
  const listing = options.listing ? new Map(options.listing) : listTranscripts(join(configDir, 'projects'));
  return readListed(configDir, cacheFile, options, listing, loadCache(cacheFile));
}

function readListed(
  configDir: string,
  cacheFile: string,
  options: ConfigDirOptions,
  listing: Map<string, Listed>,
  json: CacheJson | undefined,
): Ledger {
  const prices = options.prices ?? lazyPriceTable();
  const forkOf = options.forkOf ?? null;
  // A cache made for another copied conversation (or none) counted other responses: it does not hold.
  const loaded: Cached | undefined = json && decodeParsed(json);
  const cached = loaded?.forkOf === forkOf ? loaded.files : undefined;
  const ledger = cached ? ledgerOf(cached) : emptyLedger();
  // A cache of an earlier version without its summary gets one.
  let dirty = cached === undefined ? listing.size > 0 || loaded !== undefined : loaded?.summarized !== true;
  const copy = forkOf === null ? undefined : `${forkOf}.jsonl`;
  const isCopy = (path: string) => copy !== undefined && (path === copy || path.endsWith(`/${copy}`));
  // The copy first: it owns the responses it holds, so the forked conversation's repeats are foreign.
  const order = (a: string, b: string) => Number(isCopy(b)) - Number(isCopy(a)) || a.localeCompare(b);

  // Gone, replaced or shrunk since the cache: forgotten, with what depended on them, and read anew.
  const changed = [...ledger.files].filter(([path, file]) => {
    const now = listing.get(path);
    return !now || now.dev !== file.dev || now.ino !== file.ino || now.size < file.offset;
  });
  if (changed.length > 0) {
    const paths = changed.map(([path]) => path);
    dropFiles(ledger, filesToRestart(ledger, paths));
    dirty = true;
  }

  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let restarted = false;
    for (const [path, listed] of [...listing].sort(([a], [b]) => order(a, b))) {
      const file = ledger.files.get(path);
      if (file && file.offset === listed.size && file.dev === listed.dev && file.ino === listed.ino) continue;
      const outcome = readFile(ledger, path, join(configDir, 'projects', path), file, prices, isCopy(path));
      if (outcome === 'unchanged') continue;
      dirty = true;
      if (outcome === 'restart') {
        dropFiles(ledger, filesToRestart(ledger, [path]));
        restarted = true;
      } else if (outcome === 'gone') {
        dropFiles(ledger, filesToRestart(ledger, [path]));
        listing.delete(path);
        restarted = true;
      }
    }
    if (!restarted) break;
  }

  if (dirty && options.persist !== false) saveCache(cacheFile, ledger.files, forkOf);
  return ledger;
}

type Outcome = 'read' | 'unchanged' | 'restart' | 'gone';

function readFile(
  ledger: Ledger,
  path: string,
  fullPath: string,
  known: FileState | undefined,
  prices: PriceTable,
  inherited: boolean,
): Outcome {
  const file = known ?? emptyFile();
  file.inherited = inherited;
  try {
    const result = readNewLines(fullPath, file, (text) => applyLine(ledger, file, parseLine(text), prices));
    if (result.kind === 'changed') return 'restart';
    const unchanged = known !== undefined && result.position.offset === file.offset;
    Object.assign(file, result.position);
    if (!known) ledger.files.set(path, file);
    return unchanged ? 'unchanged' : 'read';
  } catch (error) {
    const code = errorCode(error);
    // Removed since the walk, or no longer a regular file: it counts no more.
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTREG' || code === 'ENOTDIR') return 'gone';
    // Unreadable now (permissions, I/O): what was read before still counts.
    return 'unchanged';
  }
}

/** Every `.jsonl` file under projects/, by path relative to it; nothing behind a link. */
export function listTranscripts(projects: string): Map<string, Listed> {
  const found = new Map<string, Listed>();
  const walk = (dir: string, relative: string, depth: number): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isSymbolicLink()) continue;
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH) walk(join(dir, entry.name), path, depth + 1);
      } else if (entry.isFile() && entry.name.endsWith('.jsonl')) {
        try {
          const stat = lstatSync(join(dir, entry.name));
          if (stat.isFile()) found.set(path, { dev: stat.dev, ino: stat.ino, size: stat.size });
        } catch {}
      }
    }
  };
  // A config dir or projects/ that is itself a link is not ours to walk: it could lead anywhere.
  if (isRealDirectory(dirname(projects)) && isRealDirectory(projects)) walk(projects, '', 1);
  return found;
}

function isRealDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function loadCache(cacheFile: string): CacheJson | undefined {
  try {
    return parseCache(readRegularFile(cacheFile, { maxBytes: MAX_CACHE_BYTES }).text);
  } catch {
    // Missing, a link, too large, unreadable: no cache.
    return undefined;
  }
}

/** Into a directory that exists: a session dir removed meanwhile is not made again. */
function saveCache(cacheFile: string, files: Map<string, FileState>, forkOf: string | null): void {
  try {
    const own = [...files.values()].filter((file) => !file.inherited);
    writeFileAtomicSync(cacheFile, JSON.stringify(encodeCache(files, forkOf, usageOfFiles(own))));
  } catch {
    // A read-only or full disk: the next read starts over, and its totals are as right.
  }
}

/** The files whose responses are the config dir's own: all but a fork's copy of its source's. */
export function ownFiles(ledger: Ledger): FileState[] {
  return [...ledger.files.values()].filter((file) => !file.inherited);
}
