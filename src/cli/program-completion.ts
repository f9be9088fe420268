import { Argument, type Command } from 'commander';
import type { Shell } from '../completion/complete.js';
import { SHELLS } from '../completion/scripts.js';
import type { Services } from '../config/services.js';
import type { Run } from './action.js';

const EXAMPLES = `
Examples:
  source <(claude-session completion bash)     in ~/.bashrc
  source <(claude-session completion zsh)      in ~/.zshrc, after compinit
  claude-session completion fish > ~/.config/fish/completions/claude-session.fish

It completes commands, their options, and the names and ids of the sessions under the root.`;

/** `completion`: the shell completion script (the completing itself is `__complete`, in main.ts). */
export function registerCompletionCommand(program: Command, services: Services, run: Run): void {
  program
    .command('completion')
    .summary('print a shell completion script')
    .description('Print a script that completes commands, options and session names and ids in your shell.')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText('after', EXAMPLES)
    .action((shell: Shell) =>
      run(async () => (await import('../commands/completion.js')).completion(services, shell)),
    );
}
