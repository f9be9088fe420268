import { childProcess } from './lazy.js';

/**
 * The only module that runs git. Arguments are argv arrays (never a shell); refs and paths that come
 * from users or records are passed after `--` or as values of options, never where git would read them
 * as options. Git runs in the C locale (its messages are matched), never prompts, and with the caller's
 * GIT_* repository variables removed: a session started from a git hook (GIT_DIR set) must not make our
 * git calls act on another repository.
 */
export interface GitResult {
  ok: boolean;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Variables that would point git elsewhere than the `-C` directory we give it. */
const REPOSITORY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'GIT_PREFIX',
  'GIT_QUARANTINE_PATH',
];

export function gitEnvironment(
  env: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...env };
  for (const name of REPOSITORY_VARIABLES) delete clean[name];
  return {
    ...clean,
    LC_ALL: 'C',
    LANGUAGE: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'true',
    GIT_EDITOR: 'true',
    GIT_MERGE_AUTOEDIT: 'no',
    ...extra,
  };
}

export interface GitOptions {
  env?: NodeJS.ProcessEnv;
  /** Extra variables (e.g. GIT_INDEX_FILE for a snapshot), set after the cleaning. */
  extraEnv?: Record<string, string>;
  /** Reading only: take no optional locks (a `status` must not hold index.lock against the user's git). */
  readOnly?: boolean;
  input?: string;
  timeoutMs?: number;
}

function environment(options: GitOptions): NodeJS.ProcessEnv {
  const extra = { ...(options.readOnly ? { GIT_OPTIONAL_LOCKS: '0' } : {}), ...options.extraEnv };
  return gitEnvironment(options.env ?? process.env, extra);
}

/** Runs `git -C cwd ARGS...` and returns what it printed; never throws for git's own failures. */
export function git(cwd: string, args: readonly string[], options: GitOptions = {}): GitResult {
  const result = childProcess().spawnSync('git', ['-C', cwd, ...args], {
    env: environment(options),
    encoding: 'utf8',
    input: options.input,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 120_000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      ok: false,
      status: null,
      stdout: '',
      stderr: missing ? 'git is not installed (install the git package)' : result.error.message,
    };
  }
  return { ok: result.status === 0, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** As git(), without blocking: `list` asks about many worktrees at once. */
export function gitAsync(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = childProcess().spawn('git', ['-C', cwd, ...args], {
      env: environment(options),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 30_000,
      killSignal: 'SIGKILL',
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error) =>
      resolve({
        ok: false,
        status: null,
        stdout: '',
        stderr:
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'git is not installed (install the git package)'
            : error.message,
      }),
    );
    child.once('close', (status) =>
      resolve({
        ok: status === 0,
        status,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/**
 * Runs git on the user's terminal (its pager, colours, a set-up command's output): the exit status.
 * Input stays the user's terminal, so a pager works.
 */
export function gitOnTerminal(cwd: string, args: readonly string[], env?: NodeJS.ProcessEnv): number {
  const caller = env ?? process.env;
  const environment = gitEnvironment(caller);
  // The user's own language on their terminal: in the C locale the pager (less) shows every
  // non-ASCII letter of a diff as <C3><A9>.
  for (const name of ['LC_ALL', 'LANGUAGE']) {
    if (caller[name] === undefined) delete environment[name];
    else environment[name] = caller[name];
  }
  const result = childProcess().spawnSync('git', ['-C', cwd, ...args], {
    env: environment,
    stdio: 'inherit',
  });
  if (result.error) return 127;
  return result.status ?? 1;
}

/**
 * Runs the user's configured set-up command (their own shell line, e.g. `npm ci`, from the config file:
 * not built from data) in a new worktree, its output on our stderr so that `--json` stays clean.
 */
export function runSetupCommand(cwd: string, command: string, env: NodeJS.ProcessEnv): number | string {
  const result = childProcess().spawnSync('/bin/sh', ['-c', command], {
    cwd,
    env: gitEnvironment(env),
    stdio: ['ignore', 2, 2],
  });
  if (result.error) return result.error.message;
  if (result.signal) return `killed by ${result.signal}`;
  return result.status ?? 1;
}

/** The first line of what git said on failure, without its `fatal: ` / `error: ` prefix. */
export function gitMessage(result: GitResult): string {
  const line =
    result.stderr
      .split('\n')
      .map((text) => text.trim())
      .find((text) => text.length > 0 && !text.startsWith('hint:')) ?? `git exited with ${result.status}`;
  return line.replace(/^(fatal|error|warning): /, '');
}
