import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Settings } from '../config/config.js';
import { systemdScope } from '../launch/in-tmux.js';
import { readFileIfExists } from '../system/files.js';
import {
  findTmux,
  installHint,
  openTmux,
  runTmux,
  socketPath,
  type Tmux,
  tmuxVersion,
} from '../system/tmux.js';
import type { LogindSettings, LogoutFacts, TmuxFacts, TmuxServerFacts } from './model.js';

/**
 * tmux, its version, and our tmux servers: the root's, and any other socket a session's record names
 * (its last launch ran there before the root moved). One `list-sessions` per server, none per session.
 */
export function tmuxFacts(settings: Settings, env: NodeJS.ProcessEnv, recordSockets: string[]): TmuxFacts {
  const path = findTmux(env);
  const tmux: Tmux | undefined = path ? openTmux(settings.root, env) : undefined;
  const ours = tmux?.socket ?? socketPath(settings.root, process.getuid?.() ?? 0, env.TMPDIR || '/tmp');
  const sockets = [...new Set([ours, ...recordSockets])];
  return {
    path,
    version: path ? tmuxVersion(path, env) : undefined,
    installHint: installHint(env),
    mode: settings.mode,
    modeSource: env.CLAUDE_SESSION_MODE
      ? 'CLAUDE_SESSION_MODE'
      : settings.mode === 'tmux'
        ? settings.configFile
        : 'default',
    servers: sockets.map((socket) => serverFacts(tmux && { ...tmux, socket }, socket)),
  };
}

function serverFacts(tmux: Tmux | undefined, socket: string): TmuxServerFacts {
  const facts: TmuxServerFacts = {
    socket,
    exists: existsSync(socket),
    sessions: undefined,
    problem: undefined,
    pid: undefined,
    cgroup: undefined,
  };
  if (!facts.exists) return facts;
  if (!tmux) return { ...facts, problem: 'tmux not found' };
  let answer: ReturnType<typeof runTmux>;
  try {
    // #{pid} is the server's: one call says which sessions it has and which process it is.
    answer = runTmux(tmux, ['list-sessions', '-F', '#{pid} #{session_name}']);
  } catch (error) {
    return { ...facts, problem: (error as Error).message };
  }
  if (answer.code !== 0) {
    return { ...facts, problem: answer.stderr.trim() || `exit status ${answer.code}` };
  }
  const lines = answer.stdout.split('\n').filter((line) => line.includes(' '));
  const pid = Number(lines[0]?.slice(0, lines[0].indexOf(' ')));
  const serverPid = Number.isInteger(pid) && pid > 0 ? pid : undefined;
  return {
    ...facts,
    sessions: lines.map((line) => line.slice(line.indexOf(' ') + 1)),
    pid: serverPid,
    cgroup: serverPid === undefined ? undefined : cgroupOf(serverPid),
  };
}

/** The process's cgroup path: the unified (v2) one, else systemd's v1 hierarchy. */
function cgroupOf(pid: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const line = lines.find((l) => l.startsWith('0::')) ?? lines.find((l) => l.includes(':name=systemd:'));
  return line?.slice(line.indexOf(':', line.indexOf(':') + 1) + 1) || undefined;
}

/** Where systemd looks for logind.conf and its drop-ins, most important first. */
const SYSTEMD_CONFIG_DIRS = ['/etc/systemd', '/run/systemd', '/usr/local/lib/systemd', '/usr/lib/systemd'];

export function logoutFacts(env: NodeJS.ProcessEnv): LogoutFacts {
  const user = userName(env);
  const systemd = existsSync('/run/systemd/system');
  return {
    systemd,
    user,
    logind: parseLogind(systemd ? logindConfigs() : []),
    linger: systemd && existsSync(join('/var/lib/systemd/linger', user)),
    scope: env.CLAUDE_SESSION_NO_SCOPE === '1' ? 'disabled' : systemdScope(env) ? 'own' : 'unavailable',
  };
}

function userName(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER || env.LOGNAME || String(process.getuid?.() ?? '');
  }
}

