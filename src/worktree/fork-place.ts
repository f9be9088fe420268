import { posix } from 'node:path';

/** What `fork` knows of its source session, as plain data. */
export interface ForkSource {
  /** The directory the source's Claude starts in (its record's `cwd`). */
  cwd: string;
  /** The source's own worktree (`new --worktree`), if it has one. */
  worktree?: { repo: string; path: string };
  /** Where the Claude of the conversation being forked last worked (its transcript's last `cwd`). */
  lastCwd?: string;
}

export type ForkPlace =
  /** `from`: where the source works; `trustFrom`: the folder whose trust the fork's worktree gets. */
  { from: string; trustFrom: string } | { missing: string };

/**
 * Where a fork comes from. A source in a worktree of ours works in that worktree, and the worktree's
 * trust is that of the same folder in the checkout it was made from (as for `new --worktree`). Any
 * other source works where its conversation last did: that is Claude's own `-w` worktree when it was
 * started with one (its transcript names it), else the directory it was started in.
 */
export function forkPlace(source: ForkSource, exists: (dir: string) => boolean): ForkPlace {
  if (source.worktree) {
    if (!exists(source.cwd)) return { missing: source.cwd };
    const inside = posix.relative(source.worktree.path, source.cwd);
    const trustFrom =
      inside === '' || inside === '..' || inside.startsWith('../') || posix.isAbsolute(inside)
        ? source.worktree.repo
        : posix.join(source.worktree.repo, inside);
    return { from: source.cwd, trustFrom };
  }
  const from = source.lastCwd !== undefined && exists(source.lastCwd) ? source.lastCwd : source.cwd;
  if (!exists(from)) return { missing: from };
  return { from, trustFrom: from };
}
