import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, type FakeRecord, isAlive, Sandbox, snapshot, waitFor } from './support/sandbox.js';
import { startTmux, type TmuxSession } from './support/tmux.js';

// Sessions in our tmux server, with the fake claude (test/support/fake-claude.mjs) in its interactive
// mode: it runs the session's hooks as Claude does, answers each line, and records its argv and env.
let sandbox: Sandbox;
const terminals: TmuxSession[] = [];

beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  for (const terminal of terminals.splice(0)) await terminal.kill();
  await sandbox.killSessions();
  sandbox.cleanup();
});

const interactive = { FAKE_CLAUDE_INTERACTIVE: '1', FAKE_CLAUDE_REPLY_MS: '300' };
const cs = (args: string[], env: Record<string, string | undefined> = {}) =>
  sandbox.run(args, { env: { ...interactive, ...env }, cwd: sandbox.dir });

function recordOf(pid: number): FakeRecord {
  const record = sandbox.records().find((candidate) => candidate.pid === pid);
  if (!record) throw new Error(`no record of pid ${pid}`);
  return record;
}

async function started(
  name: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<{ id: string; pid: number }> {
  const result = await cs(['new', '--detach', '--json', '--name', name, ...extra], env);
  expect(result.code, result.stderr).toBe(0);
  const { id, pid } = JSON.parse(result.stdout);
  await waitFor(() => sandbox.records().some((record) => record.pid === pid));
  return { id, pid };
}

/** A terminal (a pane of a separate tmux server) running `claude-session attach NAME`. */
async function attachTerminal(name: string): Promise<TmuxSession> {
  const terminal = await startTmux({
    cmd: [CLI, 'attach', name],
    env: sandbox.env(interactive),
    cwd: sandbox.dir,
  });
  terminals.push(terminal);
  return terminal;
}

describe('new --detach', () => {
  it("gives Claude exactly the terminal launch's environment and arguments, and no Node process stays", async () => {
    const hostile = ['a b', '$(touch /tmp/pwned)', 'line\nbreak', '-', '\\n', "it's", ''];
    const env = { SECRET_TOKEN: 'sk-secret-value', ODD_VALUE: 'x\ny\\z' };
    const terminal = await cs(['--name', 'here', '--', ...hostile], {
      ...env,
      FAKE_CLAUDE_INTERACTIVE: undefined,
    });
    expect(terminal.code, terminal.stderr).toBe(0);
    const { id, pid } = await started('args', ['--', ...hostile], env);

    const inTerminal = sandbox
      .records()
      .find((record) => record.env.CLAUDE_SESSION_NAME === 'here') as FakeRecord;
    const inTmux = recordOf(pid);
    expect(inTmux.argv.slice(2)).toEqual(hostile);
    expect(inTmux.argv.slice(2)).toEqual(inTerminal.argv.slice(2));
    const sessionOwn =
      /^(CLAUDE_SESSION_(ID|NAME|DIR|TMUX|TMUX_BIN|TMUX_MESSAGE)|CLAUDE_CONFIG_DIR|CLAUDE_CODE_TMPDIR|TERM|TMUX|TMUX_PANE|FAKE_CLAUDE_INTERACTIVE|FAKE_CLAUDE_REPLY_MS|_|SHLVL|PWD|OLDPWD)$/;
    const comparable = (record: FakeRecord) =>
      Object.fromEntries(Object.entries(record.env).filter(([name]) => !sessionOwn.test(name)));
    expect(comparable(inTmux)).toEqual(comparable(inTerminal));
    expect(inTmux.env.SECRET_TOKEN).toBe('sk-secret-value');
    expect(inTmux.env.ODD_VALUE).toBe('x\ny\\z');
    expect(inTmux.env.TMUX).toMatch(new RegExp(`^${sandbox.tmuxSocket},`));
    expect(inTmux.env.CLAUDE_SESSION_TMUX).toBe(sandbox.tmuxSocket);
    expect(existsSync('/tmp/pwned')).toBe(false);

    // Claude is the pane's process (the launcher execed it), and the pane's plan file is gone.
    expect(sandbox.sessionRecord(id).process?.pid).toBe(pid);
    expect(readdirSync(join(sandbox.root, 'sessions', id))).not.toContain('pane-plan');
    const panes = sandbox.tmux('list-panes', '-a', '-F', '#{pane_pid}').stdout.trim().split('\n').map(Number);
    expect(panes).toContain(pid);
    // No secret on any command line of the tmux server or its panes.
    for (const process_ of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${process_}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      expect(cmdline).not.toContain('sk-secret-value');
      if (cmdline.includes('cli.cjs')) expect(cmdline).not.toContain(sandbox.root);
    }
  });

  it('starts in a directory whose name tmux would read as the end of a command ("x;")', async () => {
    const odd = join(sandbox.dir, 'odd dir;');
    mkdirSync(odd);
    const result = await sandbox.run(['new', '-d', '--json', '-n', 'odd'], {
      env: interactive,
      cwd: odd,
    });
    expect(result.code, result.stderr).toBe(0);
    const { pid } = JSON.parse(result.stdout);
    await waitFor(() => sandbox.records().some((record) => record.pid === pid));
    expect(recordOf(pid).cwd).toBe(odd);
  });

  it('shows in list with its state and where it runs, and sessions are ids in our own tmux server', async () => {
    const { id, pid } = await started('bg');
    const [view] = JSON.parse((await cs(['list', '--json'])).stdout);
    expect(view).toMatchObject({
      id,
      name: 'bg',
      state: 'running',
      mode: 'tmux',
      activity: 'idle',
      attached: 0,
      pid,
    });
    const table = (await cs(['list'])).stdout;
    expect(table).toMatch(/bg\s+idle\s+tmux\s+/);
    expect(sandbox.tmux('list-sessions', '-F', '#{session_name}').stdout.trim()).toBe(id);
    // The user's default tmux server is not ours.
    expect(sandbox.tmuxSocket.startsWith(sandbox.root)).toBe(true);
  });

  it('send types a prompt and returns once taken; wait blocks until idle', async () => {
    const gate = join(sandbox.dir, 'reply-gate');
    const { id } = await started('chat', [], { FAKE_CLAUDE_REPLY_GATE: gate });
    const sent = await cs(['send', 'chat', 'hello', 'there']);
    expect(sent.code, sent.stderr).toBe(0);
    // Claude has the prompt and has not answered yet (it answers once the gate is open).
    expect(JSON.parse((await cs(['list', '--json'])).stdout)[0].activity).toBe('working');
    writeFileSync(gate, '');
    const waited = await cs(['wait', 'chat', '--until', 'idle', '--timeout', '20', '--json']);
    expect(waited.code, waited.stderr).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({ id, state: 'idle' });
    await waitFor(() =>
      /FAKE-ANSWER: hello there/.test(sandbox.tmux('capture-pane', '-p', '-t', `=${id}:`).stdout),
    );
    // Control characters never reach the pane as keys (no end of the paste, no interrupt).
    const piped = await sandbox.run(['send', 'chat', '--stdin'], {
      env: interactive,
      input: 'first\u001b[201~\u0003 line\n',
    });
    expect(piped.code, piped.stderr).toBe(0);
    expect((await cs(['wait', 'chat', '--until', 'idle', '--timeout', '20'])).code).toBe(0);
    const history = readFileSync(join(sandbox.root, 'sessions', id, 'config', 'history.jsonl'), 'utf8');
    expect(history).toContain('"display":"first[201~ line"');
  });

  it('sees a dialog that fires no hook on the screen: a stale working becomes waiting', async () => {
    await started('silent');
    expect((await cs(['send', 'silent', 'SILENT-DIALOG now'])).code).toBe(0);
    // The hooks said working and nothing since; after a few seconds the screen is looked at.
    expect(JSON.parse((await cs(['list', '--json'])).stdout)[0].activity).toBe('working');
    const waited = await cs(['wait', 'silent', '--until', 'waiting', '--timeout', '20']);
    expect(waited.code, waited.stderr).toBe(0);
    expect(JSON.parse((await cs(['list', '--json'])).stdout)[0].activity).toBe('waiting');
    const busy = await cs(['send', 'silent', 'hello']);
    expect(busy.code).toBe(75);
    expect(busy.stderr).toContain('is waiting for an answer');
  });

  it('notifies when a detached session starts waiting, once, with the configured command', async () => {
    const notes = join(sandbox.dir, 'notes');
    const config = join(sandbox.dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        notify: { command: `printf '%s %s %s\\n' "$1" "$2" "$CLAUDE_SESSION_STATE" >> '${notes}'` },
      }),
    );
    const env = { CLAUDE_SESSION_CONFIG: config };
    const result = await cs(['new', '-d', '-n', 'asks'], env);
    expect(result.code, result.stderr).toBe(0);
    expect((await cs(['send', 'asks', 'NEED-PERMISSION now'], env)).code).toBe(0);
    expect((await cs(['wait', 'asks', '--until', 'waiting', '--timeout', '20'], env)).code).toBe(0);
    await waitFor(() => existsSync(notes) && readFileSync(notes, 'utf8'));
    const refused = await cs(['send', 'asks', 'y'], env);
    expect(refused.code).toBe(75);
    expect((await cs(['send', 'asks', '--force', 'y'], env)).code).toBe(0);
    expect((await cs(['wait', 'asks', '--until', 'idle', '--timeout', '20'], env)).code).toBe(0);
    // PermissionRequest and the permission_prompt notification both mean waiting: one notice.
    expect(readFileSync(notes, 'utf8')).toBe('asks waiting waiting\n');
  });
});

