import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { isRealDirectory, measureUsage } from '../live/usage.js';
import { type SessionPaths, worktreesDir } from '../store/layout.js';
import { liveDir, parseLiveTarget } from '../store/live-index.js';
import type { SessionRecord } from '../store/record.js';
import { readSession, sessionIds } from '../store/records.js';
import { type Panes, runningProcess } from '../store/running.js';
import { readFileIfExists } from '../system/files.js';
import { isAlive, type ProcessIdentity } from '../system/proc.js';
import { inspectWorktree } from '../worktree/inspect.js';
import { workAtRisk } from '../worktree/model.js';
import { type CandidateWorktree, type CleanupCandidate, recordHealth } from './plan.js';

/** Sessions whose worktrees are asked about at once (each costs a handful of git processes). */
const INSPECTING = 8;

/**
 * What cleanup needs to know about each session, read from disk without changing anything (the dry
 * run must leave the root as it was: so the live index is read here, not pruned as liveSessionIds does).
 * One no-follow walk per session, as `list` does, and git's view of its worktree when it has one.
 */
export async function collectCandidates(
  root: string,
  panes: Panes,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CleanupCandidate[]> {
  const live = readLiveIndex(root);
  const ids = sessionIds(root).sort();
  return mapLimited(ids, INSPECTING, (id) => collectOne(root, id, live.get(id), panes, { env }));
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const work = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, work));
  return results;
}

/** The live index as it is: id -> the process it names. */
export function readLiveIndex(root: string): Map<string, ProcessIdentity> {
  const index = new Map<string, ProcessIdentity>();
  let names: string[];
  try {
    names = readdirSync(liveDir(root));
  } catch {
    return index;
  }
  for (const id of names) {
    const identity = liveEntry(root, id);
    if (identity) index.set(id, identity);
  }
  return index;
}

export function liveEntry(root: string, id: string): ProcessIdentity | undefined {
  try {
    return parseLiveTarget(readlinkSync(join(liveDir(root), id)));
  } catch {
    return undefined;
  }
}

export interface CollectOptions {
  /** The same session as the plan saw it (see collectOne). */
  planned?: CleanupCandidate;
  env?: NodeJS.ProcessEnv;
}

/**
 * One session as cleanup sees it; `indexed` is its live index entry, if any. With `planned` (the same
 * session as the plan saw it), only the record, the process, the dir and the worktree are read again,
 * not the whole tree: what changes between the plan and the removal is a resume (its record), a Claude
 * (its process) or someone's work in its worktree.
 */
export async function collectOne(
  root: string,
  id: string,
  indexed: ProcessIdentity | undefined,
  panes: Panes,
  options: CollectOptions = {},
): Promise<CleanupCandidate> {
  const { planned } = options;
  const found = readSession(root, id);
  const { paths, record } = found;
  const dirStat = lstatQuiet(paths.dir);
  // The recorded process, its pane in our tmux server (a start interrupted before it recorded the
  // pane), or what the live index names: any of them running keeps the session.
  const recorded = record ? runningProcess(record, paths.dir, panes) : undefined;
  const running = recorded ?? (indexed && isAlive(indexed) ? indexed : undefined);
  const sizes = planned ?? measure(paths);
  let lastActivityMs = sizes.lastActivityMs;
  const later = (ms: number | undefined) => {
    if (ms !== undefined && Number.isFinite(ms) && (lastActivityMs === undefined || ms > lastActivityMs))
      lastActivityMs = ms;
  };
  if (record) {
    later(Date.parse(record.createdAt));
    later(Date.parse(record.lastLaunchAt));
  } else {
    // No dates to trust: the record file and the dir itself say when they last changed.
    later(lstatQuiet(paths.record)?.mtimeMs);
    later(dirStat?.mtimeMs);
  }
  return {
    id,
    name: record?.name ?? null,
    record: recordHealth(found.problem),
    problem: found.problem ?? null,
    notOurs:
      notOurs(dirStat) ?? (found.problem === 'session.json is missing' ? withoutRecord(paths.dir) : null),
    live: running !== undefined,
    pid: running?.pid ?? null,
    pinned: record ? record.pinned === true : pinnedInText(paths.record),
    lastActivityMs,
    hasConversation: sizes.hasConversation,
    diskBytes: sizes.diskBytes,
    tempBytes: sizes.tempBytes,
    hasTemp: sizes.hasTemp,
    worktree: await collectWorktree(root, id, record, found.problem, options.env),
  };
}

