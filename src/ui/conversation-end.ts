import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** How much of a transcript's end is read for the preview: enough for the last few messages. */
const TAIL_BYTES = 256 * 1024;

export interface Said {
  who: 'you' | 'claude';
  text: string;
}

/** Pure: the messages of transcript lines (JSONL), in order; lines that are not messages are skipped. */
export function messagesOf(lines: readonly string[]): Said[] {
  const said: Said[] = [];
  for (const line of lines) {
    let entry: { type?: unknown; message?: { content?: unknown }; isMeta?: unknown };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if ((entry.type !== 'user' && entry.type !== 'assistant') || entry.isMeta === true) continue;
    const content = entry.message?.content;
    const texts =
      typeof content === 'string'
        ? [content]
        : Array.isArray(content)
          ? content
              .filter((block) => block && block.type === 'text' && typeof block.text === 'string')
              .map((block) => block.text as string)
          : [];
    const text = texts.join('\n').trim();
    if (text) said.push({ who: entry.type === 'user' ? 'you' : 'claude', text });
  }
  return said;
}

/** Pure: the messages as lines of at most `width` characters, the newest last. */
export function conversationLines(said: readonly Said[], width: number): string[] {
  const lines: string[] = [];
  for (const { who, text } of said) {
    const prefix = who === 'you' ? '> ' : '  ';
    for (const paragraph of text.split('\n')) {
      const words = paragraph.split(' ');
      let line = prefix;
      for (const word of words) {
        if (line.length + word.length + 1 > width && line.trim()) {
          lines.push(line);
          line = '  ';
        }
        line += line.length > 2 || line === prefix ? (line.endsWith(' ') ? word : ` ${word}`) : word;
      }
      lines.push(line);
    }
    lines.push('');
  }
  return lines;
}

/** The last messages of a transcript file, read from its end only. */
export function conversationEnd(transcript: string): Said[] {
  let fd: number | undefined;
  try {
    fd = openSync(transcript, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    // The first line may be cut in the middle when the file is longer than what was read.
    return messagesOf(size > length ? lines.slice(1) : lines);
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