describe('attach', () => {
  it('attaches a terminal with no Node process left, and resumes an ended session in tmux first', async () => {
    // A user's tmux.conf that ends sessions nobody is attached to does not end ours.
    writeFileSync(
      join(sandbox.home, '.tmux.conf'),
      'set -g destroy-unattached on\nset -s exit-unattached on\n',
    );
    const { id, pid } = await started('att');
    const terminal = await attachTerminal('att');
    await terminal.waitFor(/fake-claude ready>/);
    // The status line names the session, not its id.
    await terminal.waitFor(/^\[att\] /m);
    const clients = sandbox.tmux('list-clients', '-F', '#{client_pid} #{session_name}').stdout.trim();
    expect(clients).toMatch(new RegExp(`^\\d+ ${id}$`));
    const clientPid = Number(clients.split(' ')[0]);
    expect(readFileSync(`/proc/${clientPid}/cmdline`, 'utf8').split('\0')[0]).toMatch(/tmux$/);

    // Keys typed in the attached terminal reach Claude; C-b d detaches and Claude goes on.
    await terminal.send('typed here');
    await terminal.enter();
    await terminal.waitFor(/FAKE-ANSWER: typed here/);
    await terminal.keys('C-b', 'd');
    await waitFor(() => sandbox.tmux('list-clients').stdout.trim() === '');
    // Claude still answers after the detach: a line typed into its pane now gets its reply.
    expect(sandbox.tmux('send-keys', '-t', `=${id}:`, '-l', 'after detach').code).toBe(0);
    expect(sandbox.tmux('send-keys', '-t', `=${id}:`, 'Enter').code).toBe(0);
    await waitFor(() =>
      sandbox.tmux('capture-pane', '-p', '-t', `=${id}:`).stdout.includes('FAKE-ANSWER: after detach'),
    );
    expect(isAlive(pid)).toBe(true);
    expect(sandbox.tmux('has-session', '-t', `=${id}`).code).toBe(0);

    expect((await cs(['kill', 'att'])).code).toBe(0);
    const again = await attachTerminal('att');
    await again.waitFor(/fake-claude ready>/);
    const record = sandbox.sessionRecord(id);
    expect(record.process?.pid).not.toBe(pid);
    expect(record.launches).toBe(2);
  });

  it('when Claude exits, its tmux session ends and the terminal returns, even with remain-on-exit in tmux.conf', async () => {
    writeFileSync(join(sandbox.home, '.tmux.conf'), 'set -g remain-on-exit on\n');
    const { id, pid } = await started('bye');
    const terminal = await attachTerminal('bye');
    await terminal.waitFor(/fake-claude ready>/);
    await terminal.send('/exit');
    await terminal.enter();
    await waitFor(() => !isAlive(pid));
    // The terminal's program (the tmux client that attach became) ends with the session.
    await waitFor(() => terminal.exitStatus(), 10_000);
    expect(sandbox.tmux('has-session', '-t', `=${id}`).code).not.toBe(0);
  });

  it('two attaches at once to an ended session: one Claude, both terminals on it', async () => {
    const { id } = await started('both');
    expect((await cs(['kill', 'both'])).code).toBe(0);
    const pair = await Promise.all([attachTerminal('both'), attachTerminal('both')]);
    for (const terminal of pair) await terminal.waitFor(/fake-claude ready>/);
    await waitFor(
      () => sandbox.tmux('list-clients', '-F', '#{session_name}').stdout.trim() === `${id}\n${id}`,
    );
    expect(sandbox.tmux('list-sessions', '-F', '#{session_name}').stdout.trim()).toBe(id);
    expect(sandbox.sessionRecord(id).launches).toBe(2);
    const claudes = sandbox
      .records()
      .filter((record) => record.env.CLAUDE_SESSION_ID === id && isAlive(record.pid));
    expect(claudes).toHaveLength(1);
  });

  it('refuses, in one line, what cannot be attached', async () => {
    const missing = await cs(['attach', 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toBe(
      'claude-session: no session "nope": see `claude-session list` for ids and names\n',
    );

    const running = sandbox.run(['--name', 'term'], {
      env: { FAKE_CLAUDE_SLEEP_MS: '20000' },
      cwd: sandbox.dir,
    });
    const id = await waitFor(() => sandbox.sessionIds()[0]);
    await waitFor(() => sandbox.records().some((record) => record.env.CLAUDE_SESSION_ID === id));
    const terminal = await cs(['attach', 'term']);
    expect(terminal.code).toBe(1);
    expect(terminal.stderr).toMatch(
      /^claude-session: session "term" \([0-9a-f]{8}\) runs in a terminal \(pid \d+\), not in tmux: use that terminal.*\n$/,
    );
    const send = await cs(['send', 'term', 'hi']);
    expect(send.code).toBe(1);
    expect(send.stderr).toContain('runs in a terminal');

    // kill works for terminal sessions too: SIGTERM reaches Claude.
    const killed = await cs(['kill', 'term', '--json']);
    expect(killed.code, killed.stderr).toBe(0);
    expect(JSON.parse(killed.stdout)).toMatchObject({ name: 'term', signal: 'SIGTERM' });
    expect((await running).code).toBe(143);
    const audit = readFileSync(join(sandbox.root, 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(audit.filter((entry) => entry.action === 'killed')).toHaveLength(1);
    const ended = await cs(['kill', 'term']);
    expect(ended.code).toBe(1);
    expect(ended.stderr).toBe(`claude-session: session "term" (${id.slice(0, 8)}) is not running\n`);
  });
});

describe('kill', () => {
  it('ends a session in tmux with SIGTERM, removes its tmux session, and falls back to SIGKILL', async () => {
    const { id, pid } = await started('k');
    const result = await cs(['kill', 'k']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^killed session "k" \([0-9a-f]{8}\) \(pid \d+, SIGTERM\)\n$/);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(join(sandbox.log, `${pid}.sigterm`))).toBe(true);
    expect(sandbox.tmux('has-session', '-t', `=${id}`).code).not.toBe(0);
    expect(JSON.parse((await cs(['list', '--json'])).stdout)[0]).toMatchObject({
      state: 'exited',
      activity: null,
    });
    const log = (await cs(['log', '--json'])).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(log.map((entry) => entry.action).filter((action) => action !== 'protection-changed')).toEqual([
      'created',
      'killed',
    ]);

    // A Claude that ignores SIGTERM gets SIGKILL after the grace time.
    const stubborn = await started('stubborn', [], { FAKE_CLAUDE_IGNORE_TERM: '1' });
    const hard = await cs(['kill', 'stubborn', '--grace', '0.5', '--json']);
    expect(hard.code, hard.stderr).toBe(0);
    expect(JSON.parse(hard.stdout)).toMatchObject({ signal: 'SIGKILL after 0.5 s' });
    expect(isAlive(stubborn.pid)).toBe(false);
  });

  it("signals only the session's own Claude: a record naming another live process gets it refused", async () => {
    // A terminal session whose record is made to name another process of the user's (a forged or
    // hand-edited record, or one a pid was reused for): kill must not signal it.
    const terminal = await cs(['--name', 't', '--', '-p', 'x'], { FAKE_CLAUDE_INTERACTIVE: undefined });
    expect(terminal.code, terminal.stderr).toBe(0);
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await waitFor(() => existsSync(`/proc/${bystander.pid}/stat`));
      const id = sandbox.sessionIds()[0] as string;
      const stat = readFileSync(`/proc/${bystander.pid}/stat`, 'utf8');
      const startTime = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      const record = sandbox.sessionRecord(id);
      const forged = {
        ...record,
        process: { pid: bystander.pid, startTime, bootId, startedAt: new Date().toISOString() },
      };
      writeFileSync(join(sandbox.root, 'sessions', id, 'session.json'), JSON.stringify(forged));
      const refused = await cs(['kill', 't', '--grace', '0.2']);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toMatch(
        new RegExp(
          `^claude-session: session "t" \\([0-9a-f]{8}\\): pid ${bystander.pid} is not its Claude .*nothing was signalled`,
        ),
      );
      expect(isAlive(bystander.pid as number)).toBe(true);
      expect(bystander.exitCode).toBe(null);
    } finally {
      bystander.kill('SIGKILL');
    }
  });
});

describe('faults', () => {
  it('without tmux: one clear line with the install command, nothing written; the terminal mode works', async () => {
    // A PATH with node and the fake claude, but no tmux.
    const bin = join(sandbox.dir, 'bin-no-tmux');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync('/bin/sh', join(bin, 'sh'));
    symlinkSync(join(sandbox.bin, 'claude'), join(bin, 'claude'));
    for (const tool of ['env', 'rm', 'readlink', 'setsid', 'apt-get']) {
      for (const dir of ['/usr/bin', '/bin']) {
        if (existsSync(join(dir, tool)) && !existsSync(join(bin, tool)))
          symlinkSync(join(dir, tool), join(bin, tool));
      }
    }
    const before = snapshot(sandbox.home);
    for (const args of [['new', '-d'], ['--tmux'], ['attach', 'x']]) {
      const result = await cs(args, { PATH: bin });
      if (args[0] === 'attach') {
        expect(result.stderr).toContain('no session "x"');
        continue;
      }
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'claude-session: tmux is not installed: sudo apt-get install tmux (without tmux, `claude-session --terminal` runs a session in this terminal)\n',
      );
    }
    expect(snapshot(sandbox.home)).toBe(before);
    const plain = await cs(['--terminal', '--', '-p', 'x'], {
      PATH: bin,
      CLAUDE_SESSION_MODE: 'tmux',
      FAKE_CLAUDE_INTERACTIVE: undefined,
    });
    expect(plain.code, plain.stderr).toBe(0);
  });

  it('the tmux server killed under live sessions: they show as ended, and attach resumes them', async () => {
    const one = await started('one');
    const two = await started('two');
    sandbox.tmux('kill-server');
    await waitFor(() => !isAlive(one.pid) && !isAlive(two.pid));
    const views = JSON.parse((await cs(['list', '--json'])).stdout);
    expect(views.map((view: { state: string }) => view.state)).toEqual(['exited', 'exited']);
    const resumed = await cs(['resume', '-d', 'one']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse((await cs(['list', '--json'])).stdout)[0]).toMatchObject({
      name: 'one',
      state: 'running',
      mode: 'tmux',
    });
  });

  it('bad input to wait and send: one line, a usage exit status', async () => {
    await started('w');
    const bad = await cs(['wait', 'w', '--until', 'done']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const badTimeout = await cs(['wait', 'w', '--until', 'idle', '--timeout', 'soon']);
    expect(badTimeout.code).toBe(2);
    const timedOut = await cs(['wait', 'w', '--until', 'waiting', '--timeout', '0.3']);
    expect(timedOut.code).toBe(124);
    expect(timedOut.stderr).toMatch(/is still idle after 0.3 s/);
    const empty = await cs(['send', 'w', '   ']);
    expect(empty.code).toBe(2);
    const both = await cs(['new', '-d', '--tmux']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('claude-session: choose one of --detach, --tmux and --terminal\n');
  });
});

describe('the tmux mode and its neighbours', () => {
  it('with "mode": "tmux", a plain claude-session starts the session in tmux and attaches', async () => {
    const env = sandbox.env({ ...interactive, CLAUDE_SESSION_MODE: 'tmux' });
    const terminal = await startTmux({ cmd: [CLI, '--name', 'auto'], env, cwd: sandbox.dir });
    terminals.push(terminal);
    await terminal.waitFor(/fake-claude ready>/);
    const [view] = JSON.parse((await cs(['list', '--json'])).stdout);
    expect(view).toMatchObject({ name: 'auto', mode: 'tmux', attached: 1, activity: 'idle' });
  });

  it('inside a session of ours, attach switches the client to the other session', async () => {
    const a = await started('a');
    const b = await started('b');
    await attachTerminal('a');
    await waitFor(() => sandbox.tmux('list-clients', '-F', '#{session_name}').stdout.trim() === a.id);
    // A window opened in session a runs `claude-session attach b` (as a user would, or a script there).
    sandbox.tmux('new-window', '-t', `=${a.id}:`, '--', CLI, 'attach', 'b');
    await waitFor(() => sandbox.tmux('list-clients', '-F', '#{session_name}').stdout.trim() === b.id);
  });

  it('a session that starts waiting while nobody watches it shows a message to attached terminals', async () => {
    const watched = await started('watched');
    await started('alone');
    const terminal = await attachTerminal('watched');
    await waitFor(() => sandbox.tmux('list-clients', '-F', '#{session_name}').stdout.trim() === watched.id);
    expect((await cs(['send', 'alone', 'NEED-PERMISSION'])).code).toBe(0);
    await terminal.waitFor(
      /claude-session: alone is waiting for you \(claude-session attach alone\)/,
      10_000,
    );

    // The attached session itself waiting: its terminal sees the question, no message about it.
    expect((await cs(['send', 'watched', 'NEED-PERMISSION'])).code).toBe(0);
    expect((await cs(['wait', 'watched', '--until', 'waiting', '--timeout', '20'])).code).toBe(0);
    // Claude runs its hooks (the one that would show the message) before it reads the answer.
    expect((await cs(['send', 'watched', '--force', 'y'])).code).toBe(0);
    await terminal.waitFor(/FAKE-ANSWER: allowed/);
    // tmux logs every message it was asked to show: the one about alone, none about watched.
    const messages = sandbox.tmux('show-messages').stdout;
    expect(messages).toContain('claude-session: alone is waiting for you');
    expect(messages).not.toContain('watched is waiting');
    expect(await terminal.capture()).not.toContain('watched is waiting');
  });

  it('list --watch redraws in place until Ctrl-C, and needs a terminal', async () => {
    const terminal = await startTmux({
      cmd: [CLI, 'list', '--watch', '--interval', '0.3'],
      env: sandbox.env(),
      cwd: sandbox.dir,
    });
    terminals.push(terminal);
    await terminal.waitFor(/no sessions in ~\/\.claude-sessions/);
    await started('later');
    await terminal.waitFor(/later\s+idle\s+tmux/);
    await terminal.keys('C-c');
    // Ctrl-C ends it (the launcher shell dies of SIGINT, as `watch` does; tmux may not learn a status).
    await waitFor(() => terminal.exitStatus(), 5_000);
    const watching = readdirSync('/proc').filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return (
          /node$/.test(argv.split('\0')[0] as string) && argv.includes('list\u0000--watch\u0000--interval')
        );
      } catch {
        return false;
      }
    });
    expect(watching).toEqual([]);
    const noTerminal = await cs(['list', '--watch']);
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toContain('--watch redraws a terminal');
  });
});

