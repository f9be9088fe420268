import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode } from '../core/errors.js';
import { replaceWithLink } from '../system/files.js';

/**
 * What every session shares with the base, by symlink, never by copy: an entry the user adds to the base
 * later appears in every session. `protect` marks what a session must not change (see protect.ts);
 * plugins and settings.json stay writable because Claude itself writes to them (installs, /config).
 */
export interface SharedEntry {
  name: string;
  protect: boolean;
}

export const SHARED_ENTRIES: readonly SharedEntry[] = [
  { name: 'skills', protect: true },
  { name: 'agents', protect: true },
  { name: 'commands', protect: true },
  { name: 'rules', protect: true },
  { name: 'output-styles', protect: true },
  { name: 'CLAUDE.md', protect: true },
  { name: 'plugins', protect: false },
  { name: 'settings.json', protect: false },
];

export type LinkState = 'linked' | 'missing' | 'other-link' | 'not-a-link';

export function linkState(configDir: string, entry: string, target: string): LinkState {
  const path = join(configDir, entry);
  try {
    const stat = lstatSync(path);
    if (!stat.isSymbolicLink()) return 'not-a-link';
    return readlinkSync(path) === target ? 'linked' : 'other-link';
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    throw error;
  }
}

/**
 * Makes each shared entry of a session a link into the base. A link to somewhere else is replaced
 * atomically; a real file or directory there (Claude's own, or an imported copy) is left alone and reported.
 */
export function linkSharedEntries(configDir: string, baseDir: string): string[] {
  const notLinked: string[] = [];
  for (const { name } of SHARED_ENTRIES) {
    const target = join(baseDir, name);
    const state = linkState(configDir, name, target);
    if (state === 'linked') continue;
    if (state === 'not-a-link') {
      notLinked.push(name);
      continue;
    }
    replaceWithLink(join(configDir, name), target);
  }
  return notLinked;
}
