import { lstatSync, realpathSync, statSync } from 'node:fs';
import type { PathFacts } from './model.js';

/** What a path is, without following a link (`follow` for the root, which may be reached through one). */
export function pathFacts(path: string, follow = false): PathFacts | undefined {
  try {
    const stat = follow ? statSync(path) : lstatSync(path);
    const kind = stat.isSymbolicLink()
      ? 'link'
      : stat.isDirectory()
        ? 'dir'
        : stat.isFile()
          ? 'file'
          : 'other';
    return { path, kind, mode: stat.mode & 0o7777, uid: stat.uid };
  } catch {
    return undefined;
  }
}

export function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
