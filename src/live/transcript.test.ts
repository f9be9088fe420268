import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestConversation } from './conversation.js';
import { copyTranscript, holdsConversation, lastCwd } from './transcript.js';
import { measureUsage } from './usage.js';

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
    expect(latestConversation(config, '-work-project')).toBeUndefined();

    transcript(fixture('transcript-clear'), '-work-other');
    expect(measureUsage(config).hasConversation).toBe(true);
    expect(latestConversation(config, '-work-project')).toBeUndefined();
    expect(latestConversation(config, '-work-other')?.uuid).toBe('0c1d2e3f-0000-4000-8000-000000000000');
    expect(latestConversation(config)?.uuid).toBe('0c1d2e3f-0000-4000-8000-000000000000');
  });
});

describe('latestConversation', () => {
  const uuid = (n: number) => `0c1d2e3f-0000-4000-8000-00000000000${n}`;
  const write = (folder: string, n: number, text: string, mtime: number) => {
    const path = join(dir, 'config', 'projects', folder, `${uuid(n)}.jsonl`);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    utimesSync(path, mtime, mtime);
    return path;
  };
  const message = `${JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' } })}\n`;

  it('is the transcript with a conversation written last, in one folder or in any', () => {
    const config = join(dir, 'config');
    write('-a', 1, message, 1000);
    write('-a', 2, message, 3000);
    write('-b', 3, message, 2000);
    // Newer, but no conversation in it; and newer still, but not a transcript's name.
    write('-b', 4, '{"type":"mode"}\n', 4000);
    writeFileSync(join(config, 'projects', '-b', 'notes.jsonl'), message);
    expect(latestConversation(config)?.uuid).toBe(uuid(2));
    expect(latestConversation(config, '-b')).toMatchObject({
      uuid: uuid(3),
      transcript: join(config, 'projects', '-b', `${uuid(3)}.jsonl`),
    });
    expect(latestConversation(config, '-missing')).toBeUndefined();
    expect(latestConversation(join(dir, 'nowhere'))).toBeUndefined();
  });

  it('follows no link: a linked folder or transcript does not count', () => {
    const config = join(dir, 'config');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, `${uuid(5)}.jsonl`), message);
    mkdirSync(join(config, 'projects', '-a'), { recursive: true });
    symlinkSync(elsewhere, join(config, 'projects', '-linked'));
    symlinkSync(join(elsewhere, `${uuid(5)}.jsonl`), join(config, 'projects', '-a', `${uuid(6)}.jsonl`));
    expect(latestConversation(config)).toBeUndefined();
    expect(latestConversation(config, '-linked')).toBeUndefined();
  });
});

describe('copyTranscript', () => {
  it('copies whole lines only, into a new private file, never over one', () => {
    const from = join(dir, 'from.jsonl');
    const long = JSON.stringify({ type: 'user', pad: 'é'.repeat(100_000) });
    writeFileSync(from, `{"a":1}\n${long}\n{"being":"writ`);
    const to = join(dir, 'to.jsonl');
    expect(copyTranscript(from, to)).toBe(Buffer.byteLength(`{"a":1}\n${long}\n`));
    expect(readFileSync(to, 'utf8')).toBe(`{"a":1}\n${long}\n`);
    expect(statSync(to).mode & 0o777).toBe(0o600);
    expect(() => copyTranscript(from, to)).toThrow(/EEXIST/);
    // A line that never ended: nothing of it.
    writeFileSync(from, '{"half":');
    expect(copyTranscript(from, join(dir, 'empty.jsonl'))).toBe(0);
    expect(readFileSync(join(dir, 'empty.jsonl'), 'utf8')).toBe('');
  });

  it('refuses a link', () => {
    writeFileSync(join(dir, 'real.jsonl'), '{}\n');
    symlinkSync(join(dir, 'real.jsonl'), join(dir, 'link.jsonl'));
    expect(() => copyTranscript(join(dir, 'link.jsonl'), join(dir, 'to.jsonl'))).toThrow(/ELOOP/);
  });
});

describe('lastCwd', () => {
  it("is the last line's own cwd, past lines without one, a cwd only nested, and a line half-written", () => {
    const path = join(dir, 't.jsonl');
    const lines = [
      { type: 'user', cwd: '/first' },
      { type: 'assistant', cwd: '/work/repo/.claude/worktrees/foo', pad: 'x'.repeat(150_000) },
      { type: 'tool', input: { cwd: '/nested/only' } },
      { type: 'last-prompt' },
    ];
    writeFileSync(path, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n{"cwd":"/half`);
    expect(lastCwd(path)).toBe('/work/repo/.claude/worktrees/foo');
    writeFileSync(path, `${JSON.stringify({ cwd: 'relative' })}\n{"type":"mode"}\n`);
    expect(lastCwd(path)).toBeUndefined();
    writeFileSync(path, JSON.stringify({ cwd: '/only/line' }));
    expect(lastCwd(path)).toBe('/only/line');
    expect(lastCwd(join(dir, 'missing.jsonl'))).toBeUndefined();
  });
});
