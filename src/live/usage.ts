import { lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { holdsConversation } from './transcript.js';

/** What a session's config dir holds, from one walk that never follows a link (shared entries are links). */
export interface Usage {
  diskBytes: number;
  /** Newest modification of anything Claude wrote; undefined for an empty dir. */
  lastActivityMs: number | undefined;
  /**
   * A transcript under projects/ holds a message (see transcript.ts). history.jsonl does not count: it
   * records every line typed, `/exit` included, and `--continue` never reads it.
   */
  hasConversation: boolean;
}

/** A transcript as the walk found it: enough to tell what usage/read.ts read of it before. */
export interface TranscriptStat {
  dev: number;
  ino: number;
  size: number;
}

/** The walk, with what `list` also needs for the usage: no second walk of projects/. */
export interface ConfigDirWalk {
  diskBytes: number;
  lastActivityMs: number | undefined;
  /** Every `.jsonl` under projects/ up to usage/read.ts's depth, by path relative to projects/. */
  transcripts: Map<string, TranscriptStat>;
  /** The conversations' transcripts (projects/<folder>/<id>.jsonl, not empty): not looked into yet. */
  conversations: string[];
}

/** Transcripts deeper below projects/ than this are not read (see usage/read.ts: subagents are at 4). */
const TRANSCRIPT_DEPTH = 6;

export function measureUsage(configDir: string): Usage {
  const walked = walkConfigDir(configDir);
  return {
    diskBytes: walked.diskBytes,
    lastActivityMs: walked.lastActivityMs,
    hasConversation: walked.conversations.some(holdsConversation),
  };
}

/**
 * measureUsage's walk, leaving the look into the conversations to the caller: `list` knows a session
 * that made an API response has a conversation without reading its transcripts' first lines.
 */
export function walkConfigDir(configDir: string): ConfigDirWalk {
  const walked: ConfigDirWalk = {
    diskBytes: 0,
    lastActivityMs: undefined,
    transcripts: new Map(),
    conversations: [],
  };
  // A config dir (or temp dir) that is itself a link is not walked: it could lead anywhere, / included.
  if (!isRealDirectory(configDir)) return walked;
  walk(configDir, 0, undefined, walked);
  return walked;
}

export function isRealDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `relative`: the dir's path below projects/ ('' for projects/ itself), or undefined outside it. */
function walk(dir: string, depth: number, relative: string | undefined, walked: ConfigDirWalk): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.isSymbolicLink()) continue;
    const path = join(dir, entry.name);
    let stat: ReturnType<typeof lstatSync>;
    try {
      stat = lstatSync(path);
    } catch {
      continue;
    }
    walked.diskBytes += stat.blocks * 512;
    const below =
      relative === undefined
        ? depth === 0 && entry.name === 'projects'
          ? ''
          : undefined
        : relative === ''
          ? entry.name
          : `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      walk(path, depth + 1, below, walked);
      continue;
    }
    if (walked.lastActivityMs === undefined || stat.mtimeMs > walked.lastActivityMs)
      walked.lastActivityMs = stat.mtimeMs;
    if (!stat.isFile() || below === undefined || !entry.name.endsWith('.jsonl')) continue;
    if (depth <= TRANSCRIPT_DEPTH)
      walked.transcripts.set(below, { dev: stat.dev, ino: stat.ino, size: stat.size });
    if (stat.size > 0 && isTranscript(entry.name, depth, dir)) walked.conversations.push(path);
  }
}

/** projects/<folder>/<conversation>.jsonl */
function isTranscript(name: string, depth: number, dir: string): boolean {
  return depth === 2 && name.endsWith('.jsonl') && basename(dirname(dir)) === 'projects';
}