/**
 * The session's worktree and what removing it would lose. Without a record that names one, a dir
 * under the worktrees dir for this session still counts, as work nobody can account for, unless empty.
 */
async function collectWorktree(
  root: string,
  id: string,
  record: SessionRecord | undefined,
  problem: string | undefined,
  env: NodeJS.ProcessEnv | undefined,
): Promise<CandidateWorktree | null> {
  if (record?.worktree) {
    const state = await inspectWorktree(record.worktree, env);
    return {
      path: state.path,
      branch: record.worktree.branch,
      atRisk: workAtRisk(state),
      found: { record: record.worktree, state },
    };
  }
  const dir = join(worktreesDir(root), id);
  const stat = lstatQuiet(dir);
  if (!stat) return null;
  let empty = false;
  try {
    empty = stat.isDirectory() && readdirSync(dir).length === 0;
  } catch {}
  const why = problem ?? 'it names no worktree';
  return {
    path: dir,
    branch: null,
    atRisk: empty ? [] : [`files its session's record cannot account for (${why})`],
    found: null,
  };
}

type Sizes = Pick<
  CleanupCandidate,
  'lastActivityMs' | 'hasConversation' | 'diskBytes' | 'tempBytes' | 'hasTemp'
>;

/** The walks: the config dir (activity, conversation, size), the temp dir, the rest of the session dir. */
function measure(paths: SessionPaths): Sizes {
  const usage = measureUsage(paths.configDir);
  const temp = measureUsage(paths.tmpDir);
  const other = outsideConfig(paths.dir);
  return {
    lastActivityMs: usage.lastActivityMs,
    hasConversation: usage.hasConversation || other.hasConversation,
    diskBytes: usage.diskBytes + temp.diskBytes + other.bytes,
    tempBytes: temp.diskBytes,
    hasTemp: hasEntries(paths.tmpDir),
  };
}

/** lstat, or undefined when the path is missing or cannot be looked at (another user's dir). */
export function lstatQuiet(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Why a session dir is not ours to delete, or null: it must be a real directory owned by this user. */
export function notOurs(stat: Stats | undefined): string | null {
  if (!stat) return null;
  if (stat.isSymbolicLink()) return 'the session dir is a symbolic link';
  if (!stat.isDirectory()) return 'the session dir is not a directory';
  if (!ownedByUs(stat)) return `the session dir belongs to uid ${stat.uid}`;
  return null;
}

export function ownedByUs(stat: { uid: number }): boolean {
  const uid = process.getuid?.();
  return uid === undefined || stat.uid === uid;
}

/** A dir without a record cannot be proven ours (nor ended): it is left, with how to remove it by hand. */
function withoutRecord(dir: string): string {
  return `it has no session.json, so nothing shows it is a session of ours (if it is yours to lose: rm -r ${dir})`;
}

/** A torn record that still says it is pinned keeps the session: we do not know better. */
function pinnedInText(path: string): boolean {
  try {
    return /"pinned"\s*:\s*true/.test(readFileIfExists(path) ?? '');
  } catch {
    return false;
  }
}

function hasEntries(dir: string): boolean {
  if (!isRealDirectory(dir)) return false;
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/**
 * The session dir's own files (session.json, claude-settings.json, ...), not config/ or tmp/ (walked
 * apart), in one walk that never follows a link: their blocks, and whether one is a `.jsonl` with
 * content (Claude's layout is config/, but a conversation someone put beside it counts too).
 */
function outsideConfig(dir: string): { bytes: number; hasConversation: boolean } {
  const found = { bytes: 0, hasConversation: false };
  const walk = (at: string, depth: number) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(at, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (depth === 0 && (entry.name === 'config' || entry.name === 'tmp')) continue;
      const path = join(at, entry.name);
      const stat = lstatQuiet(path);
      if (!stat) continue;
      found.bytes += stat.blocks * 512;
      if (stat.isDirectory()) walk(path, depth + 1);
      else if (stat.isFile() && entry.name.endsWith('.jsonl') && stat.size > 0) found.hasConversation = true;
    }
  };
  if (isRealDirectory(dir)) walk(dir, 0);
  return found;
}
