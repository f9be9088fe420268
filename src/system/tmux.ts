import { accessSync, constants, existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { errorCode, UserError } from '../core/errors.js';
import { findExecutable } from './claude-binary.js';
import { replaceWithLink } from './files.js';
import { childProcess } from './lazy.js';

/**
 * The only module that runs tmux. Sessions live on a tmux server of our own (its own socket), so the
 * user's own tmux sessions are never touched; a tmux session is named by the session's id and always
 * targeted as `=id` (an exact match: `-t id` would also match a longer name).
 */
export interface Tmux {
  binary: string;
  socket: string;
  env: NodeJS.ProcessEnv;
}

/** Unix socket paths are limited to 108 bytes; a longer root gets a private dir in /tmp. */
const MAX_SOCKET_PATH = 100;

/**
 * Where a long root's socket dir was moved when the usual `/tmp/claude-sessions-<uid>` was not ours (say,
 * another user made it first): a link in the root naming the private dir chosen instead.
 */
const socketDirLink = (root: string) => join(root, 'tmux', 'socket-dir');

function socketName(root: string): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(root)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return `${hash.toString(16)}.socket`;
}

/** The socket of our server for this root; reads only (a moved socket dir is named by a link in the root). */
export function socketPath(root: string, uid: number, tmpDir: string): string {
  const inRoot = join(root, 'tmux', 'socket');
  if (Buffer.byteLength(inRoot) <= MAX_SOCKET_PATH) return inRoot;
  let moved: string | undefined;
  try {
    moved = readlinkSync(socketDirLink(root));
  } catch {}
  return join(moved ?? join(tmpDir, `claude-sessions-${uid}`), socketName(root));
}

/** Whether `dir` is a directory (not a link) of ours that nobody else can enter. */
function isPrivateDir(dir: string, uid: number): boolean {
  try {
    const stat = lstatSync(dir);
    return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** The install command to suggest, from the package managers found on PATH. */
export function installHint(env: NodeJS.ProcessEnv): string {
  const managers: [string, string][] = [
    ['apt-get', 'sudo apt-get install tmux'],
    ['dnf', 'sudo dnf install tmux'],
    ['yum', 'sudo yum install tmux'],
    ['apk', 'sudo apk add tmux'],
    ['pacman', 'sudo pacman -S tmux'],
    ['zypper', 'sudo zypper install tmux'],
    ['brew', 'brew install tmux'],
  ];
  for (const [manager, command] of managers) {
    try {
      findExecutable(manager, env);
      return command;
    } catch {}
  }
  return 'install tmux with your package manager';
}

export function findTmux(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return findExecutable('tmux', env);
  } catch {
    return undefined;
  }
}

/** Our tmux server for this root; throws a user error with the install command when tmux is missing. */
export function openTmux(root: string, env: NodeJS.ProcessEnv): Tmux {
  const binary = findTmux(env);
  if (!binary) {
    throw new UserError(
      `tmux is not installed: ${installHint(env)} (without tmux, \`claude-session --terminal\` runs a session in this terminal)`,
    );
  }
  const uid = process.getuid?.() ?? 0;
  const socket = socketPath(root, uid, env.TMPDIR || '/tmp');
  // Our commands talk to our server only; inside the user's tmux these would point elsewhere.
  const clean = { ...env };
  delete clean.TMUX;
  delete clean.TMUX_PANE;
  return { binary, socket, env: clean };
}

/**
 * Makes sure the socket's directory is ours, 0700 and not a link (a /tmp dir could be planted by someone
 * else), before anything is started. When it is not, a long root's socket moves to another private place
 * ($XDG_RUNTIME_DIR, else a fresh mkdtemp dir), recorded in the root so every later command finds it;
 * `tmux.socket` then names the new place.
 */
export function prepareSocketDir(tmux: Tmux, root: string): void {
  const uid = process.getuid?.() ?? 0;
  const dir = dirname(tmux.socket);
  const inRoot = dir === join(root, 'tmux');
  try {
    mkdirSync(dir, { recursive: inRoot, mode: 0o700 });
  } catch {}
  if (isPrivateDir(dir, uid)) {
    assertSocketUsable(tmux.socket);
    return;
  }
  if (inRoot) throw new UserError(`${dir} is not a private directory of yours: remove it and start again`);
  const moved = privateSocketDir(tmux.env, uid);
  const link = socketDirLink(root);
  mkdirSync(dirname(link), { recursive: true, mode: 0o700 });
  replaceWithLink(link, moved);
  tmux.socket = join(moved, socketName(root));
}

/** Our server's socket is a socket (or not there yet) in a dir we can write: else tmux cannot start. */
function assertSocketUsable(socket: string): void {
  let stat: ReturnType<typeof lstatSync> | undefined;
  try {
    stat = lstatSync(socket);
  } catch {}
  if (stat && !stat.isSocket()) {
    throw new UserError(
      `${socket} is not a socket, so tmux cannot start a server there: remove it and start again`,
    );
  }
  try {
    accessSync(dirname(socket), constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new UserError(
      `${dirname(socket)} is not writable (${errorCode(error)}), so tmux cannot start a server there`,
    );
  }
}

/** A private dir for sockets: `$XDG_RUNTIME_DIR/claude-sessions` when that is the user's own, else a fresh one in /tmp. */
function privateSocketDir(env: NodeJS.ProcessEnv, uid: number): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isAbsolute(runtime) && isPrivateDir(runtime, uid)) {
    const dir = join(runtime, 'claude-sessions');
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch {}
    if (isPrivateDir(dir, uid) && Buffer.byteLength(join(dir, 'x'.repeat(16))) <= MAX_SOCKET_PATH) return dir;
  }
  // A new name each time: a dir someone else could have guessed and made is never reused.
  const dir = mkdtempSync(join(env.TMPDIR || '/tmp', `claude-sessions-${uid}-`));
  if (!isPrivateDir(dir, uid))
    throw new UserError(`${dir} is not a private directory of yours: set TMPDIR to one`);
  return dir;
}

