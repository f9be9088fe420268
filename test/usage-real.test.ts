import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeAnthropic,
  isToolResultTurn,
  lastUserText,
  startFakeAnthropic,
} from './support/fake-anthropic.js';
import { ensureRealClaude } from './support/real-claude.js';
import { CLI, Sandbox, waitFor } from './support/sandbox.js';
import { startTmux, type TmuxSession } from './support/tmux.js';

// The real Claude Code against a fake API that answers every request with the same usage, a distinct
// number per kind: `usage` must show exactly those tokens, times the responses, and cost what Claude
// itself says the run cost (its total_cost_usd), within 1 %.
const USAGE = {
  input_tokens: 1234,
  cache_creation_input_tokens: 567,
  cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 67 },
  cache_read_input_tokens: 89,
  output_tokens: 42,
};
const times = (n: number) => ({
  inputTokens: 1234 * n,
  outputTokens: 42 * n,
  cacheWriteTokens: 567 * n,
  cacheReadTokens: 89 * n,
});

let claude: string;
let api: FakeAnthropic;
let sandbox: Sandbox;
let project: string;
const panes: TmuxSession[] = [];

beforeAll(async () => {
  claude = await ensureRealClaude();
  // The first turn of a prompt asking for a tool gets a text block and a Bash call: one response that
  // Claude writes as two transcript lines. The turn after the tool's result is text only.
  api = await startFakeAnthropic({
    usage: USAGE,
    reply: (req) =>
      lastUserText(req).includes('USE-A-TOOL') && !isToolResultTurn(req)
        ? {
            text: 'running it',
            toolUse: { name: 'Bash', input: { command: 'echo hi', description: 'say hi' } },
          }
        : 'FAKE-REPLY-OK',
  });
}, 600_000);
afterAll(async () => api?.close());

beforeEach(() => {
  sandbox = new Sandbox();
  project = join(sandbox.dir, 'project');
  mkdirSync(project);
  api.requests.length = 0;
});
afterEach(async () => {
  for (const pane of panes.splice(0)) await pane.kill();
  await sandbox.killSessions();
  sandbox.cleanup();
});

function realEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return sandbox.env({
    CLAUDE_SESSION_CLAUDE: claude,
    ANTHROPIC_BASE_URL: api.url,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
    FAKE_CLAUDE_LOG: undefined,
    ...extra,
  });
}

const modelRequests = () => api.requests.filter((request) => request.path.startsWith('/v1/messages?'));

async function usageJson(env: NodeJS.ProcessEnv) {
  const result = await sandbox.run(['usage', '--json'], { env });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

describe('usage with the real Claude Code', () => {
  it('counts a -p run exactly, a two-block response once, and costs what Claude says it cost', async () => {
    const env = realEnv({ ANTHROPIC_API_KEY: 'sk-ant-api03-test-key-0123456789' });
    const run = await sandbox.run(
      [
        '--name',
        'headless',
        '--',
        '-p',
        'USE-A-TOOL please',
        '--allowedTools',
        'Bash',
        '--output-format',
        'json',
      ],
      { env, cwd: project },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.result).toBe('FAKE-REPLY-OK');
    const responses = modelRequests().length;
    expect(responses).toBe(2);

    // Claude wrote the first response as two lines (its text block, then its tool call).
    const [id] = sandbox.sessionIds() as [string];
    const projects = join(sandbox.root, 'sessions', id, 'config', 'projects');
    const lines = readdirSync(projects, { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.jsonl'))
      .flatMap((path) => readFileSync(join(projects, path), 'utf8').split('\n'))
      .filter((line) => line.includes('"type":"assistant"'));
    expect(lines.map((line) => JSON.parse(line).message.id)).toEqual([
      'msg_fake_000001',
      'msg_fake_000001',
      'msg_fake_000002',
    ]);

    const usage = await usageJson(env);
    expect(usage.total).toMatchObject({ ...times(responses), costSource: 'table' });
    const model = Object.keys(usage.total.models);
    expect(model).toEqual(Object.keys(result.modelUsage));
    expect(usage.total.models[model[0] as string].responses).toBe(responses);
    // Claude's own figure for the same run.
    expect(Math.abs(usage.total.costUSD - result.total_cost_usd)).toBeLessThanOrEqual(
      0.01 * result.total_cost_usd,
    );
    expect(usage.total.models[model[0] as string].claudeCostUSD).toBeCloseTo(result.total_cost_usd, 10);

    // The same figures again from the cache, and a resumed conversation adds its own response.
    expect((await usageJson(env)).total).toEqual(usage.total);
    const again = await sandbox.run(
      ['resume', 'headless', '--', '-p', 'and now?', '--output-format', 'json'],
      {
        env,
        cwd: project,
      },
    );
    expect(again.code, again.stderr).toBe(0);
    const resumed = JSON.parse(again.stdout);
    expect(modelRequests().length).toBe(responses + 1);
    const after = await usageJson(env);
    expect(after.total).toMatchObject(times(responses + 1));
    // Claude's total_cost_usd of a resumed conversation is for the whole conversation.
    expect(Math.abs(after.total.costUSD - resumed.total_cost_usd)).toBeLessThanOrEqual(
      0.01 * resumed.total_cost_usd,
    );
  });

  it('counts the turns of an interactive session in tmux', async () => {
    const base = join(sandbox.home, '.claude.json');
    const json = JSON.parse(readFileSync(base, 'utf8'));
    json.projects = { [project]: { hasTrustDialogAccepted: true } };
    writeFileSync(base, JSON.stringify(json));
    const env = realEnv({ ANTHROPIC_AUTH_TOKEN: 'test-token' });
    const pane = await startTmux({ cmd: [CLI, '--name', 'chat'], env, cwd: project });
    panes.push(pane);
    await pane.waitFor(/^─{20,}\n❯/m, 30_000);
    for (const prompt of ['first question', 'second question']) {
      const before = modelRequests().length;
      await pane.send(prompt);
      await pane.enter();
      await waitFor(() => modelRequests().length > before);
      await pane.waitFor((screen) => (screen.match(/^● FAKE-REPLY-OK$/gm) ?? []).length >= 1, 30_000);
    }
    // Both answers are on screen: the transcript holds them (Claude writes a line before it shows it).
    await pane.waitFor((screen) => (screen.match(/^● FAKE-REPLY-OK$/gm) ?? []).length === 2, 30_000);
    const responses = modelRequests().length;
    const live = await waitFor(async () => {
      const usage = await usageJson(env);
      return usage.total.inputTokens === 1234 * responses && usage;
    });
    expect(live.total).toMatchObject({ ...times(responses), costSource: 'table' });
    await pane.send('/exit');
    await pane.enter();
    await pane.waitFor(/Resume this session with/, 15_000);
    // At exit Claude writes its account of the conversation: it agrees with the table.
    const ended = await waitFor(async () => {
      const usage = await usageJson(env);
      const [model] = Object.values(usage.total.models) as { claudeCostUSD: number | null }[];
      return model?.claudeCostUSD !== null && usage;
    });
    const [model] = Object.values(ended.total.models) as { costUSD: number; claudeCostUSD: number }[];
    expect(Math.abs((model?.costUSD ?? 0) - (model?.claudeCostUSD ?? 0))).toBeLessThanOrEqual(
      0.01 * (model?.claudeCostUSD ?? 0),
    );
    expect(ended.total).toMatchObject(times(responses));
  });
});
