import type { Command } from 'commander';
import type { Services } from '../config/services.js';
import { EXIT, UserError } from '../core/errors.js';
import type { Run } from './action.js';

/** The command line of the commands that look at and finish a worktree session's work (diff, merge). */
export function registerReviewCommands(program: Command, services: Services, run: Run, argv: string[]): void {
  program
    .command('diff')
    .summary('what a session changed in its worktree against its base, committed and not')
    .description(
      "Show what a session changed against its base branch, committed and not (git diff from where its branch left the base, in its worktree), in git's pager on a terminal; untracked files are named on stderr. ARGS after -- go to git diff.",
    )
    .argument('<session>', 'id, unique id prefix, or name')
    .argument('[args...]', 'arguments for git diff, after --')
    .option('--json', 'print the files changed, their counts and the untracked files, for scripts')
    .addHelpText(
      'after',
      '\nExamples:\n  claude-session diff fix\n  claude-session diff fix -- --stat\n  claude-session diff fix -- --word-diff -- src/\n  claude-session diff fix | less -R',
    )
    .action((query: string, args: string[], options: { json?: boolean }) =>
      run(async () => {
        const dashes = argv.indexOf('--');
        const gitArgs = dashes === -1 ? [] : argv.slice(dashes + 1);
        if (args.length !== gitArgs.length) {
          throw new UserError(`unexpected "${args[0]}": arguments for git diff go after --`, EXIT.USAGE);
        }
        return (await import('../commands/diff.js')).diff(services, {
          query,
          args: gitArgs,
          json: options.json === true,
        });
      }),
    );

  program
    .command('merge')
    .summary("bring a session's branch into its base branch (--rm: then remove the session)")
    .description(
      "Merge a session's branch into its base branch (git merge --no-ff), in the checkout that has the base checked out. Refuses, changing nothing, when that checkout has uncommitted changes, the session's worktree has uncommitted or untracked files, there is nothing to merge, or the merge would conflict. --rm then removes the session with its worktree and branch.",
    )
    .argument('<session>', 'id, unique id prefix, or name')
    .option('--rm', 'then remove the session, its worktree and its branch (never a running session)')
    .option('--json', 'print a JSON object for scripts')
    .addHelpText(
      'after',
      '\nExamples:\n  claude-session merge fix\n  claude-session merge fix --rm\n  claude-session merge fix --json',
    )
    .action((query: string, options: { rm?: boolean; json?: boolean }) =>
      run(async () =>
        (await import('../commands/merge.js')).merge(services, {
          query,
          rm: options.rm === true,
          json: options.json === true,
        }),
      ),
    );
}
