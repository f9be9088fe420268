import { closeSync, existsSync, lstatSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openRegularFile } from '../system/files.js';
import { isSessionId, sessionDir } from './layout.js';

/**
 * Session dirs left by the earlier shell-script version of this tool: `~/.claude/sessions/<uuid>/`.
 * Claude Code's own files there are `<pid>.json` and `<pid>.<hash>.key`, never uuid-named directories.
 */
export interface LegacySession {
  id: string;
  dir: string;
}

export function legacySessionsDir(home: string): string {
  return join(home, '.claude', 'sessions');
}

export function findLegacySessions(home: string, root?: string): LegacySession[] {
  let names: string[];
  try {
    names = readdirSync(legacySessionsDir(home));
  } catch {
    return [];
  }
  return names
    .filter((name) => isSessionId(name))
    .map((name) => ({ id: name, dir: join(legacySessionsDir(home), name) }))
    .filter(({ dir, id }) => {
      try {
        if (!lstatSync(dir).isDirectory()) return false;
      } catch {
        return false;
      }
      return root === undefined || !existsSync(sessionDir(root, id));
    });
}

/** The working directory a legacy session ran in, from its newest transcript (each line names its cwd). */
export function legacyCwd(configDir: string): string | undefined {
  const projects = join(configDir, 'projects');
  let newest: { path: string; mtime: number } | undefined;
  let folders: string[] = [];
  try {
    folders = readdirSync(projects);
  } catch {
    return undefined;
  }
  for (const folder of folders) {
    let files: string[] = [];
    try {
      files = readdirSync(join(projects, folder)).filter((name) => name.endsWith('.jsonl'));
    } catch {}
    for (const file of files) {
      const path = join(projects, folder, file);
      const mtime = statSync(path).mtimeMs;
      if (!newest || mtime > newest.mtime) newest = { path, mtime };
    }
  }
  return newest ? cwdInTranscript(newest.path) : undefined;
}

function cwdInTranscript(path: string): string | undefined {
  const buffer = Buffer.alloc(256 * 1024);
  let length = 0;
  try {
    const { fd } = openRegularFile(path);
    try {
      length = readSync(fd, buffer, 0, buffer.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  for (const line of buffer.subarray(0, length).toString('utf8').split('\n')) {
    try {
      const cwd = (JSON.parse(line) as { cwd?: unknown }).cwd;
      if (typeof cwd === 'string' && cwd.startsWith('/')) return cwd;
    } catch {}
  }
  return undefined;
}
