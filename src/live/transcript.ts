import { closeSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { errorCode } from '../core/errors.js';
import { openRegularFile } from '../system/files.js';

/**
 * Whether a transcript (`projects/<folder>/<conversation>.jsonl`) holds a conversation: a line whose
 * `type` is `user` or `assistant`. Claude Code 2.1.332 also writes transcripts without one, and
 * `claude --continue` then fails ("No conversation found to continue"): `-p /exit` leaves only
 * `queue-operation` and `system` lines; a session ended before any prompt has been seen to leave only
 * metadata (`mode`, `permission-mode` lines). Such a session is empty (issue 10, item 11). A local
 * command run interactively (`/clear`) is recorded as `user` lines, and --continue takes those.
 *
 * Read from the start in chunks, up to a cap (a conversation's first message comes within its first
 * lines). A file that cannot be told apart (unreadable, no message within the cap) counts as a
 * conversation: cleanup then keeps it, which is the safe side.
 */
export function holdsConversation(path: string): boolean {
  let fd: number;
  try {
    ({ fd } = openRegularFile(path));
  } catch (error) {
    // Gone since the directory was read, a link or not a file: not a transcript.
    const code = errorCode(error);
    return !(code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTREG' || code === 'ENOTDIR');
  }
  try {
    return scan(fd);
  } catch {
    return true;
  } finally {
    closeSync(fd);
  }
}

const CHUNK_BYTES = 64 * 1024;
const MAX_BYTES = 8 * 1024 * 1024;

function scan(fd: number): boolean {
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let pending = '';
  for (let offset = 0; offset < MAX_BYTES; ) {
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    if (read === 0) return isMessage(pending + decoder.end());
    offset += read;
    const lines = (pending + decoder.write(buffer.subarray(0, read))).split('\n');
    pending = lines.pop() ?? '';
    if (lines.some(isMessage)) return true;
  }
  // A transcript this long without a message in its head: it cannot be told, so it counts.
  return true;
}

function isMessage(line: string): boolean {
  if (!line.includes('"type"')) return false;
  try {
    const type = (JSON.parse(line) as { type?: unknown }).type;
    return type === 'user' || type === 'assistant';
  } catch {
    return false;
  }
}

/**
 * Copies a transcript that its Claude may still be writing: the lines complete when it was opened,
 * whole lines only (a line being written is left out), to a new private file `to` (created exclusively:
 * never over anything). Read in chunks, so a long transcript is never held whole. Returns the bytes copied.
 */
export function copyTranscript(from: string, to: string): number {
  const source = openRegularFile(from);
  try {
    const out = openSync(to, 'wx', 0o600);
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      let offset = 0;
      let complete = 0;
      while (offset < source.stat.size) {
        const read = readSync(
          source.fd,
          buffer,
          0,
          Math.min(buffer.length, source.stat.size - offset),
          offset,
        );
        if (read === 0) break;
        writeSync(out, buffer, 0, read, offset);
        const last = buffer.subarray(0, read).lastIndexOf(0x0a);
        if (last >= 0) complete = offset + last + 1;
        offset += read;
      }
      ftruncateSync(out, complete);
      return complete;
    } finally {
      closeSync(out);
    }
  } finally {
    closeSync(source.fd);
  }
}

/**
 * Where a transcript's Claude last worked: the top-level `cwd` of its last line that has one, read
 * from the end in chunks, up to a cap. Claude's own `-w` worktree shows here (its transcript's lines
 * name the worktree), as does a conversation resumed elsewhere.
 */
export function lastCwd(path: string): string | undefined {
  let fd: number;
  let size: number;
  try {
    const opened = openRegularFile(path);
    fd = opened.fd;
    size = opened.stat.size;
  } catch {
    return undefined;
  }
  try {
    let end = size;
    let tail = Buffer.alloc(0);
    while (end > 0 && size - end < MAX_BYTES) {
      const length = Math.min(CHUNK_BYTES, end);
      const chunk = Buffer.allocUnsafe(length);
      const read = readSync(fd, chunk, 0, length, end - length);
      end -= length;
      tail = Buffer.concat([chunk.subarray(0, read), tail]);
      // Only whole lines: the text after the first newline (unless at the start of the file).
      const first = end === 0 ? 0 : tail.indexOf(0x0a) + 1;
      if (end > 0 && first === 0) continue;
      const found = lastCwdIn(tail.toString('utf8', first));
      if (found !== undefined) return found;
      tail = tail.subarray(0, first);
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The top-level `cwd` of the last line in `text` that has one (lines are JSON objects). */
function lastCwdIn(text: string): string | undefined {
  for (let at = text.lastIndexOf('"cwd":'); at >= 0; ) {
    const start = text.lastIndexOf('\n', at) + 1;
    const end = text.indexOf('\n', at);
    const cwd = cwdOf(text.slice(start, end < 0 ? undefined : end));
    if (cwd !== undefined) return cwd;
    at = start === 0 ? -1 : text.lastIndexOf('"cwd":', start - 1);
  }
  return undefined;
}

function cwdOf(line: string): string | undefined {
  try {
    const cwd = (JSON.parse(line) as { cwd?: unknown }).cwd;
    return typeof cwd === 'string' && cwd.startsWith('/') ? cwd : undefined;
  } catch {
    return undefined;
  }
}
