import { lstatSync, mkdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { replaceWithLink } from '../system/files.js';
import { isSessionId, shortId } from './layout.js';
import { readSession } from './records.js';

/**
 * An index of names: `<root>/names/<name>` is a link to the session's id, so finding a session by name,
 * and checking that a new name is free, costs one readlink instead of reading every record. The record
 * stays the truth: an entry whose session is gone or has another name is stale and may be replaced.
 */
export function namesDir(root: string): string {
  return join(root, 'names');
}

export function lookupName(root: string, name: string): string | undefined {
  let id: string;
  try {
    id = readlinkSync(join(namesDir(root), name));
  } catch {
    return undefined;
  }
  if (!isSessionId(id)) return undefined;
  return readSession(root, id).record?.name === name ? id : undefined;
}

export function assertNameFree(root: string, name: string): void {
  assertNameEntryOurs(root, name);
  const holder = lookupName(root, name);
  if (holder) {
    throw new UserError(
      `a session named "${name}" exists (${shortId(holder)}): resume it with \`claude-session resume ${name}\` or choose another name`,
    );
  }
}

/** `names/<name>` is absent or a link (ours): anything else there is not ours to replace. */
export function assertNameEntryOurs(root: string, name: string): void {
  const entry = join(namesDir(root), name);
  let isLink = true;
  try {
    isLink = lstatSync(entry).isSymbolicLink();
  } catch {}
  if (!isLink) {
    throw new UserError(
      `${entry} is not a name link of ours (something else is there): remove it by hand or choose another name`,
    );
  }
}

/** Records the name for `id`; call under the names lock, after assertNameFree. */
export function indexName(root: string, name: string, id: string): void {
  mkdirSync(namesDir(root), { recursive: true, mode: 0o700 });
  replaceWithLink(join(namesDir(root), name), id);
}
