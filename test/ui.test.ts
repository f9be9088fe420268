import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, isAlive, Sandbox, waitFor } from './support/sandbox.js';
import { startTmux, type TmuxSession } from './support/tmux.js';

// The dashboard in a real tmux: a terminal (a pane of the test's own tmux server) runs
// `claude-session ui`, which attaches it to our server's claude-session-ui session; sessions run the
// fake claude (test/support/fake-claude.mjs) interactively, with the real hooks.
let sandbox: Sandbox;
const terminals: TmuxSession[] = [];
const DASHBOARD = 'claude-session-ui';

beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  for (const terminal of terminals.splice(0)) await terminal.kill();
  await sandbox.killSessions();
  sandbox.cleanup();
});

const interactive = { FAKE_CLAUDE_INTERACTIVE: '1', FAKE_CLAUDE_REPLY_MS: '100' };
const cs = (args: string[]) => sandbox.run(args, { env: interactive, cwd: sandbox.dir });

async function started(name: string): Promise<{ id: string; pid: number }> {
  const result = await cs(['new', '--detach', '--json', '--name', name]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

async function dashboard(width = 100, height = 30, extra: Record<string, string> = {}): Promise<TmuxSession> {
  const terminal = await startTmux({
    cmd: [CLI, 'ui'],
    env: sandbox.env({ ...interactive, ...extra }),
    cwd: sandbox.dir,
    width,
    height,
  });
  terminals.push(terminal);
  await terminal.waitFor(/claude-session · \d+ sessions/, 15_000);
  return terminal;
}

/** The pid of the dashboard's process (its pane in our server). */
const dashboardPid = () =>
  Number(sandbox.tmux('display-message', '-p', '-t', `=${DASHBOARD}:`, '#{pane_pid}').stdout.trim());
const clientSession = () => sandbox.tmux('list-clients', '-F', '#{session_name}').stdout.trim();

describe('claude-session ui', () => {
  it('refuses without a terminal, in one line pointing at list --watch', async () => {
    const result = await sandbox.run(['ui']);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/needs a terminal.*list --watch/);
  });

  it('shows the sessions, waiting first; one started elsewhere appears; a state change shows', async () => {
    await started('alpha');
    const terminal = await dashboard();
    await terminal.waitFor(/- idle +\d+s +alpha/);
    // Started by another command while the dashboard runs.
    await started('beta');
    await terminal.waitFor(/beta/);
    // beta asks for a permission: its hook says waiting, and it comes first, marked without colour too.
    const sent = await cs(['send', 'beta', 'please NEED-PERMISSION']);
    expect(sent.code, sent.stderr).toBe(0);
    const screen = await terminal.waitFor(/! waiting +\d+s +beta/);
    const lines = screen.split('\n');
    const beta = lines.findIndex((line) => /! waiting.*beta/.test(line));
    const alpha = lines.findIndex((line) => /- idle.*alpha/.test(line));
    expect(beta).toBeGreaterThan(0);
    expect(beta).toBeLessThan(alpha);
    expect(screen).toMatch(/2 sessions, 2 live, 1 waiting/);
    // The selection stays where it was (alpha); selecting beta previews its screen: the question.
    expect(screen).toMatch(/^> - idle.*alpha/m);
    await terminal.keys('Up');
    await terminal.waitFor(/^> ! waiting.*beta[\s\S]*allow Bash\? \(y\/n\)/m);
  });

  it('Enter switches the terminal to the session, prefix u comes back, q quits leaving nothing', async () => {
    const { id } = await started('alpha');
    const terminal = await dashboard();
    await terminal.waitFor(/alpha/);
    const pid = dashboardPid();
    expect(isAlive(pid)).toBe(true);
    await terminal.enter();
    await waitFor(() => clientSession() === id);
    await terminal.waitFor(/fake-claude ready>/);
    await terminal.keys('C-b', 'u');
    await waitFor(() => clientSession() === DASHBOARD);
    await terminal.waitFor(/claude-session · 1 sessions/);
    await terminal.send('q');
    await waitFor(() => sandbox.tmux('has-session', '-t', `=${DASHBOARD}`).code !== 0);
    await waitFor(() => !isAlive(pid));
    // The key went with it; the session itself runs on.
    expect(sandbox.tmux('list-keys', '-T', 'prefix', 'u').stdout).not.toContain(DASHBOARD);
    expect(sandbox.tmux('has-session', '-t', `=${id}`).code).toBe(0);
  });

  it('k kills the selected session after asking', async () => {
    const { pid } = await started('victim');
    const terminal = await dashboard();
    await terminal.waitFor(/victim/);
    await terminal.send('k');
    await terminal.waitFor(/Kill victim\?.*y: yes/);
    expect(isAlive(pid)).toBe(true);
    await terminal.send('y');
    await waitFor(() => !isAlive(pid));
    await terminal.waitFor(/killed session "victim"/);
    await terminal.waitFor(/\. exited .*victim| {2}empty .*victim/);
  });

  it('n starts a session with the name and directory asked', async () => {
    const terminal = await dashboard();
    await terminal.send('n');
    await terminal.waitFor(/name \(empty: none\): /);
    await terminal.send('fresh');
    await terminal.enter();
    await terminal.waitFor(/directory: \//);
    await terminal.enter();
    await terminal.waitFor(/- idle +\d+s +fresh|~ running +\d+s +fresh/);
    expect(sandbox.sessionIds()).toHaveLength(1);
  });

  it('x shows what rm would remove, and removes on y', async () => {
    const { id, pid } = await started('old');
    const killed = await cs(['kill', 'old']);
    expect(killed.code, killed.stderr).toBe(0);
    await waitFor(() => !isAlive(pid));
    const terminal = await dashboard();
    await terminal.waitFor(/old/);
    await terminal.send('x');
    await terminal.waitFor(/Remove old\?/);
    await terminal.waitFor(/would remove/i);
    await terminal.send('y');
    await waitFor(() => !sandbox.sessionIds().includes(id));
    await terminal.waitFor(/claude-session · 0 sessions/);
  });

  it('redraws to the new size on resize, and stays usable at 60x15', async () => {
    await started('alpha');
    const terminal = await dashboard(100, 30);
    await terminal.waitFor(/alpha/);
    // The terminal itself gets smaller: its tmux client, and so the dashboard's window, follow.
    spawnSync('tmux', [
      '-S',
      terminal.socket,
      'resize-window',
      '-t',
      `=${terminal.name}:`,
      '-x',
      '60',
      '-y',
      '15',
    ]);
    const screen = await terminal.waitFor((text) =>
      text
        .split('\n')
        .some(
          (line) => /^ claude-session · 1 sessions, 1 live +\d\d:\d\d:\d\d$/.test(line) && line.length === 60,
        ),
    );
    expect(screen).toMatch(/- idle +\d+s +alpha/);
    expect(screen).toMatch(/^ Enter attach {2}\? help {2}q quit/m);
  });

  it('shows a transcript with escape sequences escaped: nothing reaches the terminal raw', async () => {
    const { id, pid } = await started('hostile');
    await cs(['kill', 'hostile']);
    await waitFor(() => !isAlive(pid));
    const configDir = join(sandbox.root, 'sessions', id, 'config');
    const folder = join(configDir, 'projects', '-tmp-x');
    mkdirSync(folder, { recursive: true });
    const uuid = '11111111-2222-3333-4444-555555555555';
    const lines = [
      { type: 'user', message: { role: 'user', content: 'tell me' } },
      {
        type: 'assistant',
        message: {
          role: 'assistant',
          content: [{ type: 'text', text: 'BEFORE\u001b]2;pwned\u0007\u001b[2J\u009b31mAFTER' }],
        },
      },
    ];
    writeFileSync(join(folder, `${uuid}.jsonl`), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const terminal = await dashboard();
    await terminal.waitFor(/BEFOREAFTER/);
    const title = sandbox
      .tmux('display-message', '-p', '-t', `=${DASHBOARD}:`, '#{pane_title}')
      .stdout.trim();
    expect(title).not.toContain('pwned');
  });
});
