import type { Command } from 'commander';
import type { Services } from '../config/services.js';
import type { Run } from './action.js';

/** The command line of `answers` (what users answered in sessions, kept for later ones): runs commands/answers.ts. */
export function registerAnswersCommands(program: Command, services: Services, run: Run): void {
  program
    .command('answers')
    .description(
      'Show the answers given in sessions that later sessions are given too (API keys approved or rejected, folders trusted, notices and tips seen), or forget them.',
    )
    .option('--forget', 'forget them all: new sessions ask again')
    .option('--json', 'print JSON for scripts')
    .action((options: { forget?: boolean; json?: boolean }) =>
      run(async () =>
        (await import('../commands/answers.js')).answers(services, {
          forget: options.forget === true,
          json: options.json === true,
        }),
      ),
    );
}
