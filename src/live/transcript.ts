import { closeSync, readSync } from 'node:fs';
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
