import { usageCacheFile } from '../store/layout.js';
import type { FoundSession } from '../store/records.js';
import type { FileState } from './ledger.js';
import { ownFiles, type ReadOptions, readConfigDir, readConfigDirUsage } from './read.js';
import type { SessionUsage } from './summary.js';

export { type SessionUsage, usageOfFiles } from './summary.js';

/**
 * The usage of one session: every API response its transcripts hold (main conversations and subagents,
 * each counted once; for a fork, only what it added to its source's conversation), priced. Cheap when
 * nothing changed: the transcripts are only stat'ed, the cache gives the totals it keeps, and the price
 * table is not loaded. Remembers what it read in `<session dir>/usage-cache.json` unless
 * `persist: false`. Never throws for what it reads.
 */
export function sessionUsage(found: FoundSession, options: ReadOptions = {}): SessionUsage {
  return readConfigDirUsage(
    found.paths.configDir,
    usageCacheFile(found.paths.dir),
    forkOptions(found, options),
  );
}

/** The transcripts of a session that count, as read (see read.ts). */
export function sessionFiles(found: FoundSession, options: ReadOptions = {}): FileState[] {
  return ownFiles(
    readConfigDir(found.paths.configDir, usageCacheFile(found.paths.dir), forkOptions(found, options)),
  );
}

function forkOptions(found: FoundSession, options: ReadOptions) {
  const forkOf = found.record?.forkedFrom?.conversation;
  return { ...options, ...(forkOf ? { forkOf } : {}) };
}
