import { readdirSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { isSessionId, worktreesDir } from '../store/layout.js';
import type { FoundSession } from '../store/records.js';
import { readFileIfExists } from '../system/files.js';
import { gitAsync } from '../system/git.js';
import { inspectWorktree } from '../worktree/inspect.js';
import { parseWorktreeList } from '../worktree/model.js';
import type { SessionWorktreeFacts, WorktreeFacts, WorktreeRegistration } from './model.js';

/**
 * Sessions' worktrees as git sees them, git's registrations inside our worktrees dir, and the dirs there
 * whose session is gone. Reads only: never a prune, never a lock (git reads take no optional locks).
 */
export async function gatherWorktrees(
  root: string,
  found: readonly FoundSession[],
  env: NodeJS.ProcessEnv,
): Promise<WorktreeFacts> {
  const dir = worktreesDir(root);
  const withWorktree = found.flatMap((session) =>
    session.record?.worktree ? [{ session, record: session.record.worktree }] : [],
  );
  const sessions: SessionWorktreeFacts[] = await Promise.all(
    withWorktree.map(async ({ session, record }) => {
      const state = await inspectWorktree(record, env);
      return {
        id: session.id,
        name: session.record?.name ?? null,
        record,
        problem: state.problem,
        detail: state.detail,
        path: state.path,
        locked: state.locked,
      };
    }),
  );
  const ids = new Set(found.map((session) => session.id));
  const dirs = listDirs(dir).map((id) => {
    const path = join(dir, id);
    return { id, path, session: ids.has(id), gitDir: commonDirOf(path) };
  });
  const repositories = new Map<string, string>();
  for (const { record } of withWorktree) repositories.set(record.gitDir, record.repo);
  for (const entry of dirs) {
    if (entry.gitDir && !repositories.has(entry.gitDir))
      repositories.set(entry.gitDir, dirname(entry.gitDir));
  }
  const registrations = (
    await Promise.all(
      [...repositories].map(async ([gitDir, repo]) => {
        const list = await gitAsync(gitDir, ['worktree', 'list', '--porcelain', '-z'], {
          env,
          readOnly: true,
        });
        if (!list.ok) return [];
        return parseWorktreeList(list.stdout)
          .filter((entry) => isInside(entry.path, dir))
          .map(
            (entry): WorktreeRegistration => ({
              gitDir,
              repo,
              path: entry.path,
              prunable: entry.prunable,
              locked: entry.locked,
            }),
          );
      }),
    )
  ).flat();
  return { dir, sessions, registrations, dirs };
}

function listDirs(dir: string): string[] {
  try {
    return readdirSync(dir).filter(isSessionId).sort();
  } catch {
    return [];
  }
}

/**
 * The repository a leftover worktree dir belongs to: its `.git` file says `gitdir: <common dir>/worktrees/<name>`.
 * Read without following a link; null when there is none or it says something else.
 */
function commonDirOf(sessionWorktrees: string): string | null {
  let names: string[];
  try {
    names = readdirSync(sessionWorktrees);
  } catch {
    return null;
  }
  for (const name of names) {
    let text: string | undefined;
    try {
      text = readFileIfExists(join(sessionWorktrees, name, '.git'), { maxBytes: 4096 });
    } catch {
      continue;
    }
    const gitdir = /^gitdir: (.+)$/m.exec(text ?? '')?.[1]?.trim();
    if (gitdir && posix.isAbsolute(gitdir) && posix.basename(posix.dirname(gitdir)) === 'worktrees')
      return posix.dirname(posix.dirname(gitdir));
  }
  return null;
}

function isInside(path: string, dir: string): boolean {
  const relative = posix.relative(dir, path);
  return relative !== '' && !relative.startsWith('..') && !posix.isAbsolute(relative);
}
