import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { errorCode } from '../core/errors.js';

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

export interface ReadOptions {
  /** Larger files are refused (EFBIG). */
  maxBytes?: number;
  /** Follow a link at the path's last component; only for paths outside the root (a config file from a dotfiles checkout, say). */
  follow?: boolean;
}

/** What a file we read may be at most, unless a caller says otherwise: ours are a few kB. */
const DEFAULT_MAX_BYTES = 1024 * 1024;

/** Conditions of a path that make it unreadable for us, as errno-like codes with a phrase each. */
const FILE_PROBLEMS: Record<string, string> = {
  ELOOP: 'is a symbolic link',
  ENOTREG: 'is not a regular file',
  EFBIG: 'is too large',
};

function problem(code: string, path: string, detail = FILE_PROBLEMS[code]): NodeJS.ErrnoException {
  return Object.assign(new Error(`${path} ${detail}`), { code, path });
}

/**
 * Reads a regular file, bounded: opened without blocking (a FIFO never hangs us) and, unless `follow`,
 * without following a link at its last component (O_NOFOLLOW: ELOOP); anything but a regular file is
 * ENOTREG, and one larger than `maxBytes` EFBIG, before any of it is read (a link to /dev/zero, a
 * multi-GB file, issue 10 item 8). The stat is of the file actually read.
 */
export function readRegularFile(path: string, options: ReadOptions = {}): { text: string; stat: Stats } {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.follow ? 0 : constants.O_NOFOLLOW);
  const fd = openSync(path, flags);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw problem('ENOTREG', path);
    if (stat.size > maxBytes) throw problem('EFBIG', path, `is larger than ${maxBytes} bytes`);
    // It may grow while we read: never more than the cap.
    const buffer = Buffer.allocUnsafe(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, length);
      if (read === 0) break;
      length += read;
      if (length > maxBytes) throw problem('EFBIG', path, `is larger than ${maxBytes} bytes`);
      if (length === buffer.length) break;
    }
    return { text: buffer.toString('utf8', 0, length), stat };
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens a regular file for reading parts of it (a head, a tail), as readRegularFile checks it: never
 * blocking, not through a link unless `follow`, ENOTREG for anything but a regular file. Close the fd.
 */
export function openRegularFile(path: string, follow = false): { fd: number; stat: Stats } {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (follow ? 0 : constants.O_NOFOLLOW);
  const fd = openSync(path, flags);
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw problem('ENOTREG', path);
  }
  return { fd, stat };
}

/** Reads a file (see readRegularFile), or undefined when it does not exist; other problems are thrown. */
export function readFileIfExists(path: string, options: ReadOptions = {}): string | undefined {
  try {
    return readRegularFile(path, options).text;
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** The phrase for a file problem's code ("is a symbolic link"), or the code itself. */
export function fileProblem(error: unknown): string {
  const { path, message } = error as NodeJS.ErrnoException;
  if (path && typeof message === 'string' && message.startsWith(`${path} `))
    return message.slice(path.length + 1);
  const code = errorCode(error) ?? String(error);
  return FILE_PROBLEMS[code] ?? `cannot be read (${code})`;
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

/** Points `path` at `target` with one rename, so a reader never sees the path missing. */
export function replaceWithLink(path: string, target: string): void {
  const temp = `${path}.link-${process.pid}-${Math.random().toString(36).slice(2)}`;
  symlinkSync(target, temp);
  try {
    renameSync(temp, path);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
}
