import type { Command } from 'commander';
import type { Services } from '../config/services.js';
import type { Run } from './action.js';

/** The command line of the health commands (doctor, status); each runs its commands/ file. */
export function registerHealthCommands(program: Command, services: Services, run: Run): void {
  program
    .command('doctor')
    .description(
      "Check the installation and every session: Claude, the base, shared links, protection, permissions, each live session's environment, login, tmux, memory caps, updates. Exit status 1 on a problem.",
    )
    .option('--json', 'print {ok, findings} for scripts')
    .action((options: { json?: boolean }) =>
      run(async () =>
        (await import('../commands/doctor.js')).doctor(services, { json: options.json === true }),
      ),
    );

  program
    .command('status')
    .description(
      'Show host memory, what sessions use (resident memory, disk), counts by state, the limits, the last update check, and how many more sessions fit.',
    )
    .option('--json', 'print JSON for scripts')
    .action((options: { json?: boolean }) =>
      run(async () =>
        (await import('../commands/status.js')).status(services, { json: options.json === true }),
      ),
    );
}
