import {
  appendFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, REPO, Sandbox, waitFor } from './support/sandbox.js';
import { startTmux, type TmuxSession } from './support/tmux.js';
import { assistantLine, costStateLine, userLine } from './support/transcript-lines.js';

// What list and show tell of a session's usage, cost and budget (issue 13): the built CLI over sessions
// made by the fake claude, with the transcripts the real Claude Code wrote
// (test/fixtures/claude-2.1.332/usage/) or lines in their shape.
let sandbox: Sandbox;
let panes: TmuxSession[] = [];
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  for (const pane of panes) await pane.kill();
  panes = [];
  sandbox.cleanup();
});

const FIXTURE = join(REPO, 'test', 'fixtures', 'claude-2.1.332', 'usage');

async function newSession(name: string): Promise<string> {
  const before = new Set(sandbox.sessionIds());
  const result = await sandbox.run(['--name', name, '--', '-p', 'hi'], { cwd: sandbox.home });
  expect(result.code, result.stderr).toBe(0);
  return sandbox.sessionIds().find((id) => !before.has(id)) as string;
}

const sessionDir = (id: string) => join(sandbox.root, 'sessions', id);
const configDir = (id: string) => join(sessionDir(id), 'config');
function transcript(id: string, lines: string[], name = '-home/conversation.jsonl'): string {
  const path = join(configDir(id), 'projects', name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, lines.map((line) => `${line}\n`).join(''));
  return path;
}
const line = (id: string, options: Partial<Parameters<typeof assistantLine>[0]> = {}) =>
  assistantLine({ input: 1_000_000, output: 100_000, cacheWrite: 0, cacheRead: 0, ...options, id });

/** What `budget SESSION USD` records: the record's budgetUSD. */
function setBudget(id: string, budgetUSD: number): void {
  const file = join(sessionDir(id), 'session.json');
  const record = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...record, budgetUSD }, null, 2));
}

interface Listed {
  id: string;
  name: string;
  usage: Record<string, unknown> | null;
  budgetUSD: number | null;
  budget: string;
}
async function listJson(): Promise<Listed[]> {
  const result = await sandbox.run(['list', '--json']);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}
const byName = (views: Listed[], name: string) => views.find((view) => view.name === name) as Listed;

