import {
  appendFileSync,
  chmodSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO, Sandbox, snapshot } from './support/sandbox.js';
import { assistantLine, costStateLine, userLine } from './support/transcript-lines.js';
import { chownTree, ordinaryUser } from './support/user.js';

// `claude-session usage` as a user runs it: the built CLI over sessions made by the fake claude, with
// transcripts the real Claude Code wrote (test/fixtures/claude-2.1.332/usage/) or lines in their shape.
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

const FIXTURE = join(REPO, 'test', 'fixtures', 'claude-2.1.332', 'usage');

async function newSession(name: string): Promise<string> {
  const before = new Set(sandbox.sessionIds());
  const result = await sandbox.run(['--name', name, '--', '-p', 'hi'], { cwd: sandbox.home });
  expect(result.code, result.stderr).toBe(0);
  return sandbox.sessionIds().find((id) => !before.has(id)) as string;
}

const configDir = (id: string) => join(sandbox.root, 'sessions', id, 'config');
function transcript(id: string, lines: string[], name = '-home/conversation.jsonl'): string {
  const path = join(configDir(id), 'projects', name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, lines.map((line) => `${line}\n`).join(''));
  return path;
}
const line = (id: string, options: Partial<Parameters<typeof assistantLine>[0]> = {}) =>
  assistantLine({ input: 1_000_000, output: 100_000, cacheWrite: 0, cacheRead: 0, ...options, id });

async function usageJson(args: string[] = [], env: Record<string, string> = {}) {
  const result = await sandbox.run(['usage', '--json', ...args], { env });
  expect(result.code, result.stderr).toBe(0);
  return { ...JSON.parse(result.stdout), stderr: result.stderr };
}

