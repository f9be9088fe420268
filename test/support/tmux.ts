// Drive a terminal program in real tmux, on a private server (own socket file in a temp dir,
// own config), never the user's default server. argv arrays only, no shell strings.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export interface TmuxOptions {
  /** Program and arguments, run directly by tmux (no shell). */
  cmd: string[];
  /** The program's whole environment (default process.env). Also given as `-e VAR=value` each. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  width?: number;
  height?: number;
  /** TERM inside the pane (tmux's default-terminal); default xterm-256color. */
  term?: string;
}

export interface TmuxSession {
  /** Session name; target it as `=name` (session commands) or `=name:` (pane commands). */
  name: string;
  /** Socket path of the private server (for `tmux -S socket ...` by hand). */
  socket: string;
  /** Type literal text (send-keys -l). */
  send(text: string): Promise<void>;
  /** Press Enter. */
  enter(): Promise<void>;
  /** Press tmux key names, e.g. 'C-c', 'Escape', 'Down'. */
  keys(...names: string[]): Promise<void>;
  /** The visible screen, trailing spaces of each line and trailing empty lines removed. */
  capture(): Promise<string>;
  /** Poll the screen every 100 ms until it matches; throws with the last screen on time-out. */
  waitFor(match: RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  /** How the program ended, once it has (the pane stays: remain-on-exit); null while it runs. */
  exitStatus(): Promise<PaneExit | null>;
  /** Kill the private server and remove its temp dir. Safe to call twice. */
  kill(): Promise<void>;
}

/**
 * `code` when the program exited, `signal` (number) when a signal killed it. tmux 3.3 does not always
 * learn the status (seen with Claude Code's C-c C-c and "No, exit"): then both are null.
 */
export interface PaneExit {
  code: number | null;
  signal: number | null;
}

let counter = 0;

export async function startTmux(opts: TmuxOptions): Promise<TmuxSession> {
  const dir = await mkdtemp(join(tmpdir(), 'cs-tmux-'));
  const socket = join(dir, 'sock');
  const conf = join(dir, 'tmux.conf');
  const term = opts.term ?? 'xterm-256color';
  await writeFile(
    conf,
    `set -g remain-on-exit on\nset -g default-terminal "${term}"\nset -g history-limit 10000\nset -g status off\n`,
  );
  const name = `cs${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  // Pane/window targets need the trailing colon: `-t =name` is looked up as a pane and fails.
  const target = `=${name}:`;
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env) };
  delete env.TMUX;
  delete env.TMUX_PANE;

  // The tmux client's own env becomes the new server's global environment, so give it the same env.
  const tmux = async (...args: string[]): Promise<string> => {
    const { stdout } = await execFileP('tmux', ['-S', socket, '-f', conf, ...args], {
      env,
      encoding: 'utf8',
      timeout: 10_000,
    });
    return stdout;
  };

  const envArgs = Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : ['-e', `${k}=${v}`]));
  try {
    await tmux(
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      String(opts.width ?? 120),
      '-y',
      String(opts.height ?? 40),
      ...(opts.cwd ? ['-c', opts.cwd] : []),
      ...envArgs,
      '--',
      ...opts.cmd,
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  let killed = false;
  const capture = async (): Promise<string> => {
    const out = await tmux('capture-pane', '-p', '-t', target);
    return out
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .replace(/\n+$/, '');
  };

  return {
    name,
    socket,
    send: async (text) => void (await tmux('send-keys', '-t', target, '-l', '--', text)),
    enter: async () => void (await tmux('send-keys', '-t', target, 'Enter')),
    keys: async (...names) => void (await tmux('send-keys', '-t', target, ...names)),
    capture,
    async waitFor(match, timeoutMs = 15_000) {
      const test = typeof match === 'function' ? match : (s: string) => match.test(s);
      const deadline = Date.now() + timeoutMs;
      let screen = '';
      for (;;) {
        screen = await capture();
        if (test(screen)) return screen;
        if (Date.now() >= deadline) {
          throw new Error(
            `tmux ${name}: timed out after ${timeoutMs} ms waiting for ${String(match)}; screen:\n${screen}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async exitStatus() {
      const fmt = '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}';
      const [dead, code, signal] = (await tmux('display-message', '-p', '-t', target, fmt)).trim().split(':');
      if (dead !== '1') return null;
      return { code: code ? Number(code) : null, signal: signal ? Number(signal) : null };
    },
    async kill() {
      if (killed) return;
      killed = true;
      await tmux('kill-server').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
