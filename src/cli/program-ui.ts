import type { Command } from 'commander';
import type { Services } from '../config/services.js';
import type { Run } from './action.js';

/** The command line of the dashboard (`ui`, alias `dash`); its loop is dist/ui.cjs, loaded only for it. */
export function registerUiCommand(program: Command, services: Services, run: Run): void {
  program
    .command('ui')
    .alias('dash')
    .summary('a live full-screen dashboard of the sessions, in our tmux server')
    .description(
      "A live full-screen view of the sessions (state, since when, place, memory, last activity) with the selected session's screen; Enter attaches, and one key (prefix u) comes back from any session. It runs in a tmux session of our server, claude-session-ui.",
    )
    .option('--here', 'run it in this terminal instead of in tmux (Enter cannot switch to a session then)')
    .addHelpText(
      'after',
      '\nKeys: Enter attach, / filter, s send, k kill, x remove, r resume, f fork, n new, ? help, q quit.',
    )
    .action((options: { here?: boolean }) =>
      run(async () => (await import('../commands/ui.js')).ui(services, { here: options.here === true })),
    );
}