describe('list and show with usage', () => {
  it("list --json gives a real run's usage exactly, and show breaks it down per model", async () => {
    const id = await newSession('real');
    cpSync(FIXTURE, join(configDir(id), 'projects'), { recursive: true });
    const views = await listJson();
    expect(byName(views, 'real')).toMatchObject({
      usage: {
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
        corruptLines: 0,
      },
      budgetUSD: null,
      budget: 'none',
    });
    const list = await sandbox.run(['list']);
    expect(list.stdout).toMatch(
      /^ID +NAME +STATE +WHERE +STARTED +ACTIVE +PID +RSS +DISK +COST +DIRECTORY$/m,
    );
    expect(list.stdout).toMatch(new RegExp(`^${id.slice(0, 8)} +real +exited .* \\$0\\.03 +~$`, 'm'));
    // No mark, so no footnote.
    expect(list.stdout.trim().split('\n')).toHaveLength(2);

    const show = await sandbox.run(['show', 'real']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(
      [
        'cost:            $0.0301',
        'prices:          @pydantic/genai-prices 0.1.8, published 2026-09-23',
        'usage:',
        '  claude-opus-5-5:',
        '    responses:   4',
        '    input:       3,813',
        '    output:      133',
        '    cache write: 2,268',
        '    cache read:  356',
        "    cost:        $0.0301 (price table; Claude's own account: $0.0301)",
        '',
      ].join('\n'),
    );
    const shown = JSON.parse((await sandbox.run(['show', 'real', '--json'])).stdout);
    expect(shown.usage).toEqual(byName(views, 'real').usage);
    expect(shown).toMatchObject({ budgetUSD: null, budget: 'none' });
  });

  it("marks what is unknown, Claude's own figures and a session over budget, each footnote once", async () => {
    const priced = await newSession('priced');
    const unknown = await newSession('unknown');
    const unknown2 = await newSession('unknown2');
    const filled = await newSession('filled');
    const over = await newSession('over');
    const near = await newSession('near');
    await newSession('idle');
    // claude-opus-5-5: $4 and $20 per million input and output tokens (so $6.00 a line here);
    // claude-haiku-4-5: $1 and $5 ($1.50).
    transcript(priced, [
      userLine('fix it'),
      line('p1'),
      line('p1', { block: 'tool_use' }),
      line('p2', { model: 'claude-haiku-4-5' }),
    ]);
    transcript(unknown, [line('u1', { model: 'claude-future-9' }), line('u2')]);
    transcript(unknown2, [line('v1', { model: 'claude-future-9' })]);
    transcript(filled, [
      line('f1', { model: 'claude-future-9' }),
      costStateLine({
        'claude-future-9': { input: 1_000_000, output: 100_000, cacheWrite: 0, cacheRead: 0, costUSD: 3.25 },
      }),
    ]);
    transcript(over, [line('o1')]);
    setBudget(over, 5);
    transcript(near, [line('n1')]);
    setBudget(near, 7.5);

    const views = await listJson();
    expect(byName(views, 'priced').usage).toMatchObject({
      inputTokens: 2_000_000,
      outputTokens: 200_000,
      costUSD: 7.5,
      costSource: 'table',
      models: {
        'claude-opus-5-5': { inputTokens: 1_000_000, costUSD: 6, responses: 1 },
        'claude-haiku-4-5': { inputTokens: 1_000_000, costUSD: 1.5, responses: 1 },
      },
    });
    // Never a made-up figure: the model the table does not know makes the whole cost unknown.
    expect(byName(views, 'unknown').usage).toMatchObject({
      inputTokens: 2_000_000,
      costUSD: null,
      costSource: null,
      models: {
        'claude-future-9': { inputTokens: 1_000_000, costUSD: null, costSource: null },
        'claude-opus-5-5': { costUSD: 6, costSource: 'table' },
      },
    });
    expect(byName(views, 'filled').usage).toMatchObject({ costUSD: 3.25, costSource: 'claude' });
    expect(byName(views, 'over')).toMatchObject({ usage: { costUSD: 6 }, budgetUSD: 5, budget: 'over' });
    expect(byName(views, 'near')).toMatchObject({ budgetUSD: 7.5, budget: 'warn' });
    expect(byName(views, 'priced')).toMatchObject({ budgetUSD: null, budget: 'none' });
    expect(byName(views, 'idle')).toMatchObject({
      usage: { inputTokens: 0, costUSD: 0, costSource: null, models: {}, corruptLines: 0 },
      budget: 'none',
    });

    const list = await sandbox.run(['list']);
    expect(list.code, list.stderr).toBe(0);
    const cost = (name: string) => {
      const row = list.stdout.split('\n').find((text) => text.split(/ +/)[1] === name) as string;
      const header = list.stdout.split('\n')[0] as string;
      const from = header.indexOf('COST');
      return row.slice(from, header.indexOf('DIRECTORY')).trim();
    };
    expect(
      Object.fromEntries(
        ['priced', 'unknown', 'unknown2', 'filled', 'over', 'near', 'idle'].map((n) => [n, cost(n)]),
      ),
    ).toEqual({
      priced: '$7.50',
      unknown: '$6.00+?',
      unknown2: '?',
      filled: '$3.25*',
      over: '$6.00/5 !',
      near: '$6.00/7.5',
      idle: '-',
    });
    const notes = list.stdout.split('\n\n')[1];
    expect(notes).toBe(
      [
        '? no price for claude-future-9: its cost is unknown (its tokens: `claude-session show`)',
        "* claude-future-9: cost from Claude's own account (not in the price table)",
        '! over budget (cost/budget, in US dollars)',
        '',
      ].join('\n'),
    );

    const showOver = await sandbox.run(['show', 'over']);
    expect(showOver.stdout).toContain(
      'cost:            $6.00\nbudget:          $5.00: over it ($6.00, 120 %)\n',
    );
    const showUnknown = await sandbox.run(['show', 'unknown']);
    expect(showUnknown.stdout).toContain('cost:            $6.00+? (unknown for claude-future-9)\n');
    expect(showUnknown.stdout).toContain(
      '  claude-future-9:\n    responses:   1\n    input:       1,000,000\n    output:      100,000\n' +
        '    cache write: 0\n    cache read:  0\n    cost:        ? (no price for this model; its tokens are counted)\n',
    );
    const showFilled = await sandbox.run(['show', 'filled']);
    expect(showFilled.stdout).toContain("cost:            $3.25 (Claude's own account)\n");
    expect(showFilled.stdout).toContain(
      "    cost:        $3.25 (Claude's own account: not in the price table)\n",
    );
    expect(showFilled.stdout).not.toContain('prices:');
  });

  it('shows no COST column while no session has a response or a budget', async () => {
    const id = await newSession('quiet');
    const list = await sandbox.run(['list']);
    expect(list.stdout.split('\n')[0]).not.toContain('COST');
    expect(list.stdout.trim().split('\n')).toHaveLength(2);
    setBudget(id, 2.5);
    const budgeted = await sandbox.run(['list']);
    expect(budgeted.stdout).toMatch(/^ID .* DISK +COST +DIRECTORY$/m);
    expect(budgeted.stdout).toMatch(/ \$0\.00\/2\.5 +~$/m);
    const show = await sandbox.run(['show', 'quiet']);
    expect(show.stdout).toContain(
      'cost:            none yet (no API response in its transcripts)\nbudget:          $2.50: 0 % used\n',
    );
  });

  it('a corrupt transcript line never breaks list: skipped, counted, and said in show', async () => {
    const id = await newSession('corrupt');
    transcript(id, [
      line('c1'),
      '{"type":"assistant","message":{"id":"c2","usage":',
      'not json',
      line('c4').slice(0, -20),
      line('c3'),
    ]);
    const views = await listJson();
    expect(byName(views, 'corrupt').usage).toMatchObject({
      inputTokens: 2_000_000,
      costUSD: 12,
      corruptLines: 2,
    });
    const list = await sandbox.run(['list']);
    expect(list.code).toBe(0);
    expect(list.stderr).toBe('');
    expect(list.stdout).toMatch(/ corrupt +exited .* \$12\.00 +~$/m);
    const show = await sandbox.run(['show', 'corrupt']);
    expect(show.stdout).toContain('skipped:         2 transcript lines could not be read (not counted)\n');
  });

  it('remembers what it read in a whole, private cache, and a torn cache is read anew', async () => {
    const id = await newSession('cached');
    const path = transcript(id, [line('k1')]);
    expect(byName(await listJson(), 'cached').usage).toMatchObject({ inputTokens: 1_000_000 });
    const cacheFile = join(sessionDir(id), 'usage-cache.json');
    const cache = readFileSync(cacheFile, 'utf8');
    expect(() => JSON.parse(cache)).not.toThrow();
    expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    // Written by temp file and rename: nothing else is left in the session dir.
    expect(readdirSync(sessionDir(id)).filter((name) => name.startsWith('usage-cache'))).toEqual([
      'usage-cache.json',
    ]);
    // Nothing new: the cache stays as it is, and the price table is not even loaded.
    const loads = async () => {
      const result = await sandbox.run(['list'], { env: { NODE_DEBUG: 'module' } });
      expect(result.code, result.stderr).toBe(0);
      return /load "[^"]*\/prices\.cjs"/.test(result.stderr);
    };
    expect(await loads()).toBe(false);
    expect(readFileSync(cacheFile, 'utf8')).toBe(cache);
    // A line more: read from where it was, and priced.
    appendFileSync(path, `${line('k2')}\n`);
    expect(await loads()).toBe(true);
    expect(byName(await listJson(), 'cached').usage).toMatchObject({ inputTokens: 2_000_000 });
    // A cache cut short (as by a crash of an older writer) is no cache: the transcripts are read again.
    writeFileSync(cacheFile, readFileSync(cacheFile, 'utf8').slice(0, 200));
    expect(byName(await listJson(), 'cached').usage).toMatchObject({ inputTokens: 2_000_000 });
    expect(() => JSON.parse(readFileSync(cacheFile, 'utf8'))).not.toThrow();
  });

  it('on a narrow terminal leaves out PID, then STARTED, rather than wrap every line', async () => {
    const id = await newSession('narrow');
    transcript(id, [line('n1')]);
    setBudget(id, 5);
    // The table needs 86 columns here (the DIRECTORY heading included), 81 without PID, 72 without STARTED.
    const pane = await startTmux({
      cmd: [CLI, 'list', '--watch'],
      env: sandbox.env(),
      cwd: sandbox.dir,
      width: 75,
    });
    panes.push(pane);
    const screen = await pane.waitFor(/^! over budget/m);
    expect(screen).toMatch(/^ID +NAME +STATE +WHERE +ACTIVE +RSS +DISK +COST +DIRECTORY$/m);
    expect(screen).toMatch(
      new RegExp(`^${id.slice(0, 8)} +narrow +exited +- +\\S+ ago +- +\\S+ +\\$6\\.00/5 ! +~$`, 'm'),
    );
    await pane.keys('C-c');
    await waitFor(async () => (await pane.exitStatus()) !== null);
    // Not on a terminal (a pipe, a script): every column.
    expect((await sandbox.run(['list'])).stdout).toMatch(
      /^ID +NAME +STATE +WHERE +STARTED +ACTIVE +PID +RSS /m,
    );
  });

  it('list --watch follows the cost, and marks the session once it is over its budget', async () => {
    const id = await newSession('spender');
    const path = transcript(id, [line('s1')]);
    setBudget(id, 10);
    const pane = await startTmux({
      cmd: [CLI, 'list', '--watch', '--interval', '0.3'],
      env: sandbox.env(),
      cwd: sandbox.dir,
      width: 120,
    });
    panes.push(pane);
    await pane.waitFor(/spender .* \$6\.00\/10 +~/);
    appendFileSync(path, `${line('s2')}\n`);
    await pane.waitFor(/spender .* \$12\.00\/10 ! +~/);
    await pane.waitFor(/^! over budget \(cost\/budget, in US dollars\)$/m);
    await pane.keys('C-c');
    await waitFor(async () => (await pane.exitStatus()) !== null);
  });
});
