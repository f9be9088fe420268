import { mkdirSync, readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { errorCode } from '../cli/errors.js';

/**
 * Writes a whole file by temp file + rename, so a concurrent reader sees the old or the new content,
 * never a part. No fsync: these are small records on the launch path, and a torn record after a power
 * loss shows up as a `broken` session with a hint instead of going unnoticed.
 */
export function writeFileAtomicSync(path: string, data: string, mode = 0o600): void {
  writeFileAtomic.sync(path, data, { mode, fsync: false });
}

export function writeJsonAtomicSync(path: string, value: unknown, mode = 0o600): void {
  writeFileAtomicSync(path, `${JSON.stringify(value, null, 2)}\n`, mode);
}

/** Reads a file, or undefined when it does not exist; other errors are thrown. */
export function readFileIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}

export function mkdirPrivate(path: string): void {
  mkdirSync(path, { mode: 0o700, recursive: true });
}
