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

export function measureUsage(configDir: string): Usage {
  const usage: Usage = { diskBytes: 0, lastActivityMs: undefined, hasConversation: false };
  // A config dir (or temp dir) that is itself a link is not walked: it could lead anywhere, / included.
  if (!isRealDirectory(configDir)) return usage;
  walk(configDir, 0, usage);
  return usage;
}

export function isRealDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function walk(dir: string, depth: number, usage: Usage): void {
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
    usage.diskBytes += stat.blocks * 512;
    if (entry.isDirectory()) {
      walk(path, depth + 1, usage);
      continue;
    }
    if (usage.lastActivityMs === undefined || stat.mtimeMs > usage.lastActivityMs)
      usage.lastActivityMs = stat.mtimeMs;
    if (
      !usage.hasConversation &&
      stat.isFile() &&
      stat.size > 0 &&
      isTranscript(entry.name, depth, dir) &&
      holdsConversation(path)
    )
      usage.hasConversation = true;
  }
}

/** projects/<folder>/<conversation>.jsonl */
function isTranscript(name: string, depth: number, dir: string): boolean {
  return depth === 2 && name.endsWith('.jsonl') && basename(dirname(dir)) === 'projects';
}
