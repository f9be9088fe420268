import { usageCacheFile } from '../store/layout.js';
import type { FileState } from './ledger.js';
import { type ReadOptions, readConfigDir } from './read.js';
import { emptyFigures, summarize, type UsageFigures } from './summary.js';

/** A session's usage as `list --json` and `show` give it: tokens by kind, cost, and per model. */
export interface SessionUsage extends UsageFigures {
  /** Transcript lines that could not be read (corrupt JSON, impossible figures): skipped. */
  corruptLines: number;
}

/**
 * The usage of one session: every API response its transcripts hold (main conversations and subagents,
 * each counted once), priced. Cheap when nothing changed: the transcripts are only stat'ed, and the price
 * table is not loaded. Remembers what it read in `<session dir>/usage-cache.json` unless
 * `persist: false`.
 */
export function sessionUsage(sessionDir: string, configDir: string, options: ReadOptions = {}): SessionUsage {
  return usageOfFiles(readConfigDir(configDir, usageCacheFile(sessionDir), options).files.values());
}

export function usageOfFiles(files: Iterable<FileState>): SessionUsage {
  const list = [...files];
  const figures = summarize([{ files: list }], () => 'all').get('all');
  return {
    ...(figures ?? emptyFigures()),
    corruptLines: list.reduce((sum, file) => sum + file.corrupt, 0),
  };
}
