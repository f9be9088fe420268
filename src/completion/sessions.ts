import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isSessionId, sessionsDir } from '../store/layout.js';
import { namesDir } from '../store/names.js';
import { nameProblem } from '../store/record.js';
import type { SessionList } from './complete.js';

/**
 * The sessions under `root` for a Tab: the ids from one readdir of sessions/, and the names from one
 * readdir of names/ and a readlink each (a name whose session is gone is left out). No record is read,
 * so a Tab costs the same with a hundred sessions as with one.
 */
export function readSessionList(root: string): SessionList {
  const ids = entries(sessionsDir(root)).filter(isSessionId);
  const known = new Set(ids);
  const names = new Map<string, string>();
  for (const name of entries(namesDir(root))) {
    if (nameProblem(name)) continue;
    try {
      const id = readlinkSync(join(namesDir(root), name));
      if (known.has(id)) names.set(name, id);
    } catch {}
  }
  return { ids, names };
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
