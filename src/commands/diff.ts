import type { Services } from '../config/services.js';
import { EXIT, UserError } from '../core/errors.js';
import { printable, shellWord } from '../core/format.js';
import { findSession } from '../store/find.js';
import { sessionLabel } from '../store/layout.js';
import type { SessionRecord } from '../store/record.js';
import { readSession } from '../store/records.js';
import { git, gitMessage, gitOnTerminal } from '../system/git.js';
import { baseLabel, problemText } from '../worktree/describe.js';
import { diffArgsProblem } from '../worktree/diff-args.js';
import { mergeBase } from '../worktree/inspect.js';
import { inspectWorktreeSafely } from '../worktree/inspect-many.js';
import type { WorktreeProblem, WorktreeRecord, WorktreeState } from '../worktree/model.js';

export interface DiffOptions {
  query: string;
  /** For git diff, after `--`. */
  args: string[];
  json: boolean;
}

/**
 * `claude-session diff SESSION [-- GIT-DIFF-ARGS]`: what the session changed against its base,
 * committed and not: `git diff <merge base>` in its worktree, in git's pager on a terminal (git pages
 * itself when its output is one) and plain when piped. Untracked files, which git diff leaves out, are
 * named on stderr.
 */
export async function diff(services: Services, options: DiffOptions): Promise<number> {
  const problem = diffArgsProblem(options.args);
  if (problem) throw new UserError(problem, EXIT.USAGE);
  if (options.json && options.args.length > 0) {
    throw new UserError(
      '--json prints a summary of the whole change: give git diff arguments without it',
      EXIT.USAGE,
    );
  }
  const { record, worktree } = findWorktreeSession(services, options.query, 'diff');
  const state = await lookAtWorktree(services, record, worktree, ['moved', 'branch-missing']);
  const base = await mergeBase(worktree, state.path, services.env);
  if (!base)
    throw new UserError(`cannot find where ${worktree.branch} starts from ${baseLabel(worktree.base)}`);
  const untracked = untrackedFiles(state.path, services.env);
  if (options.json) {
    services.out(
      `${JSON.stringify(summary(record, worktree, state, base, untracked, services.env), null, 2)}\n`,
    );
    return 0;
  }
  const status = gitOnTerminal(state.path, ['diff', base, ...options.args], services.env);
  if (untracked.length > 0) {
    const shown = untracked.slice(0, 5).map(printable).join(', ');
    services.err(
      `claude-session: ${untracked.length} untracked file${untracked.length === 1 ? ' is' : 's are'} not in the diff: ${shown}${untracked.length > 5 ? ', ...' : ''} (\`git -C ${shellWord(state.path)} add -N FILE\` puts one in)\n`,
    );
  }
  return status;
}

/** The session's record and its worktree's; a one-line refusal for a session without one. */
export function findWorktreeSession(
  services: Services,
  query: string,
  command: string,
): { record: SessionRecord; worktree: WorktreeRecord } {
  const { root } = services.settings();
  const { id } = findSession(root, query);
  const found = readSession(root, id);
  const label = sessionLabel(id, found.record?.name);
  if (!found.record) throw new UserError(`session ${label}: ${found.problem ?? 'no record'}`);
  const worktree = found.record.worktree;
  if (!worktree) {
    throw new UserError(
      `session ${label} has no worktree of its own (it was started without --worktree): nothing to ${command}; its directory is ${found.record.cwd}`,
    );
  }
  return { record: found.record, worktree };
}

/** The worktree as git sees it now; a one-line refusal for a problem the command cannot go on with. */
export async function lookAtWorktree(
  services: Services,
  record: SessionRecord,
  worktree: WorktreeRecord,
  /** The problems it can go on with. */
  bearable: readonly WorktreeProblem[],
): Promise<WorktreeState> {
  const state = await inspectWorktreeSafely(worktree, services.env);
  if (state.problem && !bearable.includes(state.problem)) {
    throw new UserError(`session ${sessionLabel(record.id, record.name)}: ${problemText(state)}`);
  }
  return state;
}

function untrackedFiles(path: string, env: NodeJS.ProcessEnv): string[] {
  const result = git(path, ['ls-files', '--others', '--exclude-standard', '-z'], { env, readOnly: true });
  return result.ok ? result.stdout.split('\0').filter((file) => file !== '') : [];
}

interface FileChange {
  path: string;
  /** Null for a binary file. */
  insertions: number | null;
  deletions: number | null;
}

function summary(
  record: SessionRecord,
  worktree: WorktreeRecord,
  state: WorktreeState,
  base: string,
  untracked: string[],
  env: NodeJS.ProcessEnv,
) {
  const numstat = git(state.path, ['diff', '--numstat', '-z', '--no-renames', base, '--'], {
    env,
    readOnly: true,
  });
  if (!numstat.ok) throw new UserError(`git diff failed in ${state.path}: ${gitMessage(numstat)}`);
  const files: FileChange[] = numstat.stdout
    .split('\0')
    .filter((line) => line !== '')
    .map((line) => {
      const [insertions, deletions, ...path] = line.split('\t');
      const count = (text: string | undefined) => (text === undefined || text === '-' ? null : Number(text));
      return { path: path.join('\t'), insertions: count(insertions), deletions: count(deletions) };
    });
  return {
    id: record.id,
    name: record.name,
    path: state.path,
    branch: worktree.branch,
    base: worktree.base,
    mergeBase: base,
    files,
    insertions: files.reduce((sum, file) => sum + (file.insertions ?? 0), 0),
    deletions: files.reduce((sum, file) => sum + (file.deletions ?? 0), 0),
    untracked,
  };
}