describe('claude-session usage', () => {
  it("counts a real run's transcripts, subagent included, priced as Claude priced them", async () => {
    const id = await newSession('real');
    cpSync(FIXTURE, join(configDir(id), 'projects'), { recursive: true });
    const json = await usageJson();
    expect(json.rows).toHaveLength(1);
    expect(json.rows[0]).toMatchObject({ session: id, name: 'real' });
    expect(json.total).toEqual({
      inputTokens: 3813,
      outputTokens: 133,
      cacheWriteTokens: 2268,
      cacheReadTokens: 356,
      costUSD: 0.0301272,
      costSource: 'table',
      models: {
        'claude-opus-5-5': {
          inputTokens: 3813,
          outputTokens: 133,
          cacheWriteTokens: 2268,
          cacheReadTokens: 356,
          costUSD: 0.0301272,
          costSource: 'table',
          claudeCostUSD: 0.0301272,
          responses: 4,
        },
      },
    });
    expect(json.prices).toEqual({
      package: '@pydantic/genai-prices',
      version: '0.1.8',
      published: '2026-09-23',
    });
    expect(json.stderr).toBe('');
    const cache = join(sandbox.root, 'sessions', id, 'usage-cache.json');
    expect(statSync(cache).mode & 0o777).toBe(0o600);
  });

  it('tables sessions dearest first with a total, and groups by model, day and directory', async () => {
    const api = await newSession('api');
    const web = await newSession('web');
    await newSession('idle');
    // claude-opus-5-5: $4 and $20 per million input and output tokens; claude-haiku-4-5: $1 and $5.
    transcript(api, [
      userLine('fix it'),
      line('a1', { timestamp: '2026-12-01T10:00:00Z', cwd: join(sandbox.home, 'src', 'api') }),
      line('a1', {
        timestamp: '2026-12-01T10:00:01Z',
        cwd: join(sandbox.home, 'src', 'api'),
        block: 'tool_use',
      }),
      line('a2', {
        timestamp: '2026-12-02T10:00:00Z',
        cwd: join(sandbox.home, 'src', 'api'),
        model: 'claude-haiku-4-5',
      }),
    ]);
    transcript(web, [
      line('w1', { timestamp: '2026-12-02T11:00:00Z', cwd: join(sandbox.home, 'src', 'web') }),
    ]);

    const table = await sandbox.run(['usage']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toBe(
      [
        'SESSION             INPUT   OUTPUT  CACHE WRITE  CACHE READ    COST',
        `api (${api.slice(0, 8)})  2,000,000  200,000            0           0   $7.50`,
        `web (${web.slice(0, 8)})  1,000,000  100,000            0           0   $6.00`,
        'TOTAL           3,000,000  300,000            0           0  $13.50',
        '',
      ].join('\n'),
    );
    const byModel = await usageJson(['--by', 'model']);
    expect(
      byModel.rows.map((row: { model: string; usage: { costUSD: number } }) => [
        row.model,
        row.usage.costUSD,
      ]),
    ).toEqual([
      ['claude-opus-5-5', 12],
      ['claude-haiku-4-5', 1.5],
    ]);
    const byDay = await usageJson(['--by', 'day'], { TZ: 'UTC' });
    expect(
      byDay.rows.map((row: { day: string; usage: { inputTokens: number } }) => [
        row.day,
        row.usage.inputTokens,
      ]),
    ).toEqual([
      ['2026-12-01', 1_000_000],
      ['2026-12-02', 2_000_000],
    ]);
    const byDir = await sandbox.run(['usage', '--by', 'dir']);
    expect(byDir.stdout).toMatch(/^~\/src\/api +2,000,000 .* \$7\.50$/m);
    expect(byDir.stdout).toMatch(/^~\/src\/web +1,000,000 .* \$6\.00$/m);
  });

  it('puts a response in the local day of its timestamp, in zones a quarter hour off the hour', async () => {
    const id = await newSession('nepal');
    // Asia/Kathmandu is UTC+5:45: 18:14 UTC is 23:59 there, 18:15 UTC the next day's midnight.
    transcript(id, [
      line('n1', { timestamp: '2026-12-01T18:14:00Z' }),
      line('n2', { timestamp: '2026-12-01T18:15:00Z' }),
    ]);
    const json = await usageJson(['--by', 'day'], { TZ: 'Asia/Kathmandu' });
    expect(json.timeZone).toMatch(/^Asia\/Kath?mandu$/);
    expect(json.rows.map((row: { day: string }) => row.day)).toEqual(['2026-12-01', '2026-12-02']);
    const since = await usageJson(['--since', '2026-12-02'], { TZ: 'Asia/Kathmandu' });
    expect(since.total.inputTokens).toBe(1_000_000);
    expect(since.since).toBe('2026-12-01T18:15:00.000Z');
  });

  it("shows a model the table does not know as ?, unless Claude's own account covers it", async () => {
    const unknown = await newSession('unknown');
    const filled = await newSession('filled');
    transcript(unknown, [line('u1', { model: 'claude-future-9' })]);
    transcript(filled, [
      line('f1', { model: 'claude-future-9' }),
      costStateLine({
        'claude-future-9': { input: 1_000_000, output: 100_000, cacheWrite: 0, cacheRead: 0, costUSD: 3.25 },
      }),
    ]);
    const table = await sandbox.run(['usage']);
    expect(table.stdout).toMatch(/^filled \(.{8}\) .* \$3\.25\*$/m);
    expect(table.stdout).toMatch(/^unknown \(.{8}\) .* {2}\?$/m);
    expect(table.stdout).toMatch(/^TOTAL .* \$3\.25\*\+\?$/m);
    expect(table.stdout).toContain('? no price for claude-future-9: its tokens are counted');
    expect(table.stdout).toContain("* claude-future-9: cost from Claude's own account");
    const json = await usageJson();
    expect(json.total).toMatchObject({ inputTokens: 2_000_000, costUSD: null, costSource: null });
  });

  it('reads incrementally: what a transcript gains is added, a line being written waits', async () => {
    const id = await newSession('growing');
    const path = transcript(id, [line('g1')]);
    expect((await usageJson()).total.inputTokens).toBe(1_000_000);
    const next = `${line('g2')}\n`;
    appendFileSync(path, next.slice(0, 100));
    expect((await usageJson()).total.inputTokens).toBe(1_000_000);
    appendFileSync(path, next.slice(100));
    expect((await usageJson()).total.inputTokens).toBe(2_000_000);
    writeFileSync(
      join(sandbox.root, 'sessions', id, 'usage-cache.json'),
      '{"version":1,"prices":"0.1.8","files":[]}',
    );
    expect((await usageJson()).total.inputTokens).toBe(2_000_000);
  });

  it("counts a fork's inherited conversation once, in its source: the fork has what it added", async () => {
    const source = await newSession('source');
    const fork = await newSession('fork');
    const conversation = '5e1f0a2b-0000-4000-8000-00000000000a';
    transcript(source, [line('s1'), line('s2')], `-home/${conversation}.jsonl`);
    // What `claude-session fork` leaves: a copy of the source's conversation, which Claude then forks.
    transcript(fork, [line('s1'), line('s2')], `-home/${conversation}.jsonl`);
    transcript(
      fork,
      [line('s1'), line('s2'), line('f1')],
      '-home/0f0f0f0f-0000-4000-8000-00000000000b.jsonl',
    );
    const recordFile = join(sandbox.root, 'sessions', fork, 'session.json');
    const record = JSON.parse(readFileSync(recordFile, 'utf8'));
    writeFileSync(recordFile, JSON.stringify({ ...record, forkedFrom: { session: source, conversation } }));
    const json = await usageJson();
    const bySession = Object.fromEntries(
      json.rows.map((row: { name: string; usage: { inputTokens: number } }) => [
        row.name,
        row.usage.inputTokens,
      ]),
    );
    expect(bySession).toEqual({ source: 2_000_000, fork: 1_000_000 });
    expect(json.total.inputTokens).toBe(3_000_000);
  });

  it('says once how many corrupt lines it skipped', async () => {
    const id = await newSession('corrupt');
    // Only lines that should hold a response or Claude's account are read: other junk is skipped unread.
    transcript(id, [
      line('c1'),
      '{"type":"assistant","message":{"id":"c2","usage":',
      'not json',
      line('c4').slice(0, -20),
      line('c3'),
    ]);
    const json = await usageJson();
    expect(json.total.inputTokens).toBe(2_000_000);
    expect(json.corruptLines).toBe(2);
    expect(json.stderr).toBe('claude-session: 2 transcript lines could not be read and were skipped\n');
  });

  it('--include-base adds plain claude, keeping its cache under the root and the base untouched', async () => {
    const id = await newSession('ours');
    transcript(id, [line('o1')]);
    const base = join(sandbox.base, 'projects', '-home-me');
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, 'plain.jsonl'), `${line('b1', { model: 'claude-haiku-4-5' })}\n`);
    const before = snapshot(sandbox.base);
    const json = await usageJson(['--include-base']);
    expect(json.rows.map((row: { session: string }) => row.session).sort()).toEqual(['base', id].sort());
    expect(json.total.inputTokens).toBe(2_000_000);
    expect(snapshot(sandbox.base)).toBe(before);
    expect(statSync(join(sandbox.root, 'cache', 'usage-base.json')).isFile()).toBe(true);
    const table = await sandbox.run(['usage', '--include-base']);
    expect(table.stdout).toMatch(/^base \(~\/\.claude\) +1,000,000 /m);
    // Without it, only the sessions.
    expect((await usageJson()).total.inputTokens).toBe(1_000_000);
  });

  it('reads nothing through a link: a transcript or projects/ that leads elsewhere', async () => {
    const id = await newSession('linked');
    const elsewhere = join(sandbox.dir, 'elsewhere');
    mkdirSync(join(elsewhere, '-x'), { recursive: true });
    writeFileSync(join(elsewhere, '-x', 't.jsonl'), `${line('l1')}\n`);
    mkdirSync(join(configDir(id), 'projects', '-home'), { recursive: true });
    symlinkSync(join(elsewhere, '-x', 't.jsonl'), join(configDir(id), 'projects', '-home', 't.jsonl'));
    symlinkSync(join(elsewhere, '-x'), join(configDir(id), 'projects', '-linked'));
    expect((await usageJson()).total.inputTokens).toBe(0);
    const table = await sandbox.run(['usage']);
    expect(table.stdout).toBe('no usage: no API response in the transcripts of any session\n');
  });

  it('refuses a bad --by or --since in one line, with exit status 2, writing nothing', async () => {
    const id = await newSession('kept');
    transcript(id, [line('k1')]);
    for (const [args, message] of [
      [['--by', 'week'], /^claude-session: --by "week": use one of session, day, model, dir\n$/],
      [['--since', 'last week'], /^claude-session: --since "last week": give a day \(2026-12-01\), a time/],
    ] as const) {
      const result = await sandbox.run(['usage', ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
    expect(() => statSync(join(sandbox.root, 'sessions', id, 'usage-cache.json'))).toThrow();
  });

  it('works in a session dir it cannot write to (an ordinary user, the dir read-only)', async () => {
    const id = await newSession('readonly');
    cpSync(FIXTURE, join(configDir(id), 'projects'), { recursive: true });
    const user = ordinaryUser();
    if (!user) throw new Error('no ordinary user to run as');
    chownTree(sandbox.dir, user);
    const sessionDir = join(sandbox.root, 'sessions', id);
    chmodSync(sessionDir, 0o500);
    try {
      const result = await sandbox.run(['usage', '--json'], { asUser: user });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout).total).toMatchObject({ inputTokens: 3813, costUSD: 0.0301272 });
      expect(readdirSync(sessionDir)).not.toContain('usage-cache.json');
    } finally {
      chmodSync(sessionDir, 0o700);
    }
  });

  it('costs the real run the same from a second read, from the cache', async () => {
    const id = await newSession('twice');
    cpSync(FIXTURE, join(configDir(id), 'projects'), { recursive: true });
    const first = await usageJson();
    const cache = readFileSync(join(sandbox.root, 'sessions', id, 'usage-cache.json'), 'utf8');
    const second = await usageJson();
    expect(second.total).toEqual(first.total);
    expect(readFileSync(join(sandbox.root, 'sessions', id, 'usage-cache.json'), 'utf8')).toBe(cache);
  });
});
