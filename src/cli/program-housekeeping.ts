import type { Command } from 'commander';
import type { Services } from '../config/services.js';
import type { Run } from './action.js';

/** The command line of the housekeeping commands (cleanup, rm, rename, pin, unpin); each runs its commands/ file. */
export function registerHousekeepingCommands(program: Command, services: Services, run: Run): void {
  program
    .command('cleanup')
    .summary('remove old and empty sessions (--dry-run shows which)')
    .description(
      'Remove sessions that are not running and not pinned, and either inactive for a while (default 30 days) or empty (never got a prompt) for an hour.',
    )
    .option('--older-than <duration>', 'inactive for at least this long, e.g. 7d, 12h, 30m, 90s')
    .option('--empty', 'only remove empty sessions (with --older-than: empty for that long)')
    .option('--dry-run', 'show what would be removed and change nothing')
    .option('--json', 'print a JSON object for scripts')
    .option('-y, --yes', 'do not ask for confirmation (needed without a terminal)')
    .option('--install-timer', 'run `cleanup --yes` daily: a systemd user timer, else a crontab line')
    .option('--remove-timer', 'remove that timer or crontab line')
    .addHelpText(
      'after',
      '\nExamples:\n  claude-session cleanup --dry-run\n  claude-session cleanup --older-than 7d --yes\n  claude-session cleanup --install-timer',
    )
    .action(
      (options: {
        olderThan?: string;
        empty?: boolean;
        dryRun?: boolean;
        json?: boolean;
        yes?: boolean;
        installTimer?: boolean;
        removeTimer?: boolean;
      }) =>
        run(async () =>
          (await import('../commands/cleanup.js')).cleanup(services, {
            olderThan: options.olderThan,
            empty: options.empty === true,
            dryRun: options.dryRun === true,
            json: options.json === true,
            yes: options.yes === true,
            installTimer: options.installTimer === true,
            removeTimer: options.removeTimer === true,
          }),
        ),
    );

  program
    .command('rm')
    .summary('remove sessions (never a running or pinned one without --force)')
    .description(
      'Remove the sessions named, with the safety of cleanup: never a running or pinned session without --force (which ends a running Claude first, as kill does), never a dir that is not ours. A session goes with its worktree and the branch it made; a worktree holding work stops it unless --force names that one session. Every session is checked before the first is removed.',
    )
    .argument('<session...>', 'ids, unique id prefixes, or names')
    .option(
      '-f, --force',
      "also remove a pinned session, end a running one first, and (naming one session alone) discard its worktree's work, saved first",
    )
    .option('--dry-run', 'show what would be removed and change nothing')
    .option('--json', 'print a JSON object for scripts')
    .addHelpText(
      'after',
      '\nExamples:\n  claude-session rm api 3f2a9c1e\n  claude-session rm api --dry-run\n  claude-session rm api --force',
    )
    .action((queries: string[], options: { force?: boolean; dryRun?: boolean; json?: boolean }) =>
      run(async () =>
        (await import('../commands/rm.js')).rm(services, {
          queries,
          force: options.force === true,
          dryRun: options.dryRun === true,
          json: options.json === true,
        }),
      ),
    );

  program
    .command('rename')
    .description('Give a session a new name (names are unique, and never look like an id).')
    .argument('<session>', 'id, unique id prefix, or name')
    .argument('<name>', "the new name: 1-64 letters, digits, '.', '_' or '-'")
    .addHelpText(
      'after',
      '\nExamples:\n  claude-session rename 3f2a9c1e api\n  claude-session rename api api-old',
    )
    .action((query: string, name: string) =>
      run(async () => (await import('../commands/rename.js')).rename(services, { query, name })),
    );

  for (const [command, pinned] of [
    ['pin', true],
    ['unpin', false],
  ] as const) {
    program
      .command(command)
      .description(
        pinned
          ? 'Protect a session from cleanup, whatever its age.'
          : 'Let cleanup remove a pinned session again when it is old or empty.',
      )
      .argument('<session>', 'id, unique id prefix, or name')
      .action((query: string) =>
        run(async () => (await import('../commands/pin.js')).pin(services, { query, pinned })),
      );
  }
}
