import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { PROMPT_READY, pane as paneOf, realEnv, trustInBase } from './support/real-session.js';
import { CLI, isAlive, Sandbox, waitFor } from './support/sandbox.js';
import { startTmux, type TmuxSession } from './support/tmux.js';

// Sessions in our tmux server with the real Claude Code binary against a fake Anthropic API: started
// detached, driven with send and wait, attached from a terminal that then drops like an SSH connection.
let claude: string;
let api: FakeAnthropic;
let sandbox: Sandbox;
let project: string;
const terminals: TmuxSession[] = [];

function reply(request: RecordedRequest) {
  const text = lastUserText(request);
  const tools = (request.body as { tools?: unknown[] }).tools;
  if (text.includes('USE-TOOL') && !isToolResultTurn(request) && tools && tools.length > 0) {
    return {
      toolUse: { name: 'Bash', input: { command: `touch ${project}/touched`, description: 'Touch a file' } },
    };
  }
  return 'FAKE-REPLY-OK';
}

beforeAll(async () => {
  claude = await ensureRealClaude();
  // Prompts with SLOW are answered after a while, so that a test can see the session working; with
  // STUCK, not before the test has interrupted it.
  api = await startFakeAnthropic({
    reply,
    delayMs: (request) => {
      const text = lastUserText(request);
      return text.includes('STUCK') ? 60_000 : text.includes('SLOW') ? 2_000 : 0;
    },
  });
}, 600_000);
afterAll(async () => api?.close());

beforeEach(() => {
  sandbox = new Sandbox();
  project = join(sandbox.dir, 'project');
  mkdirSync(project);
  trustInBase(sandbox, project);
});
afterEach(async () => {
  for (const terminal of terminals.splice(0)) await terminal.kill();
  await sandbox.killSessions();
  sandbox.cleanup();
});

const env = () => realEnv(sandbox, claude, api);

const cs = (args: string[]) => sandbox.run(args, { env: env(), cwd: project });

async function listed(name: string): Promise<Record<string, unknown>> {
  const views = JSON.parse((await cs(['list', '--json'])).stdout) as Record<string, unknown>[];
  const view = views.find((candidate) => candidate.name === name);
  if (!view) throw new Error(`no session ${name} in list`);
  return view;
}

const pane = (id: string) => paneOf(sandbox, id);

/** A terminal (a pane of a separate tmux server, a pty as sshd gives one) running `claude-session attach`. */
async function attachFrom(name: string): Promise<TmuxSession> {
  const terminal = await startTmux({ cmd: [CLI, 'attach', name], env: env(), cwd: project });
  terminals.push(terminal);
  return terminal;
}

