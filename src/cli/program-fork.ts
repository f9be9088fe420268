import type { Command } from 'commander';
import type { Services } from '../config/services.js';
import { EXIT, UserError } from '../core/errors.js';
import type { Run } from './action.js';
import { launchMode, type ModeFlags } from './launch-flags.js';

interface ForkFlags extends ModeFlags {
  name?: string;
  force?: boolean;
  memoryMax?: string;
  wait?: boolean;
  json?: boolean;
  worktree?: boolean | string;
  setup?: boolean;
}

/** The command line of `fork`, which runs commands/fork.ts. */
export function registerForkCommand(program: Command, argv: string[], services: Services, run: Run): void {
  program
    .command('fork')
    .summary("a new session going on with a copy of a session's conversation, in a new worktree")
    .description(
      "Start a new session that continues a copy of SESSION's latest conversation (Claude's --resume --fork-session, in the new session's config dir), in a new git worktree branched from the branch SESSION works on: two approaches side by side. ARGS after -- go to Claude unchanged.",
    )
    .argument('<session>', "id, unique id prefix, or name; or a conversation's uuid (that conversation)")
    .argument('[args...]', 'arguments for Claude Code, after --')
    .option('-n, --name <name>', 'a unique name for the new session')
    .option('-w, --worktree <branch>', 'the new branch (default: claude-session/<name or short id>)')
    .option('--no-worktree', "no worktree: fork the conversation in SESSION's own folder (not one of ours)")
    .option('--no-setup', "skip the config's worktree set-up command")
    .option('-f, --force', 'start even past the session limit or the memory floor')
    .option('--memory-max <size>', 'cap the session at this much memory, e.g. 600M (systemd user scope)')
    .option('-d, --detach', 'start it in tmux without attaching (see attach, send, wait)')
    .option('--tmux', 'start it in tmux and attach to it')
    .option('--terminal', 'run it in this terminal, whatever the configured mode')
    .option('--no-wait', 'with --detach: return at once, not when Claude is ready')
    .option('--json', 'with --detach: print the new session as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  claude-session fork api -n api-b          a second approach beside "api", in tmux or here\n  claude-session fork api -d -w try-redis   detached, on the new branch try-redis',
    )
    .action((query: string, args: string[], options: ForkFlags) =>
      run(async () => {
        // As for `new`: Claude's arguments come after `--`, never a stray word before it.
        const dashes = argv.indexOf('--');
        const claudeArgs = dashes === -1 ? [] : argv.slice(dashes + 1);
        if (args.length !== claudeArgs.length) {
          throw new UserError(`unexpected "${args[0]}": arguments for Claude go after --`, EXIT.USAGE);
        }
        const mode = launchMode(options);
        if ((options.json || options.wait === false) && mode !== 'detach') {
          throw new UserError('--json and --no-wait go with --detach', EXIT.USAGE);
        }
        return (await import('../commands/fork.js')).fork(services, {
          query,
          name: options.name ?? null,
          args: claudeArgs,
          force: options.force === true,
          memoryMax: options.memoryMax ?? null,
          mode,
          noWait: options.wait === false,
          json: options.json === true,
          worktree:
            options.worktree === false
              ? false
              : { branch: typeof options.worktree === 'string' ? options.worktree : null },
          setup: options.setup !== false,
        });
      }),
    );
}
