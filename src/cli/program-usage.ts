import type { Command } from 'commander';
import type { Services } from '../config/services.js';
import type { Run } from './action.js';

/** The command line of `usage`; it runs commands/usage.ts. */
export function registerUsageCommand(program: Command, services: Services, run: Run): void {
  program
    .command('usage')
    .summary('tokens and cost across sessions, by session, day, model or directory')
    .description(
      "Tokens (input, output, cache writes, cache reads) and cost in US dollars across every session under the root, ended ones included, from their transcripts (each API response counted once); --include-base adds what plain `claude` wrote into the base config dir. Prices come from the price table bundled with this version; a model it does not know shows its tokens and an unknown cost (?), unless Claude's own account covers exactly those responses.",
    )
    .option(
      '--since <when>',
      'only responses since a day (2026-12-01), a time (2026-12-01T09:00) or a duration ago (7d, 24h)',
    )
    .option('--by <group>', 'group by session, day (local time), model or dir', 'session')
    .option('--include-base', 'also count the base config dir (~/.claude or $CLAUDE_CONFIG_DIR)')
    .option('--json', 'print JSON for scripts')
    .addHelpText(
      'after',
      '\nExamples:\n  claude-session usage\n  claude-session usage --since 2026-12-01 --by day\n  claude-session usage --since 24h --by model --include-base\n  claude-session usage --json',
    )
    .action((options: { since?: string; by: string; includeBase?: boolean; json?: boolean }) =>
      run(async () =>
        (await import('../commands/usage.js')).usage(services, {
          since: options.since,
          by: options.by,
          json: options.json === true,
          includeBase: options.includeBase === true,
        }),
      ),
    );
}
