import { closeSync, lstatSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIALS_FILE } from '../configdir/login.js';
import { SHARED_ENTRIES } from '../configdir/shared.js';
import type { FoundSession } from '../store/records.js';
import { type Panes, runningProcess } from '../store/running.js';
import { openRegularFile, readFileIfExists } from '../system/files.js';
import { isLauncher, processEnvironment } from '../system/proc.js';
import {
  type LiveFacts,
  type ProcessMarker,
  SESSION_VARIABLES,
  type SessionFacts,
  type SessionLink,
} from './model.js';
import { pathFacts, realPath } from './probe.js';

const CONVERSATION = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/;
const HISTORY_SESSION = /"sessionId"\s*:\s*"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/g;
/** Only the end of a long history is read: recent leaks are what matter, and doctor must stay fast. */
const HISTORY_TAIL_BYTES = 8 * 1024 * 1024;

/**
 * Conversation ids in a config dir: transcript names `projects/<folder>/<id>.jsonl`, and with
 * `withHistory` the `sessionId` of history.jsonl lines. Maps each id to where it was seen.
 */
export function conversationsIn(
  configDir: string,
  options: { withHistory: boolean; follow: boolean },
): Map<string, string> {
  const { withHistory, follow } = options;
  const ids = new Map<string, string>();
  const projects = join(configDir, 'projects');
  // The base may be reached through a link (a dotfiles checkout); a session's config dir may not.
  if (list(configDir, follow).length === 0) return ids;
  for (const folder of list(projects, follow)) {
    for (const name of list(join(projects, folder), follow)) {
      const id = CONVERSATION.exec(name)?.[1];
      if (id) ids.set(id, join(projects, folder, name));
    }
  }
  if (withHistory) {
    const history = join(configDir, 'history.jsonl');
    for (const match of readTail(history, HISTORY_TAIL_BYTES).matchAll(HISTORY_SESSION)) {
      const id = match[1] as string;
      if (!ids.has(id)) ids.set(id, history);
    }
  }
  return ids;
}

/** A directory's names; with `follow` false none when it is a link (nothing in a session is followed). */
function list(dir: string, follow = true): string[] {
  try {
    if (!follow && !lstatSync(dir).isDirectory()) return [];
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readTail(path: string, bytes: number): string {
  let fd: number;
  let size: number;
  try {
    ({
      fd,
      stat: { size },
    } = openRegularFile(path));
  } catch {
    return '';
  }
  try {
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}

export function gatherSession(
  found: FoundSession,
  home: string,
  compareConversations: boolean,
  panes: Panes,
): SessionFacts {
  const { paths, record } = found;
  const links: SessionLink[] = record
    ? SHARED_ENTRIES.map(({ name }) => linkFacts(paths.configDir, name, join(record.base, name)))
    : [];
  const running = record ? runningProcess(record, paths.dir, panes) : undefined;
  return {
    id: found.id,
    name: record?.name ?? null,
    dir: paths.dir,
    configDir: paths.configDir,
    tmpDir: paths.tmpDir,
    realConfigDir: realPath(paths.configDir),
    problem: found.problem,
    base: record?.base,
    dirStat: pathFacts(paths.dir),
    configStat: pathFacts(paths.configDir),
    links,
    credentials: pathFacts(join(paths.configDir, CREDENTIALS_FILE)),
    conversations:
      compareConversations && record
        ? [...conversationsIn(paths.configDir, { withHistory: false, follow: false }).keys()]
        : [],
    live:
      running && record
        ? liveFacts(running.pid, Date.parse(record.process?.startedAt ?? record.lastLaunchAt), [
            record.base,
            join(home, '.claude'),
          ])
        : undefined,
    tmuxSocket: record?.tmux?.socket,
  };
}

function linkFacts(configDir: string, name: string, target: string): SessionLink {
  const path = join(configDir, name);
  const facts = pathFacts(path);
  if (!facts) return { name, state: 'missing', kind: undefined, actual: undefined, target };
  if (facts.kind !== 'link')
    return { name, state: 'not-a-link', kind: facts.kind, actual: undefined, target };
  let actual: string | undefined;
  try {
    actual = readlinkSync(path);
  } catch {}
  return { name, state: actual === target ? 'linked' : 'other-link', kind: 'link', actual, target };
}

function liveFacts(pid: number, recordedAtMs: number, configDirs: string[]): LiveFacts {
  const environment = processEnvironment(pid);
  let env: LiveFacts['env'];
  if (environment) {
    env = {};
    for (const name of SESSION_VARIABLES) {
      const value = environment.get(name);
      if (value !== undefined) env[name] = value;
    }
  }
  const markers: ProcessMarker[] = [];
  for (const dir of new Set(configDirs)) {
    const marker = readMarker(join(dir, 'sessions', `${pid}.json`));
    if (marker) markers.push(marker);
  }
  return {
    pid,
    recordedAtMs,
    env,
    realConfigDir: env?.CLAUDE_CONFIG_DIR ? realPath(env.CLAUDE_CONFIG_DIR) : undefined,
    launching: isLauncher(pid),
    markers,
  };
}

/** Claude writes `{pid, sessionId, cwd, startedAt}` there while it runs (removed on a clean exit). */
function readMarker(path: string): ProcessMarker | undefined {
  let mtimeMs: number;
  try {
    mtimeMs = lstatSync(path).mtimeMs;
  } catch {
    return undefined;
  }
  let json: { sessionId?: unknown; startedAt?: unknown } = {};
  try {
    json = JSON.parse(readFileIfExists(path) ?? '{}') as typeof json;
  } catch {}
  const started =
    typeof json.startedAt === 'number'
      ? json.startedAt
      : typeof json.startedAt === 'string'
        ? Date.parse(json.startedAt)
        : Number.NaN;
  return {
    path,
    sessionId: typeof json.sessionId === 'string' ? json.sessionId : undefined,
    startedAtMs: Number.isFinite(started) ? started : mtimeMs,
  };
}
