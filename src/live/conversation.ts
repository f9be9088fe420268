import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError, UserError } from '../core/errors.js';
import { findSession } from '../store/find.js';
import { isSessionId, sessionPaths, shortId } from '../store/layout.js';
import { sessionIds } from '../store/records.js';
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
  const holders = ids.filter((id) => holdsConversation(root, id, uuid));
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
 * (in any folder: a session started in a worktree keeps it in the repository's). Nothing is followed:
 * not the session dir, its config dir, `projects/` or a folder that is a link, nor a transcript that is.
 */
export function holdsConversation(root: string, id: string, uuid: string): boolean {
  const paths = sessionPaths(root, id);
  const projects = join(paths.configDir, 'projects');
  if (![paths.dir, paths.configDir, projects].every(isRealDirectory)) return false;
  let folders: import('node:fs').Dirent[];
  try {
    folders = readdirSync(projects, { withFileTypes: true });
  } catch {
    return false;
  }
  return folders.some(
    (folder) => folder.isDirectory() && isRegularFile(join(projects, folder.name, `${uuid}.jsonl`)),
  );
}

function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}
