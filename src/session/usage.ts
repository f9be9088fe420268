import { lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** What a session's config dir holds, from one walk that never follows a link (shared entries are links). */
export interface Usage {
  diskBytes: number;
  /** Newest modification of anything Claude wrote; undefined for an empty dir. */
  lastActivityMs: number | undefined;
  /** A prompt in history.jsonl or a transcript under projects/. */
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
    if (stat.size > 0 && isConversation(entry.name, depth, dir)) usage.hasConversation = true;
  }
}

function isConversation(name: string, depth: number, dir: string): boolean {
  if (depth === 0) return name === 'history.jsonl';
  // projects/<folder>/<conversation>.jsonl
  return depth === 2 && name.endsWith('.jsonl') && basename(dirname(dir)) === 'projects';
}

/** Whether the session has a conversation in `cwd` that `claude --continue` would pick up. */
export function hasTranscriptIn(configDir: string, slug: string): boolean {
  if (!isRealDirectory(configDir)) return false;
  try {
    return readdirSync(join(configDir, 'projects', slug)).some((name) => name.endsWith('.jsonl'));
  } catch {
    return false;
  }
}
