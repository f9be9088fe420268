import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAnthropic, startFakeAnthropic } from './support/fake-anthropic.js';
import { ensureRealClaude } from './support/real-claude.js';
import { CLI, Sandbox, waitFor } from './support/sandbox.js';
import { startTmux, type TmuxSession } from './support/tmux.js';

// Sessions whose Claude ended before any prompt (issue 10, item 11), with the real Claude Code in our
// tmux server against a fake Anthropic API.
let claude: string;
let api: FakeAnthropic;
let sandbox: Sandbox;
let project: string;
const terminals: TmuxSession[] = [];

const PROMPT_READY = /^─{20,}\n❯/m;

beforeAll(async () => {
  claude = await ensureRealClaude();
  api = await startFakeAnthropic({ reply: 'FAKE-REPLY-OK' });
}, 600_000);
afterAll(async () => api?.close());

beforeEach(() => {
  sandbox = new Sandbox();
  project = join(sandbox.dir, 'project');
  mkdirSync(project);
});
afterEach(async () => {
  for (const terminal of terminals.splice(0)) await terminal.kill();
  await sandbox.killSessions();
  sandbox.cleanup();
});

/** The user trusted the project in their own Claude configuration once; sessions carry that over. */
function trustInBase(): void {
  const file = join(sandbox.home, '.claude.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  json.projects = { [project]: { hasTrustDialogAccepted: true } };
  writeFileSync(file, JSON.stringify(json));
}

function env(): NodeJS.ProcessEnv {
  return sandbox.env({
    CLAUDE_SESSION_CLAUDE: claude,
    ANTHROPIC_BASE_URL: api.url,
    ANTHROPIC_AUTH_TOKEN: 'test-token',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
    FAKE_CLAUDE_LOG: undefined,
  });
}

async function listed(name: string): Promise<Record<string, unknown>> {
  const views = JSON.parse((await sandbox.run(['list', '--json'], { env: env() })).stdout);
  const view = (views as Record<string, unknown>[]).find((candidate) => candidate.name === name);
  if (!view) throw new Error(`no session ${name} in list`);
  return view;
}

function isAlive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

describe('sessions whose Claude ended before any prompt, with the real Claude Code', () => {
  it('a session whose Claude ended before any prompt is empty; attach and resume start it afresh', async () => {
    trustInBase();
    const cs = (args: string[]) => sandbox.run(args, { env: env(), cwd: project });
    // `-p /exit` leaves a transcript without a message: `claude --continue` finds no conversation in it.
    const quit = await cs(['new', '-n', 'quit', '--', '-p', '/exit']);
    expect(quit.code, quit.stderr).toBe(0);
    const [id] = sandbox.sessionIds() as [string];
    const projects = join(sandbox.root, 'sessions', id, 'config', 'projects');
    const transcripts = readdirSync(projects).flatMap((folder) => readdirSync(join(projects, folder)));
    expect(transcripts.filter((name) => name.endsWith('.jsonl'))).toHaveLength(1);
    expect(await listed('quit')).toMatchObject({ state: 'empty' });

    // attach resumes an ended session in tmux: a new conversation, not `--continue`.
    const terminal = await startTmux({ cmd: [CLI, 'attach', 'quit'], env: env(), cwd: project });
    terminals.push(terminal);
    await terminal.waitFor((screen) => PROMPT_READY.test(screen), 30_000);
    expect((await cs(['wait', 'quit', '--until', 'idle', '--timeout', '30'])).code).toBe(0);
    const { pid } = await listed('quit');

    // `/exit` typed at once: Claude records it in history.jsonl, but there is still no conversation.
    await terminal.send('/exit');
    await terminal.enter();
    await waitFor(() => !isAlive(pid as number));
    expect(readFileSync(join(sandbox.root, 'sessions', id, 'config', 'history.jsonl'), 'utf8')).toContain(
      '"display":"/exit"',
    );
    expect(await listed('quit')).toMatchObject({ state: 'empty' });
    const plan = JSON.parse(
      (await cs(['cleanup', '--empty', '--older-than', '0s', '--dry-run', '--json'])).stdout,
    );
    expect(plan.wouldRemove.map((entry: { id: string }) => entry.id)).toEqual([id]);

    const resumed = await cs(['resume', '-d', 'quit']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('has no conversation yet: starting a new one in it');
    expect(await listed('quit')).toMatchObject({ state: 'running', activity: 'idle' });
  }, 120_000);
});