/**
 * logind's config as systemd reads it: the first logind.conf found, then the drop-ins
 * logind.conf.d/*.conf of all the dirs in file name order (a name in an earlier dir hides the later ones).
 */
function logindConfigs(): string[] {
  const texts: string[] = [];
  const main = SYSTEMD_CONFIG_DIRS.map((dir) => read(join(dir, 'logind.conf'))).find((t) => t !== undefined);
  if (main !== undefined) texts.push(main);
  const dropIns = new Map<string, string>();
  for (const dir of SYSTEMD_CONFIG_DIRS) {
    let names: string[] = [];
    try {
      names = readdirSync(join(dir, 'logind.conf.d'));
    } catch {}
    for (const name of names) {
      if (name.endsWith('.conf') && !dropIns.has(name)) dropIns.set(name, join(dir, 'logind.conf.d', name));
    }
  }
  for (const name of [...dropIns.keys()].sort()) {
    const text = read(dropIns.get(name) as string);
    if (text !== undefined) texts.push(text);
  }
  return texts;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const TRUE = ['1', 'yes', 'y', 'true', 't', 'on'];
const FALSE = ['0', 'no', 'n', 'false', 'f', 'off'];

/**
 * Pure: the kill-at-logout settings of logind.conf texts, in the order systemd reads them. The last valid
 * KillUserProcesses= wins; a user list grows with each assignment and an empty one clears it. Unset, the
 * compiled-in default applies, which the shipped logind.conf shows commented out (`#KillUserProcesses=no`
 * on Debian and Ubuntu); without that line, no (and KillExcludeUsers=root).
 */
export function parseLogind(texts: readonly string[]): LogindSettings {
  const defaults = new Map<string, string>();
  let kill: boolean | undefined;
  const lists: Record<'KillOnlyUsers' | 'KillExcludeUsers', string[] | undefined> = {
    KillOnlyUsers: undefined,
    KillExcludeUsers: undefined,
  };
  texts.forEach((text, index) => {
    let section = '';
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line.startsWith('[')) {
        section = line;
        continue;
      }
      if (section !== '[Login]') continue;
      const commented = /^[#;]\s*(\w+)=(.*)$/.exec(line);
      if (commented) {
        if (index === 0 && !defaults.has(commented[1] as string))
          defaults.set(commented[1] as string, (commented[2] as string).trim());
        continue;
      }
      const setting = /^(\w+)\s*=(.*)$/.exec(line);
      if (!setting) continue;
      const [key, value] = [setting[1] as string, (setting[2] as string).trim()];
      if (key === 'KillUserProcesses') kill = parseBoolean(value) ?? kill;
      else if (key === 'KillOnlyUsers' || key === 'KillExcludeUsers')
        lists[key] = value === '' ? [] : [...(lists[key] ?? []), ...words(value)];
    }
  });
  return {
    killUserProcesses: kill ?? parseBoolean(defaults.get('KillUserProcesses') ?? '') ?? false,
    explicit: kill !== undefined,
    killOnlyUsers: lists.KillOnlyUsers ?? words(defaults.get('KillOnlyUsers') ?? ''),
    killExcludeUsers: lists.KillExcludeUsers ?? words(defaults.get('KillExcludeUsers') ?? 'root'),
  };
}

function parseBoolean(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  if (TRUE.includes(lower)) return true;
  return FALSE.includes(lower) ? false : undefined;
}

function words(value: string): string[] {
  return value.split(/\s+/).filter(Boolean);
}

/** Whether the base's settings.json turns off every hook (a broken file is Claude's to report). */
export function hooksFacts(baseDir: string, baseExists: boolean): { settings: string; disabled: boolean } {
  const settings = join(baseDir, 'settings.json');
  let disabled = false;
  if (baseExists) {
    try {
      const json = JSON.parse(readFileIfExists(settings, { follow: true }) ?? '{}') as unknown;
      disabled =
        typeof json === 'object' &&
        json !== null &&
        (json as { disableAllHooks?: unknown }).disableAllHooks === true;
    } catch {}
  }
  return { settings, disabled };
}