export interface TmuxResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runTmux(tmux: Tmux, args: string[], input?: string): TmuxResult {
  const result = childProcess().spawnSync(tmux.binary, ['-S', tmux.socket, ...args], {
    env: tmux.env,
    encoding: 'utf8',
    input,
    timeout: 10_000,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (result.error) throw result.error;
  return { code: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function check(tmux: Tmux, args: string[], input?: string): string {
  const result = runTmux(tmux, args, input);
  if (result.code !== 0) {
    throw new UserError(`tmux ${args[0]} failed: ${result.stderr.trim() || `exit status ${result.code}`}`);
  }
  return result.stdout;
}

export function serverRunning(tmux: Tmux): boolean {
  return existsSync(tmux.socket) && runTmux(tmux, ['list-sessions', '-F', 'x']).code === 0;
}

export function hasSession(tmux: Tmux, name: string): boolean {
  return existsSync(tmux.socket) && runTmux(tmux, ['has-session', '-t', `=${name}`]).code === 0;
}

export interface NewSession {
  name: string;
  cwd: string;
  command: string[];
  width?: number;
  height?: number;
  /** Runs the tmux client through this prefix when it starts the server (e.g. a systemd scope). */
  serverPrefix?: string[];
  /** Shown at the left of the status line instead of the session's name (an id nobody reads). */
  title?: string;
}

/**
 * Starts a detached tmux session running `command` (no shell); returns the pane's process id. Its options
 * are set in the same tmux command list: a user's tmux.conf with `destroy-unattached on` (or the server's
 * `exit-unattached on`) would otherwise end it before a later command could reach it.
 */
export function newSession(tmux: Tmux, options: NewSession): number {
  const target = `=${options.name}:`;
  const args = [
    'new-session',
    '-d',
    '-P',
    '-F',
    '#{pane_pid}',
    '-s',
    options.name,
    '-c',
    literal(options.cwd),
  ];
  if (options.width && options.height) args.push('-x', String(options.width), '-y', String(options.height));
  args.push('--', ...options.command.map(literal));
  args.push(';', 'set-option', '-t', target, 'destroy-unattached', 'off');
  args.push(';', 'set-option', '-s', 'exit-unattached', 'off');
  // With remain-on-exit a dead pane would keep the session, and its terminals, after Claude ends.
  args.push(';', 'set-option', '-w', '-t', target, 'remain-on-exit', 'off');
  if (options.title !== undefined) args.push(';', ...titleOptions(target, options.title));
  const prefix = options.serverPrefix && !serverRunning(tmux) ? options.serverPrefix : [];
  let out: string;
  if (prefix.length > 0) {
    const [command, ...rest] = prefix as [string, ...string[]];
    const result = childProcess().spawnSync(command, [...rest, tmux.binary, '-S', tmux.socket, ...args], {
      env: tmux.env,
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A scope that cannot be made (no user manager): start the server as a plain child instead.
    out = result.status === 0 ? result.stdout : check(tmux, args);
  } else {
    out = check(tmux, args);
  }
  const pid = Number(out.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`tmux new-session printed no pane pid: ${out}`);
  return pid;
}

/** The options that show `title` at the left of a session's status line. */
function titleOptions(target: string, title: string): string[] {
  // '#' would start a tmux format: doubled, it is shown as it is.
  const shown = `[${title.replaceAll('#', '##')}] `;
  return [
    'set-option',
    '-t',
    target,
    'status-left',
    literal(shown),
    ';',
    'set-option',
    '-t',
    target,
    'status-left-length',
    String(shown.length),
  ];
}

/** Shows a new title in a session's status line (after a rename); false when there is no such session. */
export function setTitle(tmux: Tmux, name: string, title: string): boolean {
  return existsSync(tmux.socket) && runTmux(tmux, titleOptions(`=${name}:`, title)).code === 0;
}

/**
 * tmux takes any argument that ends in ";" as the end of a command (a directory named "x;" would cut
 * new-session short); "\\;" at the end is a literal ";".
 */
export function literal(argument: string): string {
  return argument.endsWith(';') ? `${argument.slice(0, -1)}\\;` : argument;
}

export function killSession(tmux: Tmux, name: string): boolean {
  return existsSync(tmux.socket) && runTmux(tmux, ['kill-session', '-t', `=${name}`]).code === 0;
}

/**
 * The pane processes of every tmux session of a server, by session name (one call for the whole
 * server); an empty map when no server answers on the socket.
 */
export function panesBySession(tmux: Tmux): Map<string, number[]> {
  const panes = new Map<string, number[]>();
  if (!existsSync(tmux.socket)) return panes;
  const result = runTmux(tmux, ['list-panes', '-a', '-F', '#{pane_pid} #{session_name}']);
  if (result.code !== 0) return panes;
  for (const line of result.stdout.split('\n')) {
    const space = line.indexOf(' ');
    const pid = Number(line.slice(0, space));
    if (space <= 0 || !Number.isInteger(pid) || pid <= 0) continue;
    const name = line.slice(space + 1);
    panes.set(name, [...(panes.get(name) ?? []), pid]);
  }
  return panes;
}

/** Client counts per tmux session name (one call for the whole server). */
export function attachedClients(tmux: Tmux): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(tmux.socket)) return counts;
  const result = runTmux(tmux, ['list-clients', '-F', '#{session_name}']);
  if (result.code !== 0) return counts;
  for (const name of result.stdout.split('\n')) {
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/**
 * Types text into a session's pane as one bracketed paste (newlines stay part of the prompt, nothing
 * is read as a key binding), then presses Enter. The text goes through standard input, never argv.
 */
export function pasteText(tmux: Tmux, name: string, text: string): void {
  const buffer = `claude-session-${name}`;
  check(tmux, ['load-buffer', '-b', buffer, '-'], text);
  check(tmux, ['paste-buffer', '-p', '-d', '-b', buffer, '-t', `=${name}:`]);
}

export function pressEnter(tmux: Tmux, name: string): void {
  check(tmux, ['send-keys', '-t', `=${name}:`, 'Enter']);
}

/** The pane's visible screen as text; with `escapes`, with its colours and attributes as SGR sequences. */
export function capturePane(tmux: Tmux, name: string, options: { escapes?: boolean } = {}): string {
  return check(tmux, ['capture-pane', '-p', ...(options.escapes ? ['-e'] : []), '-t', `=${name}:`]);
}

/** argv of a tmux client attaching to (or, inside our own server, switching to) a session. */
export function attachArgv(tmux: Tmux, name: string, insideOurServer: boolean): string[] {
  return insideOurServer
    ? [tmux.binary, '-S', tmux.socket, 'switch-client', '-t', `=${name}`]
    : [tmux.binary, '-S', tmux.socket, 'attach-session', '-t', `=${name}`];
}

/** Whether $TMUX names our server (its first field is the socket path). */
export function insideServer(tmux: Tmux, tmuxVariable: string | undefined): boolean {
  return tmuxVariable !== undefined && tmuxVariable.split(',')[0] === tmux.socket;
}

/** How long `tmux -V` may take: it starts no server, so anything longer is a broken binary. */
const VERSION_TIMEOUT_MS = 5_000;

/** What `tmux -V` says, or undefined when it fails. */
export function tmuxVersion(binary: string, env: NodeJS.ProcessEnv): string | undefined {
  const result = childProcess().spawnSync(binary, ['-V'], {
    env,
    encoding: 'utf8',
    timeout: VERSION_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.trim() || undefined;
}

/** A pane of our server, with its session's name and how many terminals show that session. */
export interface PaneRow {
  pid: number;
  attached: number;
  session: string;
}

/**
 * Every pane of the server in one `list-panes -a` (the dashboard's one tmux query per refresh);
 * undefined when no server answers on the socket.
 */
export function paneRows(tmux: Tmux): PaneRow[] | undefined {
  if (!existsSync(tmux.socket)) return undefined;
  const result = runTmux(tmux, ['list-panes', '-a', '-F', '#{pane_pid} #{session_attached} #{session_name}']);
  if (result.code !== 0) return undefined;
  const rows: PaneRow[] = [];
  for (const line of result.stdout.split('\n')) {
    const [pid, attached, ...name] = line.split(' ');
    const session = name.join(' ');
    if (!pid || !session || !/^\d+$/.test(pid)) continue;
    rows.push({ pid: Number(pid), attached: Number(attached) || 0, session });
  }
  return rows;
}

/**
 * Switches the terminal showing `fromTmux` (a pane's $TMUX: the client that typed the key) to a
 * session of ours; no process is started for it.
 */
export function switchClient(tmux: Tmux, name: string, fromTmux: string | undefined): TmuxResult {
  const env = fromTmux ? { ...tmux.env, TMUX: fromTmux } : tmux.env;
  return runTmux({ ...tmux, env }, ['switch-client', '-t', `=${name}`]);
}

/** Binds `key` in the server's prefix table to switch any client to the session `name`. */
export function bindSwitchKey(tmux: Tmux, key: string, name: string): boolean {
  return runTmux(tmux, ['bind-key', '-T', 'prefix', key, 'switch-client', '-t', `=${name}`]).code === 0;
}

/** The command bound to `key` in the prefix table, as list-keys prints it; undefined when unbound. */
export function boundKey(tmux: Tmux, key: string): string | undefined {
  const result = runTmux(tmux, ['list-keys', '-T', 'prefix', key]);
  return result.code === 0 && result.stdout.trim() ? result.stdout.trim() : undefined;
}

export function unbindKey(tmux: Tmux, key: string): void {
  runTmux(tmux, ['unbind-key', '-T', 'prefix', key]);
}

/** The server's prefix key as tmux names it (`C-b`), or undefined. */
export function prefixKey(tmux: Tmux): string | undefined {
  const result = runTmux(tmux, ['show-options', '-gv', 'prefix']);
  return result.code === 0 ? result.stdout.trim() || undefined : undefined;
}
