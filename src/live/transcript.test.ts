import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holdsConversation } from './transcript.js';
import { hasConversationIn, measureUsage } from './usage.js';

// Transcripts the real Claude Code 2.1.332 wrote (see test/fixtures/claude-2.1.332/README.md).
const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/claude-2.1.332/${name}.jsonl`, import.meta.url), 'utf8');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cs-transcript-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function transcript(text: string, folder = '-work-project'): string {
  const path = join(dir, 'config', 'projects', folder, '0c1d2e3f-0000-4000-8000-000000000000.jsonl');
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('holdsConversation', () => {
  it.each([
    ['`-p /exit`: queue operations and system lines only', 'transcript-print-exit', false],
    ['metadata only (mode, permission-mode)', 'transcript-modes-only', false],
    [
      'a local command run interactively (/clear): user lines, which --continue takes',
      'transcript-clear',
      true,
    ],
  ])('%s', (_what, name, expected) => {
    expect(holdsConversation(transcript(fixture(name)))).toBe(expected);
  });

  it('finds a message after a long head, a last line without its newline, and none in junk', () => {
    const snapshot = `${JSON.stringify({ type: 'file-history-snapshot', snapshot: { pad: 'x'.repeat(200_000) } })}\n`;
    const assistant = JSON.stringify({ type: 'assistant', message: { role: 'assistant', content: 'é' } });
    expect(holdsConversation(transcript(`${snapshot}${snapshot}${assistant}`))).toBe(true);
    expect(holdsConversation(transcript('not json\n{"type":"user"\n{"message":{"type":"user"}}\n'))).toBe(
      false,
    );
    expect(holdsConversation(transcript(''))).toBe(false);
  });

  it('is false for what is no transcript: gone, a link, a directory', () => {
    const path = transcript(fixture('transcript-clear'));
    symlinkSync(path, join(dir, 'link.jsonl'));
    expect(holdsConversation(join(dir, 'link.jsonl'))).toBe(false);
    expect(holdsConversation(join(dir, 'missing.jsonl'))).toBe(false);
    expect(holdsConversation(dir)).toBe(false);
  });
});

describe('the conversation rule of list, resume and cleanup', () => {
  it('counts a transcript with a message, not one without, nor history.jsonl (which records /exit)', () => {
    const config = join(dir, 'config');
    mkdirSync(config);
    writeFileSync(join(config, 'history.jsonl'), '{"display":"/exit","sessionId":"x"}\n');
    transcript(fixture('transcript-modes-only'));
    expect(measureUsage(config).hasConversation).toBe(false);
    expect(hasConversationIn(config, '-work-project')).toBe(false);

    transcript(fixture('transcript-clear'), '-work-other');
    expect(measureUsage(config).hasConversation).toBe(true);
    expect(hasConversationIn(config, '-work-project')).toBe(false);
    expect(hasConversationIn(config, '-work-other')).toBe(true);
  });
});