describe('sessions in tmux with the real Claude Code', () => {
  it('starts detached, takes a prompt by send, works, becomes idle, and shows the reply', async () => {
    const started = await cs([
      'new',
      '--detach',
      '--name',
      'bg',
      '--json',
      '--',
      '--permission-mode',
      'default',
    ]);
    expect(started.code, started.stderr).toBe(0);
    const { id } = JSON.parse(started.stdout);
    // It returns once Claude is ready: its first hook has reported.
    expect(await listed('bg')).toMatchObject({
      state: 'running',
      mode: 'tmux',
      activity: 'idle',
      attached: 0,
    });
    await waitFor(() => PROMPT_READY.test(pane(id)));

    const sent = await cs(['send', 'bg', 'SLOW say hi']);
    expect(sent.code, sent.stderr).toBe(0);
    // send returns once Claude took the prompt; the answer takes 2 s.
    expect(await listed('bg')).toMatchObject({ activity: 'working' });
    const busy = await cs(['send', 'bg', 'another']);
    expect(busy.code).toBe(75);
    expect(busy.stderr).toMatch(
      /^claude-session: session "bg" \([0-9a-f]{8}\) is working on a prompt: .*wait bg --until idle/,
    );

    const idle = await cs(['wait', 'bg', '--until', 'idle', '--timeout', '60']);
    expect(idle.code, idle.stderr).toBe(0);
    await waitFor(() => /^● FAKE-REPLY-OK$/m.test(pane(id)));
    expect(pane(id)).toMatch(/❯ SLOW say hi/);
    expect(await listed('bg')).toMatchObject({ activity: 'idle' });

    // Several lines from stdin are one prompt, not one per line.
    const piped = await sandbox.run(['send', 'bg', '--stdin'], {
      env: env(),
      cwd: project,
      input: 'line one\nline two\n',
    });
    expect(piped.code, piped.stderr).toBe(0);
    expect((await cs(['wait', 'bg', '--until', 'idle', '--timeout', '60'])).code).toBe(0);
    const history = readFileSync(join(sandbox.root, 'sessions', id, 'config', 'history.jsonl'), 'utf8');
    expect(history).toContain('"display":"line one\\nline two"');
  }, 120_000);

  it('survives a dropped terminal: Claude lives on, unchanged, and a new attach shows the conversation', async () => {
    expect((await cs(['new', '-d', '-n', 'ssh', '--', '--permission-mode', 'default'])).code).toBe(0);
    expect((await cs(['send', 'ssh', 'say hi'])).code).toBe(0);
    expect((await cs(['wait', 'ssh', '--until', 'idle', '--timeout', '60'])).code).toBe(0);
    const before = await listed('ssh');

    const first = await attachFrom('ssh');
    await first.waitFor((screen) => /● FAKE-REPLY-OK/.test(screen) && /❯ say hi/.test(screen), 30_000);
    const clients = sandbox.tmux('list-clients', '-F', '#{client_pid}').stdout.trim().split('\n');
    expect(clients).toHaveLength(1);
    expect(await listed('ssh')).toMatchObject({ attached: 1 });
    // No Node process of ours while attached: the launcher became the tmux client.
    const client = Number(clients[0]);
    expect(readFileSync(`/proc/${client}/cmdline`, 'utf8').split('\0')[0]).toMatch(/tmux$/);

    // What a dropped SSH connection does to the client.
    process.kill(client, 'SIGHUP');
    await waitFor(() => sandbox.tmux('list-clients').stdout.trim() === '');
    const after = await listed('ssh');
    expect(after).toMatchObject({ state: 'running', activity: 'idle', attached: 0, pid: before.pid });
    expect(after.activitySince).toBe(before.activitySince);
    expect(isAlive(before.pid as number)).toBe(true);

    // Two terminals at once both see it, as tmux does.
    const second = await attachFrom('ssh');
    const third = await attachFrom('ssh');
    for (const terminal of [second, third]) {
      await terminal.waitFor((screen) => /● FAKE-REPLY-OK/.test(screen) && /❯ say hi/.test(screen), 30_000);
    }
    expect(await listed('ssh')).toMatchObject({ attached: 2 });
  }, 120_000);

  it('reports waiting when a tool needs permission, tells the user, and refuses to type into the question', async () => {
    const notes = join(sandbox.dir, 'notes');
    mkdirSync(join(sandbox.home, '.config', 'claude-sessions'), { recursive: true });
    writeFileSync(
      join(sandbox.home, '.config', 'claude-sessions', 'config.json'),
      JSON.stringify({ notify: { command: `printf '%s %s\\n' "$1" "$2" >> ${notes}` } }),
    );
    expect((await cs(['new', '-d', '-n', 'perm', '--', '--permission-mode', 'default'])).code).toBe(0);
    expect((await cs(['send', 'perm', 'USE-TOOL please'])).code).toBe(0);
    const waiting = await cs(['wait', 'perm', '--until', 'waiting', '--timeout', '60', '--json']);
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(JSON.parse(waiting.stdout)).toMatchObject({ state: 'waiting' });
    expect(await listed('perm')).toMatchObject({ activity: 'waiting' });
    expect(existsSync(join(project, 'touched'))).toBe(false);
    await waitFor(() => existsSync(notes) && readFileSync(notes, 'utf8'));
    expect(readFileSync(notes, 'utf8')).toBe('perm waiting\n');

    const refused = await cs(['send', 'perm', 'yes']);
    expect(refused.code).toBe(75);
    expect(refused.stderr).toContain('is waiting for an answer');
    expect((await cs(['wait', 'perm', '--until', 'idle', '--timeout', '1'])).code).toBe(124);
  }, 120_000);

  it('sees an interrupt (Esc, which fires no hook) as idle, and will not send into the prompt Claude put back', async () => {
    const started = await cs(['new', '-d', '-n', 'esc', '--json']);
    const { id } = JSON.parse(started.stdout);
    await waitFor(() => PROMPT_READY.test(pane(id)));
    expect((await cs(['send', 'esc', 'STUCK say hi'])).code).toBe(0);
    expect(await listed('esc')).toMatchObject({ activity: 'working' });
    await waitFor(() => /esc to interrupt/.test(pane(id)));
    sandbox.tmux('send-keys', '-t', `=${id}:`, 'Escape');

    const idle = await cs(['wait', 'esc', '--until', 'idle', '--timeout', '30']);
    expect(idle.code, idle.stderr).toBe(0);
    expect(await listed('esc')).toMatchObject({ activity: 'idle' });
    // The hooks' own record still says working: the screen told.
    expect(readFileSync(join(sandbox.root, 'sessions', id, 'state'), 'utf8')).toBe('working\n');

    // Claude put the interrupted prompt back into its box: sending now would append to it.
    const refused = await cs(['send', 'esc', 'say hi']);
    expect(refused.code).toBe(75);
    expect(refused.stderr).toContain('has unsent text in its prompt box ("STUCK say hi")');
    sandbox.tmux('send-keys', '-t', `=${id}:`, 'C-u');
    await waitFor(() => /^❯\s*$/m.test(pane(id).split('\n').slice(-4).join('\n')));

    // The new prompt shows as working from when it was sent, although the state file said working
    // already (send returns when the hook has written it), then idle with the reply.
    const interrupted = await listed('esc');
    const sent = await cs(['send', 'esc', 'SLOW say hi']);
    expect(sent.code, sent.stderr).toBe(0);
    const taken = await listed('esc');
    expect(taken.activity).toBe('working');
    expect(Date.parse(taken.activitySince as string)).toBeGreaterThan(
      Date.parse(interrupted.activitySince as string),
    );
    expect((await cs(['wait', 'esc', '--until', 'idle', '--timeout', '60'])).code).toBe(0);
    await waitFor(() => /^● FAKE-REPLY-OK$/m.test(pane(id)));
    expect(readFileSync(join(sandbox.root, 'sessions', id, 'state'), 'utf8')).toBe('idle\n');
  }, 120_000);

  it('when the tmux server is killed, its sessions show as ended and resume', async () => {
    expect((await cs(['new', '-d', '-n', 'gone'])).code).toBe(0);
    expect((await cs(['send', 'gone', 'say hi'])).code).toBe(0);
    expect((await cs(['wait', 'gone', '--until', 'idle', '--timeout', '60'])).code).toBe(0);
    const { pid } = await listed('gone');
    sandbox.tmux('kill-server');
    await waitFor(() => !isAlive(pid as number));
    expect(await listed('gone')).toMatchObject({ state: 'exited', activity: null });
    const send = await cs(['send', 'gone', 'hello']);
    expect(send.code).toBe(1);
    expect(send.stderr).toContain('is not running: `claude-session attach gone` resumes it in tmux');

    const resumed = await cs(['resume', '--detach', 'gone']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const { id } = await listed('gone');
    await waitFor(() => /❯ say hi/.test(pane(id as string)) && /● FAKE-REPLY-OK/.test(pane(id as string)));
  }, 120_000);
});
