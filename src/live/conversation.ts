import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError, UserError } from '../core/errors.js';
import { findSession } from '../store/find.js';
import { isSessionId, sessionPaths, shortId } from '../store/layout.js';
import { readSession, sessionIds } from '../store/records.js';
import { holdsConversation as transcriptHoldsConversation } from './transcript.js';
import { isRealDirectory } from './usage.js';

/** A session to resume, and (when it was named by one of its conversations) which conversation. */
export interface ResumeTarget {
  id: string;
  conversation?: string;
}

/**
 * What `resume` and `attach` are asked for: a session (by id, id prefix or name), or a conversation
 * by the uuid Claude prints at exit ("Resume this session with: claude --resume <uuid>"), a command that
 * fails outside the session's config dir (issue 10, item 16). A session's own id always wins.
 */
export function findResumeTarget(root: string, query: string): ResumeTarget {
  const uuid = query.toLowerCase();
  if (!isSessionId(uuid)) return { id: findSession(root, query).id };
  const ids = sessionIds(root);
  if (ids.includes(uuid)) return { id: uuid };
  const holding = ids.filter((id) => holdsConversation(root, id, uuid));
  // A fork keeps a copy of the conversation it was forked from: that one is its source's.
  const own = holding.filter((id) => readSession(root, id).record?.forkedFrom?.conversation !== uuid);
  const holders = own.length > 0 ? own : holding;
  if (holders.length > 1) {
    throw new UserError(
      `conversation ${uuid} is in ${holders.length} sessions (${holders.map(shortId).join(', ')}): resume one of them by its id, with \`-- --resume ${uuid}\``,
    );
  }
  if (holders[0]) return { id: holders[0], conversation: uuid };
  try {
    return { id: findSession(root, query).id };
  } catch (error) {
    if (!isUserError(error)) throw error;
    throw new UserError(
      `no session has the id or a conversation ${uuid}: see \`claude-session list\` for ids and names`,
    );
  }
}

/**
 * Whether a session's config dir holds the conversation's transcript, `projects/<folder>/<uuid>.jsonl`
 * (in any folder: Claude's own `-w` keeps it in its worktree's folder). Nothing is followed:
 * not the session dir, its config dir, `projects/` or a folder that is a link, nor a transcript that is.
 */
export function holdsConversation(root: string, id: string, uuid: string): boolean {
  const paths = sessionPaths(root, id);
  return isRealDirectory(paths.dir) && findTranscript(paths.configDir, uuid) !== undefined;
}

/** Where a config dir keeps the conversation's transcript (see holdsConversation), if it does. */
export function findTranscript(configDir: string, uuid: string): string | undefined {
  const projects = join(configDir, 'projects');
  if (![configDir, projects].every(isRealDirectory)) return undefined;
  let folders: import('node:fs').Dirent[];
  try {
    folders = readdirSync(projects, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const folder of folders) {
    const path = join(projects, folder.name, `${uuid}.jsonl`);
    if (folder.isDirectory() && isRegularFile(path)) return path;
  }
  return undefined;
}

function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

/** A conversation of a session: its uuid and its transcript. */
export interface Conversation {
  uuid: string;
  transcript: string;
  mtimeMs: number;
}

const TRANSCRIPT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/;

/**
 * A session's latest conversation: of its transcripts `projects/<folder>/<uuid>.jsonl` that hold one
 * (see transcript.ts), the one written last; only in `folder` (a project slug) when it is given, as
 * `claude --continue` looks only in the folder of the directory it starts in. Nothing is followed: not
 * the config dir, `projects/` or a folder that is a link, nor a transcript that is.
 */
export function latestConversation(configDir: string, folder?: string): Conversation | undefined {
  const projects = join(configDir, 'projects');
  if (!isRealDirectory(configDir) || !isRealDirectory(projects)) return undefined;
  let folders: string[];
  try {
    folders =
      folder === undefined
        ? readdirSync(projects, { withFileTypes: true })
            .filter((entry) => entry.isDirectory())
            .map((entry) => entry.name)
        : [folder];
  } catch {
    return undefined;
  }
  let latest: Conversation | undefined;
  for (const name of folders) {
    const dir = join(projects, name);
    if (!isRealDirectory(dir)) continue;
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      continue;
    }
    for (const file of files) {
      const uuid = TRANSCRIPT.exec(file)?.[1];
      if (!uuid) continue;
      const transcript = join(dir, file);
      let mtimeMs: number;
      try {
        const stat = lstatSync(transcript);
        if (!stat.isFile() || stat.size === 0) continue;
        mtimeMs = stat.mtimeMs;
      } catch {
        continue;
      }
      if (latest && mtimeMs <= latest.mtimeMs) continue;
      if (transcriptHoldsConversation(transcript)) latest = { uuid, transcript, mtimeMs };
    }
  }
  return latest;
}
