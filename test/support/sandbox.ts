import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const CLI = join(REPO, 'bin', 'claude-session');
/** The Node part that bin/claude-session runs. */
export const ENTRY = join(REPO, 'dist', 'cli.cjs');
export const FAKE_CLAUDE = join(REPO, 'test', 'support', 'fake-claude.mjs');

/** The test process's environment without anything of Claude's, ours, or colours. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(CLAUDE|ANTHROPIC|DISABLE_|FAKE_CLAUDE|XDG_|NPM_CONFIG|npm_)/.test(key)) continue;
    if (['NO_COLOR', 'FORCE_COLOR', 'COLORTERM', 'TMUX', 'VITEST', 'NODE_OPTIONS'].includes(key)) continue;
    env[key] = value;
  }
  return env;
}

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  /** Run the command as this user (see test/support/user.ts) instead of as ourselves. */
  asUser?: { uid: number; gid: number };
  /**
   * Kill the command's whole process group (the launcher shell and the Node part under it) after this
   * long: for tests of things that used to hang, so a regression fails the test and leaves no process.
   */
  timeoutMs?: number;
}

/** A temporary HOME with a base `~/.claude` holding shared tools, and a fake `claude` on PATH. */
export class Sandbox {
  readonly dir: string;
  readonly home: string;
  readonly base: string;
  readonly bin: string;
  readonly log: string;
  readonly root: string;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'cs-test-'));
    chmodSync(this.dir, 0o755);
    this.home = join(this.dir, 'home');
    this.base = join(this.home, '.claude');
    this.bin = join(this.dir, 'bin');
    this.log = join(this.dir, 'log');
    this.root = join(this.home, '.claude-sessions');
    for (const dir of [this.home, this.bin, this.log]) mkdirSync(dir, { recursive: true });
    this.writeBase();
    this.useFakeClaude();
  }

  private writeBase(): void {
    mkdirSync(join(this.base, 'skills', 'hello-skill'), { recursive: true });
    writeFileSync(
      join(this.base, 'skills', 'hello-skill', 'SKILL.md'),
      '---\nname: hello-skill\ndescription: Says hello in a shared way\n---\nSay hello.\n',
    );
    mkdirSync(join(this.base, 'agents'), { recursive: true });
    writeFileSync(
      join(this.base, 'agents', 'reviewer.md'),
      '---\nname: reviewer\ndescription: Reviews\n---\nReview.\n',
    );
    mkdirSync(join(this.base, 'commands'), { recursive: true });
    writeFileSync(join(this.base, 'commands', 'hello.md'), 'Say hello to $ARGUMENTS\n');
    writeFileSync(join(this.base, 'CLAUDE.md'), '# Shared memory\n');
    writeFileSync(join(this.base, 'settings.json'), '{"model":"sonnet"}\n');
    writeFileSync(join(this.base, 'history.jsonl'), '{"display":"base prompt","timestamp":1}\n');
    writeFileSync(
      join(this.home, '.claude.json'),
      JSON.stringify({ hasCompletedOnboarding: true, theme: 'dark', projects: {} }, null, 2),
    );
  }

  useFakeClaude(): void {
    copyFileSync(FAKE_CLAUDE, join(this.bin, 'claude'));
    chmodSync(join(this.bin, 'claude'), 0o755);
  }

  env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...cleanEnv(),
      HOME: this.home,
      PATH: `${this.bin}:${process.env.PATH}`,
      FAKE_CLAUDE_LOG: this.log,
      // No update checks against the public registry; the update tests turn them on with a local one.
      CLAUDE_SESSION_NO_UPDATE: '1',
    };
    for (const [key, value] of Object.entries(extra)) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    return env;
  }

  run(args: string[], options: RunOptions = {}): Promise<Result> {
    return runCommand(CLI, args, { ...options, env: this.env(options.env) });
  }

  /**
   * Starts like bin/claude-session (the Node part under a launcher shell that is its parent, plan on
   * fd 3) but keeps the launch plan instead of carrying it out: its lines say what the launcher would
   * do, e.g. `B update --background` to start the update check, then exec Claude (`A` lines).
   */
  async launchPlan(args: string[], options: RunOptions = {}): Promise<Result & { plan: string[] }> {
    // Not the last command of the script, so that sh does not exec Node: the shell stays its parent.
    const launcher =
      'node=$1 entry=$2; shift 2; CLAUDE_SESSION_HANDOFF=3 CLAUDE_SESSION_LAUNCHER_PID=$$ "$node" "$entry" "$@" 3>&1 1>&2; exit $?';
    const argv = ['-c', launcher, 'sh', process.execPath, ENTRY, ...args];
    const result = await runCommand('/bin/sh', argv, { ...options, env: this.env(options.env) });
    return { ...result, plan: result.stdout.split('\n').filter((line) => line !== '') };
  }

  /** What each fake Claude recorded, oldest first. */
  records(): FakeRecord[] {
    return readdirSync(this.log)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(this.log, name), 'utf8')) as FakeRecord)
      .sort((a, b) => a.pid - b.pid);
  }

  sessionIds(): string[] {
    try {
      return readdirSync(join(this.root, 'sessions')).filter((name) => /^[0-9a-f-]{36}$/.test(name));
    } catch {
      return [];
    }
  }

  sessionRecord(id: string): SessionRecordJson {
    return JSON.parse(readFileSync(join(this.root, 'sessions', id, 'session.json'), 'utf8'));
  }

  /** The socket of the sandbox's own tmux server (sessions started in tmux). */
  get tmuxSocket(): string {
    return join(this.root, 'tmux', 'socket');
  }

  /** Runs tmux against the sandbox's server; argv only. */
  tmux(...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const result = spawnSync('tmux', ['-S', this.tmuxSocket, ...args], { encoding: 'utf8', env: cleanEnv() });
    return { code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  }

  /** Kills every session process still running (and the sandbox's tmux server) and waits until they are gone. */
  async killSessions(): Promise<void> {
    this.tmux('kill-server');
    const pids = this.sessionIds().flatMap((id) => {
      try {
        // Tests put FIFOs and links to devices here: read only a regular file.
        const path = join(this.root, 'sessions', id, 'session.json');
        if (!lstatSync(path).isFile()) return [];
        const pid = this.sessionRecord(id).process?.pid;
        return pid ? [pid] : [];
      } catch {
        return [];
      }
    });
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    await waitFor(() => !pids.some(isAlive), 5_000);
  }

  cleanup(): void {
    // A Claude just killed may still be writing its last files: retry the removal.
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

export type SessionRecordJson = Record<string, unknown> & {
  process: { pid: number; startTime: number } | null;
  claude: { path: string; version: string | null };
};

export interface FakeRecord {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  pid: number;
  ppid: number;
  sees?: Record<string, string[] | string>;
  tries: Record<string, string>;
}

export function runCommand(
  command: string,
  args: string[],
  options: RunOptions & { env: NodeJS.ProcessEnv },
): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? options.env.HOME,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: options.timeoutMs !== undefined,
      ...(options.asUser ? { uid: options.asUser.uid, gid: options.asUser.gid } : {}),
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            try {
              process.kill(-(child.pid as number), 'SIGKILL');
            } catch {}
          }, options.timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Every path under `dir` with its type, mode, content hash and link target, to show that nothing changed. */
export function snapshot(dir: string): string {
  const lines: string[] = [];
  const walk = (path: string, rel: string) => {
    let stat: ReturnType<typeof lstatSync>;
    try {
      stat = lstatSync(path);
    } catch {
      lines.push(`${rel} missing`);
      return;
    }
    const mode = (stat.mode & 0o7777).toString(8);
    if (stat.isSymbolicLink()) lines.push(`${rel} link ${mode} -> ${readlinkSync(path)}`);
    else if (stat.isDirectory()) {
      lines.push(`${rel} dir ${mode}`);
      for (const name of readdirSync(path).sort()) walk(join(path, name), `${rel}/${name}`);
    } else {
      const hash = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
      lines.push(`${rel} file ${mode} ${stat.size} ${hash} ${stat.mtimeMs}`);
    }
  };
  walk(dir, '.');
  return lines.join('\n');
}

/**
 * Polls a probe (plain or async) every 50 ms until it gives something other than undefined, null or
 * false, and returns that; throws after `timeoutMs`. The one way tests wait: for a positive signal.
 */
/** Whether `pid` runs (a zombie has ended: it only waits for its parent to reap it). */
export function isAlive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(probe)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
