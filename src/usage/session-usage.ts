import { usageCacheFile } from '../store/layout.js';
import type { FoundSession } from '../store/records.js';
import type { FileState } from './ledger.js';
import { ownFiles, type ReadOptions, readConfigDir } from './read.js';
import { emptyFigures, summarize, type UsageFigures } from './summary.js';

/** A session's usage as `list --json` and `show` give it: tokens by kind, cost, and per model. */
export interface SessionUsage extends UsageFigures {
  /** Transcript lines that could not be read (corrupt JSON, impossible figures): skipped. */
  corruptLines: number;
}

/**
 * The usage of one session: every API response its transcripts hold (main conversations and subagents,
 * each counted once; for a fork, only what it added to its source's conversation), priced. Cheap when
 * nothing changed: the transcripts are only stat'ed, and the price table is not loaded. Remembers what
 * it read in `<session dir>/usage-cache.json` unless `persist: false`. Never throws for what it reads.
 */
export function sessionUsage(found: FoundSession, options: ReadOptions = {}): SessionUsage {
  return usageOfFiles(sessionFiles(found, options));
}

/** The transcripts of a session that count, as read (see read.ts). */
export function sessionFiles(found: FoundSession, options: ReadOptions = {}): FileState[] {
  const forkOf = found.record?.forkedFrom?.conversation;
  const ledger = readConfigDir(found.paths.configDir, usageCacheFile(found.paths.dir), {
    ...options,
    ...(forkOf ? { forkOf } : {}),
  });
  return ownFiles(ledger);
}

export function usageOfFiles(files: Iterable<FileState>): SessionUsage {
  const list = [...files];
  const figures = summarize([{ files: list }], () => 'all').get('all');
  return {
    ...(figures ?? emptyFigures()),
    corruptLines: list.reduce((sum, file) => sum + file.corrupt, 0),
  };
}