describe('the tmux server under systemd', () => {
  it('starts in a user scope of its own where a user manager answers, and plainly where none does', async () => {
    const runtime = join(sandbox.dir, 'runtime');
    mkdirSync(join(runtime, 'systemd'), { recursive: true });
    writeFileSync(join(runtime, 'systemd', 'private'), '');
    const calls = join(sandbox.dir, 'systemd-run.calls');
    // A systemd-run that records its arguments and runs the command after `--`, as --scope does.
    writeFileSync(
      join(sandbox.bin, 'systemd-run'),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> '${calls}'\n[ -n "$FAIL_SCOPE" ] && { echo 'Failed to connect to bus' >&2; exit 1; }\nwhile [ "$1" != -- ]; do shift; done\nshift\nexec "$@"\n`,
    );
    chmodSync(join(sandbox.bin, 'systemd-run'), 0o755);
    const first = await cs(['new', '-d', '-n', 'scoped'], { XDG_RUNTIME_DIR: runtime });
    expect(first.code, first.stderr).toBe(0);
    expect(readFileSync(calls, 'utf8')).toMatch(
      /^--user --scope --quiet --collect -- \S*tmux -S \S+ new-session -d /,
    );
    // The server runs now: a second session does not start another scope.
    expect((await cs(['new', '-d', '-n', 'second'], { XDG_RUNTIME_DIR: runtime })).code).toBe(0);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toHaveLength(1);

    sandbox.tmux('kill-server');
    const fallback = await cs(['new', '-d', '-n', 'plain'], { XDG_RUNTIME_DIR: runtime, FAIL_SCOPE: '1' });
    expect(fallback.code, fallback.stderr).toBe(0);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(
      JSON.parse((await cs(['list', '--json'])).stdout).find((v: { name: string }) => v.name === 'plain'),
    ).toMatchObject({
      state: 'running',
      activity: 'idle',
    });
  });
});
