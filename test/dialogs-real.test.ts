import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeAnthropic,
  isToolResultTurn,
  lastUserText,
  type RecordedRequest,
  startFakeAnthropic,
} from './support/fake-anthropic.js';
import { ensureRealClaude } from './support/real-claude.js';
import { PROMPT_READY, pane as paneOf, realEnv, trustInBase as trust } from './support/real-session.js';
import { CLI, isAlive, Sandbox, waitFor } from './support/sandbox.js';
import { startTmux, type TmuxSession } from './support/tmux.js';

// With the real Claude Code in our tmux server against a fake Anthropic API: sessions whose Claude
// ended before any prompt (issue 10, item 11), and what the hooks never report, read from the screen:
// Esc on a permission prompt (item 12), the questions Claude asks before its first hook (item 13).
let claude: string;
let api: FakeAnthropic;
let sandbox: Sandbox;
let project: string;
const terminals: TmuxSession[] = [];

function reply(request: RecordedRequest) {
  const tools = (request.body as { tools?: unknown[] }).tools;
  if (lastUserText(request).includes('USE-TOOL') && !isToolResultTurn(request) && tools?.length) {
    return {
      toolUse: { name: 'Bash', input: { command: `touch ${project}/touched`, description: 'Touch a file' } },
    };
  }
  return 'FAKE-REPLY-OK';
}

beforeAll(async () => {
  claude = await ensureRealClaude();
  api = await startFakeAnthropic({ reply });
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

const trustInBase = () => trust(sandbox, project);
const env = (login: 'token' | 'api-key' = 'token') => realEnv(sandbox, claude, api, login);

async function listed(name: string, login?: 'token' | 'api-key'): Promise<Record<string, unknown>> {
  const views = JSON.parse((await sandbox.run(['list', '--json'], { env: env(login) })).stdout);
  const view = (views as Record<string, unknown>[]).find((candidate) => candidate.name === name);
  if (!view) throw new Error(`no session ${name} in list`);
  return view;
}

const pane = (id: string) => paneOf(sandbox, id);

function keys(id: string, ...names: string[]): void {
  sandbox.tmux('send-keys', '-t', `=${id}:`, ...names);
}

function stateFile(id: string): string | undefined {
  const file = join(sandbox.root, 'sessions', id, 'state');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
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
    // A pid, or the wait for it to end below would pass at once.
    expect(pid).toEqual(expect.any(Number));

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

describe('what the hooks do not report, read from the real Claude Code', () => {
  it('a start-up question before the first hook (folder trust, then the API key) is waiting, with which: new -d says so, list, send and wait agree', async () => {
    // The project was never trusted in the base, and the key in the environment never approved.
    const cs = (args: string[]) => sandbox.run(args, { env: env('api-key'), cwd: project });
    const started = await cs(['new', '-d', '-n', 'ask', '--json']);
    expect(started.code, started.stderr).toBe(0);
    const { id, dialog } = JSON.parse(started.stdout);
    expect(started.stderr).toContain(
      `claude-session: session "ask" (${id.slice(0, 8)}) started: Claude asks about folder trust: \`claude-session attach ask\` to answer\n`,
    );
    expect(started.stderr).not.toContain('hooks');
    expect(dialog).toBe('folder-trust');
    expect(stateFile(id)).toBeUndefined();
    expect(await listed('ask', 'api-key')).toMatchObject({
      state: 'running',
      activity: 'waiting',
      dialog: 'folder-trust',
    });
    expect((await cs(['list'])).stdout).toMatch(/ask\s+waiting\s+tmux/);

    // Typing would answer it (Enter picks "No, exit"): send refuses, --force or not.
    for (const force of [[], ['--force']]) {
      const refused = await cs(['send', 'ask', ...force, 'hello']);
      expect(refused.code).toBe(75);
      expect(refused.stderr).toBe(
        `claude-session: session "ask" (${id.slice(0, 8)}) is waiting: Claude asks about folder trust: \`claude-session attach ask\` to answer\n`,
      );
    }
    const waiting = await cs(['wait', 'ask', '--until', 'waiting', '--json']);
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(JSON.parse(waiting.stdout)).toMatchObject({ id, state: 'waiting', dialog: 'folder-trust' });
    const notIdle = await cs(['wait', 'ask', '--until', 'idle', '--timeout', '1']);
    expect(notIdle.code).toBe(124);
    expect(notIdle.stderr).toContain('is still waiting after 1 s (Claude asks about folder trust');

    // The user trusts the folder ("Yes, I trust this folder"): then Claude asks about the key.
    keys(id, 'Down');
    keys(id, 'Enter');
    await waitFor(() => /Do you want to use this API key\?/.test(pane(id)));
    expect(await listed('ask', 'api-key')).toMatchObject({ activity: 'waiting', dialog: 'api-key' });
    const refused = await cs(['send', 'ask', 'hello']);
    expect(refused.stderr).toContain(
      'is waiting: Claude asks whether to use the API key in ANTHROPIC_API_KEY: `claude-session attach ask` to answer',
    );

    // "Yes": Claude starts, its first hook reports, and the session takes prompts.
    keys(id, 'Up');
    keys(id, 'Enter');
    const idle = await cs(['wait', 'ask', '--until', 'idle', '--timeout', '30']);
    expect(idle.code, idle.stderr).toBe(0);
    expect(stateFile(id)).toBe('idle\n');
    expect(await listed('ask', 'api-key')).toMatchObject({ activity: 'idle', dialog: null });
    expect((await cs(['send', 'ask', 'say hi'])).code).toBe(0);
    expect((await cs(['wait', 'ask', '--until', 'idle', '--timeout', '30'])).code).toBe(0);
    await waitFor(() => /^● FAKE-REPLY-OK$/m.test(pane(id)));
  }, 120_000);

  it('Esc on a permission prompt fires no hook: the input box back and no dialog is idle, wait returns and send works', async () => {
    trustInBase();
    const cs = (args: string[]) => sandbox.run(args, { env: env(), cwd: project });
    const started = await cs(['new', '-d', '-n', 'perm', '--json', '--', '--permission-mode', 'default']);
    expect(started.code, started.stderr).toBe(0);
    const { id } = JSON.parse(started.stdout);
    expect((await cs(['send', 'perm', 'USE-TOOL now'])).code).toBe(0);
    expect((await cs(['wait', 'perm', '--until', 'waiting', '--timeout', '30'])).code).toBe(0);
    await waitFor(() => /Esc to cancel/.test(pane(id)));
    keys(id, 'Escape');
    await waitFor(() => /Interrupted/.test(pane(id)) && PROMPT_READY.test(pane(id)));

    const idle = await cs(['wait', 'perm', '--until', 'idle', '--timeout', '30', '--json']);
    expect(idle.code, idle.stderr).toBe(0);
    expect(JSON.parse(idle.stdout)).toMatchObject({ state: 'idle' });
    // The hooks' own record still says waiting: the screen told.
    expect(stateFile(id)).toBe('waiting\n');
    expect(await listed('perm')).toMatchObject({ activity: 'idle' });
    expect(existsSync(join(project, 'touched'))).toBe(false);

    const sent = await cs(['send', 'perm', 'say hi']);
    expect(sent.code, sent.stderr).toBe(0);
    expect((await cs(['wait', 'perm', '--until', 'idle', '--timeout', '30'])).code).toBe(0);
    await waitFor(() => /^● FAKE-REPLY-OK$/m.test(pane(id)));
    expect(stateFile(id)).toBe('idle\n');
  }, 120_000);
});
