import { lstatSync, realpathSync, statSync } from 'node:fs';
import { cliPath } from '../system/install-dir.js';
import { processCommandLine } from '../system/proc.js';
import type { PathFacts } from './model.js';

/** What a path is, without following a link (`follow` for the root, which may be reached through one). */
export function pathFacts(path: string, follow = false): PathFacts | undefined {
  try {
    const stat = follow ? statSync(path) : lstatSync(path);
    const kind = stat.isSymbolicLink()
      ? 'link'
      : stat.isDirectory()
        ? 'dir'
        : stat.isFile()
          ? 'file'
          : 'other';
    return { path, kind, mode: stat.mode & 0o7777, uid: stat.uid };
  } catch {
    return undefined;
  }
}

export function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is still one of our processes starting the session: the launcher shell, which records its
 * own pid and then execs Claude (same pid, same start time, new environment) once the Node part has
 * exited; or, for a start in tmux, the Node part itself, which stands for the session until the pane's
 * Claude is known (a few hundred ms).
 */
export function isLauncher(pid: number): boolean {
  const argv = processCommandLine(pid)?.slice(0, 2) ?? [];
  return argv.some(
    (arg) =>
      arg === 'claude-session' ||
      arg.endsWith('/claude-session') ||
      (arg.endsWith('/cli.cjs') && realPath(arg) === realPath(cliPath())),
  );
}
