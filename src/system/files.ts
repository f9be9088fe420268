import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { errorCode } from '../cli/errors.js';

let counter = 0;

/**
 * Writes a whole file by temp file + rename, so a concurrent reader sees the old or the new content,
 * never a part, and a crash leaves at most a temp file beside it. The temp file is created exclusively
 * with its final mode, so a secret is never readable by others for an instant. No fsync: these are small
 * records on the launch path, and a torn record after a power loss shows up as a `broken` session with a
 * hint instead of going unnoticed. (write-file-atomic does this with more options, but loading it and
 * its signal handlers cost about 5 ms per launch, 8 % of Node's own start-up, measured with --cpu-prof.)
 */
export function writeFileAtomicSync(path: string, data: string, mode = 0o600): void {
  const temp = `${path}.tmp-${process.pid}-${counter++}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    writeFileSync(temp, data, { mode, flag: 'wx' });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
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

/**
 * A random (version 4) UUID from the kernel's random source, as crypto.randomUUID makes it; without
 * loading node:crypto, which costs about 3.5 ms on the launch path.
 */
export function randomId(): string {
  const bytes = Buffer.alloc(16);
  const fd = openSync('/dev/urandom', 'r');
  try {
    readSync(fd, bytes, 0, 16, null);
  } finally {
    closeSync(fd);
  }
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
