import { closeSync, readSync } from 'node:fs';
import { openRegularFile } from '../system/files.js';
import { MARKERS } from './line.js';

/**
 * Reads the whole lines a transcript gained since `offset`, in chunks (a transcript can be hundreds of
 * MB): never all of it in memory, never through a link (O_NOFOLLOW), never past the last newline (a
 * line Claude is writing now is read once it is whole). Only lines holding one of the markers are
 * decoded and handed to `onLine`; the others are skipped as bytes.
 */
const CHUNK_BYTES = 1024 * 1024;
/**
 * Longer lines are skipped unread: those worth reading are far shorter (an assistant line holds at
 * most one response's output, a few hundred kB), the longest are tool results and attachments.
 */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** How many bytes before the offset are remembered, to notice a file rewritten rather than grown. */
const TAIL_BYTES = 32;

const markers = MARKERS.map((marker) => Buffer.from(marker));

export interface Position {
  dev: number;
  ino: number;
  offset: number;
  tail: string;
}

export type ReadResult =
  | { kind: 'read'; position: Position }
  /** Not the file that was read up to `offset` (replaced, shrunk, rewritten): read it from the start. */
  | { kind: 'changed' };

export function readNewLines(path: string, from: Position, onLine: (text: string) => void): ReadResult {
  const { fd, stat } = openRegularFile(path);
  try {
    const fresh = from.offset === 0;
    if (!fresh && (stat.dev !== from.dev || stat.ino !== from.ino || stat.size < from.offset)) {
      return { kind: 'changed' };
    }
    if (!fresh && tailAt(fd, from.offset) !== from.tail) return { kind: 'changed' };
    const offset = scan(fd, from.offset, onLine);
    return {
      kind: 'read',
      position: { dev: stat.dev, ino: stat.ino, offset, tail: tailAt(fd, offset) },
    };
  } finally {
    closeSync(fd);
  }
}

/** The position after the last whole line, handing each wanted line to onLine. */
function scan(fd: number, start: number, onLine: (text: string) => void): number {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let position = start;
  // The start of the line being read, and its bytes so far when it began in an earlier chunk.
  let lineStart = start;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let oversized = false;
  for (;;) {
    const read = readSync(fd, chunk, 0, CHUNK_BYTES, position);
    if (read === 0) break;
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf(10, from);
      if (newline === -1 || newline >= read) break;
      const piece = chunk.subarray(from, newline);
      if (!oversized) {
        const line = parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
        if (line.length <= MAX_LINE_BYTES && markers.some((marker) => line.includes(marker)))
          onLine(line.toString('utf8'));
      }
      parts = [];
      partBytes = 0;
      oversized = false;
      from = newline + 1;
      lineStart = position + from;
    }
    if (from < read && !oversized) {
      partBytes += read - from;
      if (partBytes > MAX_LINE_BYTES) {
        oversized = true;
        parts = [];
      } else {
        parts.push(Buffer.from(chunk.subarray(from, read)));
      }
    }
    position += read;
  }
  return lineStart;
}

function tailAt(fd: number, offset: number): string {
  const length = Math.min(TAIL_BYTES, offset);
  if (length === 0) return '';
  const bytes = Buffer.alloc(length);
  const read = readSync(fd, bytes, 0, length, offset - length);
  return bytes.subarray(0, read).toString('base64');
}
