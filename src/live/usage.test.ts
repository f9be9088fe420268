import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listTranscripts } from '../usage/read.js';
import { measureUsage, walkConfigDir } from './usage.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cs-walk-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const message = `${JSON.stringify({ type: 'user', message: { role: 'user', content: 'hi' } })}\n`;

describe('walkConfigDir', () => {
  it("lists the transcripts exactly as the usage reader does, with the conversations' own", () => {
    write('config/projects/-a/conv.jsonl', message);
    write('config/projects/-a/conv/subagents/agent-1.jsonl', message);
    write('config/projects/-a/empty.jsonl', '');
    write('config/projects/-a/notes.txt', 'not a transcript');
    write('config/projects/top.jsonl', message);
    write('config/projects/1/2/3/4/5/deep.jsonl', message);
    write('config/projects/1/2/3/4/5/6/too-deep.jsonl', message);
    write('config/other/x.jsonl', message);
    write('config/top.jsonl', message);
    write('elsewhere/-x/t.jsonl', message);
    symlinkSync(join(dir, 'elsewhere', '-x'), join(dir, 'config', 'projects', '-linked'));
    symlinkSync(join(dir, 'elsewhere', '-x', 't.jsonl'), join(dir, 'config', 'projects', '-a', 'link.jsonl'));

    const walked = walkConfigDir(join(dir, 'config'));
    const listed = listTranscripts(join(dir, 'config', 'projects'));
    expect([...walked.transcripts.keys()].sort()).toEqual([
      '-a/conv.jsonl',
      '-a/conv/subagents/agent-1.jsonl',
      '-a/empty.jsonl',
      '1/2/3/4/5/deep.jsonl',
      'top.jsonl',
    ]);
    expect(new Map([...walked.transcripts].sort())).toEqual(new Map([...listed].sort()));
    expect(walked.conversations).toEqual([join(dir, 'config', 'projects', '-a', 'conv.jsonl')]);

    const measured = measureUsage(join(dir, 'config'));
    expect(measured).toEqual({
      diskBytes: walked.diskBytes,
      lastActivityMs: walked.lastActivityMs,
      hasConversation: true,
    });
  });

  it('walks nothing through a config dir or projects/ that is a link', () => {
    write('real/projects/-a/conv.jsonl', message);
    symlinkSync(join(dir, 'real'), join(dir, 'linked'));
    expect(walkConfigDir(join(dir, 'linked')).transcripts.size).toBe(0);
    mkdirSync(join(dir, 'config'));
    symlinkSync(join(dir, 'real', 'projects'), join(dir, 'config', 'projects'));
    expect(walkConfigDir(join(dir, 'config'))).toMatchObject({ conversations: [] });
    expect(walkConfigDir(join(dir, 'config')).transcripts.size).toBe(0);
    expect(listTranscripts(join(dir, 'config', 'projects')).size).toBe(0);
  });
});
