import {
  appendFileSync,
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assistantLine, userLine } from '../../test/support/transcript-lines.js';
import type { SessionRecord } from '../store/record.js';
import type { FoundSession } from '../store/records.js';
import type { Tokens } from './line.js';
import type { PriceTable } from './prices.js';
import { listTranscripts, readConfigDir } from './read.js';
import { type SessionUsage, sessionUsage, usageOfFiles } from './session-usage.js';

let dir: string;
let configDir: string;
let cacheFile: string;
let priced: number;
const prices: PriceTable = {
  price: (_model: string, t: Tokens) => {
    priced += 1;
    return (t.input + t.output) / 1000;
  },
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cs-usage-'));
  configDir = join(dir, 'config');
  cacheFile = join(dir, 'usage-cache.json');
  mkdirSync(join(configDir, 'projects'), { recursive: true });
  priced = 0;
});
afterEach(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

const transcript = (name = '-work-project/0c1d2e3f-0000-4000-8000-000000000000.jsonl') =>
  join(configDir, 'projects', name);
function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
const line = (id: string, extra: Parameters<typeof assistantLine>[0] = { id }) =>
  `${assistantLine({ input: 100, output: 10, cacheWrite: 0, cacheRead: 0, ...extra, id })}\n`;
const read = (options: { persist?: boolean } = {}): SessionUsage =>
  usageOfFiles(readConfigDir(configDir, cacheFile, { prices, ...options }).files.values());

describe('reading the transcripts of a config dir', () => {
  it('finds conversations and subagent transcripts, and nothing behind a link', () => {
    write(transcript('-a/one.jsonl'), line('m1'));
    write(transcript('-a/one/subagents/agent-x.jsonl'), line('m2'));
    write(transcript('-a/one/subagents/agent-x.meta.json'), '{}');
    write(transcript('-a/memory/notes.md'), 'x');
    const elsewhere = join(dir, 'elsewhere');
    write(join(elsewhere, 'other.jsonl'), line('m3'));
    symlinkSync(elsewhere, transcript('-linked'));
    symlinkSync(join(elsewhere, 'other.jsonl'), transcript('-a/link.jsonl'));
    expect([...listTranscripts(join(configDir, 'projects')).keys()].sort()).toEqual([
      '-a/one.jsonl',
      '-a/one/subagents/agent-x.jsonl',
    ]);
    expect(read()).toMatchObject({ inputTokens: 200, outputTokens: 20, costUSD: 0.22 });
  });

  it('reads nothing when the config dir or its projects/ is a link', () => {
    const real = join(dir, 'real-projects');
    write(join(real, '-a', 'one.jsonl'), line('m1'));
    rmSync(join(configDir, 'projects'), { recursive: true });
    symlinkSync(real, join(configDir, 'projects'));
    expect(read().inputTokens).toBe(0);
  });

  it('reads once: a second read prices nothing and leaves the cache as it was', () => {
    write(transcript(), `${userLine('hi')}\n${line('m1')}${line('m2')}`);
    expect(read()).toMatchObject({ inputTokens: 200, costUSD: 0.22 });
    expect(priced).toBe(2);
    expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    const cache = readFileSync(cacheFile, 'utf8');
    const before = statSync(cacheFile).mtimeMs;
    expect(read()).toMatchObject({ inputTokens: 200, costUSD: 0.22 });
    expect(priced).toBe(2);
    expect(readFileSync(cacheFile, 'utf8')).toBe(cache);
    expect(statSync(cacheFile).mtimeMs).toBe(before);
  });

  it('reads only what a file gained since, a response whose lines straddle two reads included', () => {
    write(transcript(), line('m1', { id: 'm1', output: 3 }));
    expect(read()).toMatchObject({ outputTokens: 3 });
    appendFileSync(transcript(), `${line('m1', { id: 'm1', output: 30, block: 'tool_use' })}${line('m2')}`);
    expect(read()).toMatchObject({ inputTokens: 200, outputTokens: 40 });
    expect(priced).toBe(3);
  });

  it('does not take a line being written until it is whole', () => {
    const whole = line('m2');
    write(transcript(), `${line('m1')}${whole.slice(0, 200)}`);
    expect(read()).toMatchObject({ inputTokens: 100, corruptLines: 0 });
    appendFileSync(transcript(), whole.slice(200, -1));
    expect(read()).toMatchObject({ inputTokens: 100, corruptLines: 0 });
    appendFileSync(transcript(), '\n');
    expect(read()).toMatchObject({ inputTokens: 200, corruptLines: 0 });
  });

  it('counts corrupt lines once, skipping them, and goes on', () => {
    write(transcript(), `${line('m1')}{"type":"assistant","message":{"id":"x"\n${line('m2')}`);
    expect(read()).toMatchObject({ inputTokens: 200, corruptLines: 1 });
    appendFileSync(transcript(), line('m3'));
    expect(read()).toMatchObject({ inputTokens: 300, corruptLines: 1 });
  });

  it('reads a file again from the start when it shrank, was replaced, or was rewritten in place', () => {
    write(transcript(), `${line('m1')}${line('m2')}`);
    expect(read().inputTokens).toBe(200);
    truncateSync(transcript(), line('m1').length);
    expect(read().inputTokens).toBe(100);

    // Replaced (a new inode) by a longer file.
    write(`${transcript()}.new`, `${line('m5')}${line('m6')}${line('m7')}`);
    renameSync(`${transcript()}.new`, transcript());
    expect(read().inputTokens).toBe(300);

    // Rewritten in place, same inode, longer: what was read is no longer there.
    writeFileSync(transcript(), `${userLine('a long prompt', 4000)}\n${line('m8')}`);
    expect(read().inputTokens).toBe(100);
  });

  it('forgets a transcript that is gone, and counts its fork in full then', () => {
    const parent = transcript('-a/parent.jsonl');
    const fork = transcript('-a/zfork.jsonl');
    write(parent, line('m1'));
    write(fork, `${line('m1')}${line('m2')}`);
    expect(read().inputTokens).toBe(200);
    rmSync(parent);
    expect(read()).toMatchObject({ inputTokens: 200 });
    rmSync(fork);
    expect(read()).toMatchObject({ inputTokens: 0, models: {} });
  });

  it('ignores a corrupt or foreign cache and rebuilds it', () => {
    write(transcript(), line('m1'));
    for (const junk of [
      '{"version":1,"prices":"0.1.8","files":{"x":{"dev":"no"}}}',
      '{"version":1,"prices":"0.0.1","files":{}}',
      '{"version":99,"prices":"0.1.8","files":{}}',
      'not json at all',
      '',
    ]) {
      writeFileSync(cacheFile, junk);
      expect(read().inputTokens, junk).toBe(100);
      expect(JSON.parse(readFileSync(cacheFile, 'utf8')).version).toBe(1);
    }
    // A cache claiming more was read than the file holds: the file is read again.
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
    const [entry] = Object.values(cache.files) as { offset: number }[];
    (entry as { offset: number }).offset += 10_000;
    writeFileSync(cacheFile, JSON.stringify(cache));
    expect(read().inputTokens).toBe(100);
  });

  it('never follows a cache file that is a link, and replaces it', () => {
    write(transcript(), line('m1'));
    const target = join(dir, 'target.json');
    writeFileSync(target, 'keep');
    symlinkSync(target, cacheFile);
    expect(read().inputTokens).toBe(100);
    expect(readFileSync(target, 'utf8')).toBe('keep');
  });

  it('works without writing where it cannot, and when told not to', () => {
    write(transcript(), line('m1'));
    expect(read({ persist: false }).inputTokens).toBe(100);
    expect(() => statSync(cacheFile)).toThrow();
    // The directory of the cache is read-only: this test runs as root, so a missing directory stands in.
    cacheFile = join(dir, 'missing', 'usage-cache.json');
    expect(read().inputTokens).toBe(100);
    expect(() => statSync(cacheFile)).toThrow();
  });

  it('reads lines across chunk boundaries, skips lines too long to be a response, keeps the rest', () => {
    const long = `${userLine('big', 3 * 1024 * 1024)}\n`;
    const huge = `${userLine('"type":"assistant"', 17 * 1024 * 1024)}\n`;
    write(transcript(), `${line('m1')}${long}${line('m2')}${huge}${line('m3')}`);
    expect(read()).toMatchObject({ inputTokens: 300, corruptLines: 0 });
  });

  it('is the API list and show use: sessionUsage keeps its cache in the session dir', () => {
    const found = session();
    const fixture = new URL('../../test/fixtures/claude-2.1.332/usage/', import.meta.url);
    cpSync(fixture, join(found.paths.configDir, 'projects'), { recursive: true });
    const usage = sessionUsage(found);
    // The real run: three responses of the main conversation and one of its subagent, priced by the
    // table exactly as Claude priced them (its total_cost_usd was 0.0301272).
    expect(usage).toMatchObject({
      inputTokens: 3813,
      outputTokens: 133,
      cacheWriteTokens: 2268,
      cacheReadTokens: 356,
      costUSD: 0.0301272,
      costSource: 'table',
      corruptLines: 0,
    });
    expect(usage.models['claude-opus-5-5']).toMatchObject({ responses: 4, claudeCostUSD: 0.0301272 });
    expect(statSync(join(found.paths.dir, 'usage-cache.json')).isFile()).toBe(true);
    expect(sessionUsage(found)).toEqual(usage);
  });

  it('keeps the totals in the cache, and gives them while every transcript is as it remembers', () => {
    const found = session();
    const path = join(found.paths.configDir, 'projects', '-work', 'a.jsonl');
    write(path, `${line('m1')}${line('m2')}`);
    const first = sessionUsage(found, { prices });
    const file = join(found.paths.dir, 'usage-cache.json');
    const cache = JSON.parse(readFileSync(file, 'utf8'));
    expect(cache.summary).toEqual(first);
    // Nothing changed: the summary is given as kept, the transcripts not read, nothing added up (a
    // summary altered by hand in a cache that otherwise reads back shows it).
    writeFileSync(file, JSON.stringify({ ...cache, summary: { ...cache.summary, inputTokens: 7 } }));
    expect(sessionUsage(found, { prices }).inputTokens).toBe(7);
    expect(priced).toBe(2);
    // A transcript grew: read, added up anew, and the summary kept with it.
    appendFileSync(path, line('m3'));
    const grown = sessionUsage(found, { prices });
    expect(grown).toMatchObject({ inputTokens: 300, outputTokens: 30 });
    expect(JSON.parse(readFileSync(file, 'utf8')).summary).toEqual(grown);
    expect(priced).toBe(3);
  });

  it('adds a summary to a cache without one, and never takes one that does not read back', () => {
    const found = session();
    write(join(found.paths.configDir, 'projects', '-work', 'a.jsonl'), line('m1'));
    const usage = sessionUsage(found, { prices });
    const file = join(found.paths.dir, 'usage-cache.json');
    const cache = JSON.parse(readFileSync(file, 'utf8'));
    const { summary, ...older } = cache;
    for (const bad of [
      older,
      { ...cache, summary: { ...summary, costSource: 'guess' } },
      { ...cache, summary: { ...summary, inputTokens: -1 } },
      {
        ...cache,
        summary: { ...summary, models: { x: { ...summary.models['claude-opus-5-5'], costUSD: 'free' } } },
      },
      { ...cache, summary: null },
    ]) {
      writeFileSync(file, JSON.stringify(bad));
      expect(sessionUsage(found, { prices }), JSON.stringify(bad.summary)).toEqual(usage);
      expect(JSON.parse(readFileSync(file, 'utf8')).summary).toEqual(usage);
    }
    // Read from the files the cache kept, not the transcripts again.
    expect(priced).toBe(1);
  });

  it('takes no summary made for another set of transcripts (the fork origin: see the next test)', () => {
    const found = session();
    const folder = join(found.paths.configDir, 'projects', '-work');
    write(join(folder, 'a.jsonl'), line('m1'));
    write(join(folder, 'b.jsonl'), line('m2'));
    expect(sessionUsage(found, { prices }).inputTokens).toBe(200);
    rmSync(join(folder, 'b.jsonl'));
    expect(sessionUsage(found, { prices }).inputTokens).toBe(100);
    write(join(folder, 'b.jsonl'), line('m2'));
    expect(sessionUsage(found, { prices }).inputTokens).toBe(200);
    // Replaced by another file of the same size: another inode.
    const other = join(dir, 'other.jsonl');
    write(other, line('m9', { id: 'm9', input: 900 }));
    expect(statSync(other).size).toBe(statSync(join(folder, 'b.jsonl')).size);
    renameSync(other, join(folder, 'b.jsonl'));
    expect(sessionUsage(found, { prices }).inputTokens).toBe(1000);
    expect(JSON.parse(readFileSync(join(found.paths.dir, 'usage-cache.json'), 'utf8')).files).toHaveProperty(
      ['-work/b.jsonl', 'ino'],
      statSync(join(folder, 'b.jsonl')).ino,
    );
  });

  it("counts only what a fork added: its copy of the source's conversation and the repeats are the source's", () => {
    const source = 'a1b2c3d4-0000-4000-8000-000000000001';
    const fork = session(source);
    const projects = join(fork.paths.configDir, 'projects', '-work');
    // `claude-session fork` copied the source's transcript; Claude forked it into a new conversation
    // (whose name sorts first: the copy is read first all the same).
    write(join(projects, `${source}.jsonl`), `${line('s1')}${line('s2')}`);
    write(
      join(projects, '00000000-0000-4000-8000-000000000002.jsonl'),
      `${line('s1')}${line('s2')}${line('f1')}`,
    );
    expect(sessionUsage(fork, { prices })).toMatchObject({
      inputTokens: 100,
      models: { 'claude-opus-5-5': { responses: 1 } },
    });
    // The same dir as an ordinary session (no record of a fork): every response once. The cache made
    // for the fork is not taken for it, nor the other way round.
    const plain = { ...fork, record: undefined };
    expect(sessionUsage(plain, { prices }).inputTokens).toBe(300);
    expect(sessionUsage(fork, { prices }).inputTokens).toBe(100);
    appendFileSync(join(projects, '00000000-0000-4000-8000-000000000002.jsonl'), line('f2'));
    expect(sessionUsage(fork, { prices }).inputTokens).toBe(200);
  });
});

/** A session dir with its config dir, as the store finds it; `forkOf`: the conversation it forked. */
function session(forkOf?: string): FoundSession {
  const sessionDir = join(dir, 'session');
  mkdirSync(join(sessionDir, 'config', 'projects'), { recursive: true });
  const record = forkOf
    ? ({
        forkedFrom: { session: 'c0000000-0000-4000-8000-000000000003', conversation: forkOf },
      } as SessionRecord)
    : undefined;
  return {
    id: 'd0000000-0000-4000-8000-000000000004',
    paths: {
      dir: sessionDir,
      record: join(sessionDir, 'session.json'),
      configDir: join(sessionDir, 'config'),
      tmpDir: join(sessionDir, 'tmp'),
      claudeSettings: join(sessionDir, 'claude-settings.json'),
    },
    record,
    problem: undefined,
  };
}
