import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { type CompletionSpec, describeProgram } from '../completion/spec.js';
import type { Services } from '../config/services.js';
import { EXIT, UserError } from '../core/errors.js';
import { packageDir } from '../system/install-dir.js';
import type { Run } from './action.js';
import { launchMode } from './launch-flags.js';
import { processServices } from './process-services.js';
import { registerAnswersCommands } from './program-answers.js';
import { registerCompletionCommand } from './program-completion.js';
import { registerForkCommand } from './program-fork.js';
import { registerHealthCommands } from './program-health.js';
import { registerHousekeepingCommands } from './program-housekeeping.js';
import { registerReviewCommands } from './program-review.js';
import { registerTmuxCommands } from './program-tmux.js';
import { registerUiCommand } from './program-ui.js';
import { registerUsageCommand } from './program-usage.js';

declare const __VERSION__: string;

// Docs: the README installed with the package, which is there offline and tells of this very version.
const HELP_FOOTER = `
Examples:
  claude-session                       start a new isolated session here
  claude-session --name api -- --model opus
  claude-session list                  sessions with their state
  claude-session resume api            continue a session's conversation
  claude-session new -d --name api     start one in tmux, in the background
  claude-session new -w -n fix         one in its own git worktree (branch claude-session/fix)
  claude-session fork fix -n fix2      go on with a copy of its conversation, in a second worktree
  claude-session diff fix              what it changed; then \`merge fix --rm\` brings it in
  claude-session attach api            see it (detach: C-b d); it survives SSH drops
  claude-session send api "fix the tests" && claude-session wait api --until idle

Environment:
  CLAUDE_SESSION_ROOT    where sessions live (default ~/.claude-sessions)
  CLAUDE_SESSION_CLAUDE  the Claude Code binary (default: claude on PATH)
  CLAUDE_CONFIG_DIR      the base config to share tools from (default ~/.claude)
  CLAUDE_SESSION_MODE    terminal or tmux: where a plain claude-session runs Claude

Docs: ${join(packageDir(), 'README.md')}`;

interface NewFlags {
  name?: string;
  force?: boolean;
  memoryMax?: string;
  detach?: boolean;
  tmux?: boolean;
  terminal?: boolean;
  wait?: boolean;
  json?: boolean;
  worktree?: boolean | string;
  base?: string;
  setup?: boolean;
}

/** `--worktree [BRANCH]`, `--no-worktree` and `--base REF` as NewOptions.worktree. */
function worktreeOption(flags: NewFlags): false | { branch: string | null; base: string | null } | undefined {
  if (flags.worktree === false) {
    if (flags.base !== undefined)
      throw new UserError('--base goes with --worktree, not --no-worktree', EXIT.USAGE);
    return false;
  }
  if (flags.worktree === undefined) {
    return flags.base === undefined ? undefined : { branch: null, base: flags.base };
  }
  return { branch: flags.worktree === true ? null : flags.worktree, base: flags.base ?? null };
}

export function build(argv: string[], services: Services, run: Run): Command {
  const program = new Command('claude-session')
    .description(
      'Isolated, lasting, parallel Claude Code sessions that share your skills, agents and commands.',
    )
    .version(__VERSION__, '-V, --version')
    .enablePositionalOptions()
    .showSuggestionAfterError()
    // Before the commands are added: each copies it, so their usage errors also exit with status 2.
    .exitOverride()
    .addHelpText('after', HELP_FOOTER)
    .configureOutput({
      writeOut: services.out,
      writeErr: services.err,
      outputError: (text, write) =>
        write(`claude-session: ${text.replace(/^error: /, '').trimEnd()} (see --help)\n`),
    });

  program
    .command('new', { isDefault: true })
    .summary('start a new session (the default command)')
    .description(
      'Start a new isolated Claude Code session, in this terminal or (--detach, --tmux, or the configured mode) in tmux; ARGS after -- go to Claude unchanged.',
    )
    .option('-n, --name <name>', 'a unique name to resume it by')
    .option('-f, --force', 'start even past the session limit or the memory floor')
    .option('--memory-max <size>', 'cap the session at this much memory, e.g. 600M (systemd user scope)')
    .option('-d, --detach', 'start it in tmux without attaching (see attach, send, wait)')
    .option('--tmux', 'start it in tmux and attach to it (survives SSH disconnects)')
    .option('--terminal', 'run it in this terminal, whatever the configured mode')
    .option('--no-wait', 'with --detach: return at once, not when Claude is ready')
    .option('--json', 'with --detach: print the new session as JSON')
    .option(
      '-w, --worktree [branch]',
      'run it in a new git worktree of this repository, on a new branch (or BRANCH)',
    )
    .option('--no-worktree', 'no worktree, whatever the config says')
    .option('--base <ref>', 'with --worktree: start the new branch from REF, not HEAD')
    .option('--no-setup', "with --worktree: skip the config's set-up command")
    .argument('[args...]', 'arguments for Claude Code, after --')
    .passThroughOptions()
    .action((args: string[], options: NewFlags) =>
      run(async () => {
        // Claude's arguments come after `--`; a word before it is a mistyped command, not a prompt.
        const dashes = argv.indexOf('--');
        const stray = args.slice(0, args.length - (dashes === -1 ? 0 : argv.length - dashes - 1));
        if (stray.length > 0) {
          const known = program.commands.flatMap((command) => [command.name(), ...command.aliases()]);
          throw new UserError(
            `unknown command "${stray[0]}" (commands: ${known.join(', ')}); arguments for Claude go after --`,
            EXIT.USAGE,
          );
        }
        const mode = launchMode(options);
        if ((options.json || options.wait === false) && mode !== 'detach') {
          throw new UserError('--json and --no-wait go with --detach', EXIT.USAGE);
        }
        return (await import('../commands/new.js')).startNewSession(services, {
          name: options.name ?? null,
          args: dashes === -1 ? [] : argv.slice(dashes + 1),
          force: options.force === true,
          memoryMax: options.memoryMax ?? null,
          mode,
          noWait: options.wait === false,
          json: options.json === true,
          worktree: worktreeOption(options),
          setup: options.setup !== false,
        });
      }),
    );

  program
    .command('list')
    .alias('ls')
    .summary('sessions with their live state (working, waiting, idle) and where they run')
    .description(
      'List sessions: id, name, state (working / waiting / idle while running; exited / empty / broken), where (terminal or tmux), activity, memory, disk.',
    )
    .option('--json', 'print a JSON array for scripts')
    .option('-w, --watch', 'redraw the table live until interrupted')
    .option('--interval <seconds>', 'with --watch: seconds between redraws', '1')
    .action((options: { json?: boolean; watch?: boolean; interval: string }) =>
      run(async () => {
        const commands = await import('../commands/list.js');
        if (!options.watch) return commands.list(services, { json: options.json === true });
        if (options.json)
          throw new UserError('--watch draws a table for people: use --json without it', EXIT.USAGE);
        const { parseTimeout } = await import('../core/duration.js');
        return commands.watchList(services, {
          intervalMs: Math.max(200, parseTimeout(options.interval, '--interval')),
        });
      }),
    );

  program
    .command('resume')
    .description(
      "Continue a session's conversation in its own config dir, in the directory it was started in.",
    )
    .argument(
      '<session>',
      "id, unique id prefix, or name; or a conversation's uuid (as in Claude's `claude --resume <uuid>`)",
    )
    .argument('[args...]', 'arguments for Claude Code, after --')
    .option('-f, --force', 'start even past the session limit or the memory floor')
    .option('-d, --detach', 'resume it in tmux without attaching')
    .option('--tmux', 'resume it in tmux and attach to it')
    .option('--terminal', 'resume it in this terminal, whatever the configured mode')
    .option('--no-wait', 'with --detach: return at once, not when Claude is ready')
    .action((query: string, args: string[], options: NewFlags) =>
      run(async () => {
        // As for `new`: Claude's arguments come after `--`, never a stray word before it.
        const dashes = argv.indexOf('--');
        const claudeArgs = dashes === -1 ? [] : argv.slice(dashes + 1);
        if (args.length !== claudeArgs.length) {
          throw new UserError(`unexpected "${args[0]}": arguments for Claude go after --`, EXIT.USAGE);
        }
        return (await import('../commands/resume.js')).resume(services, {
          query,
          args: claudeArgs,
          force: options.force === true,
          mode: launchMode(options),
          noWait: options.wait === false,
        });
      }),
    );

  registerForkCommand(program, argv, services, run);

  program
    .command('show')
    .description('Show one session in detail.')
    .argument('<session>', 'id, unique id prefix, or name')
    .option('--json', 'print a JSON object for scripts')
    .action((query: string, options: { json?: boolean }) =>
      run(async () =>
        (await import('../commands/show.js')).show(services, { query, json: options.json === true }),
      ),
    );

  program
    .command('update')
    .description(
      'Check for a newer Claude Code and install it safely: side by side (managed mode), or with npm -g only while no session runs (npm-global mode). Asked for explicitly, it uses the registry even with CLAUDE_SESSION_NO_UPDATE=1, which stops only the automatic checks and installs.',
    )
    .option('--check', 'only say whether a newer version exists')
    .option('--to <version>', 'install exactly this version (also an older one)')
    .option('--rollback', 'return to the previous version (managed mode)')
    .option('--json', 'print JSON for scripts')
    .addOption(new Option('--background').hideHelp())
    .action(
      (options: { check?: boolean; to?: string; rollback?: boolean; json?: boolean; background?: boolean }) =>
        run(async () =>
          (await import('../commands/update.js')).update(services, {
            check: options.check === true,
            json: options.json === true,
            to: options.to,
            rollback: options.rollback === true,
            background: options.background === true,
          }),
        ),
    );

  program
    .command('versions')
    .description('List the installed Claude Code versions and which live sessions run which.')
    .option('--json', 'print JSON for scripts')
    .action((options: { json?: boolean }) =>
      run(async () =>
        (await import('../commands/versions.js')).versions(services, { json: options.json === true }),
      ),
    );

  program
    .command('login')
    .description('Store a long-lived login token for every session (runs `claude setup-token`).')
    .option('--stdin', 'read the token from standard input instead of running setup-token')
    .option('--status', 'say how sessions log in now, and change nothing')
    .option('--json', 'with --status: print JSON')
    .action((options: { stdin?: boolean; status?: boolean; json?: boolean }) =>
      run(async () => {
        const commands = await import('../commands/login.js');
        return options.status
          ? commands.loginStatus(services, { json: options.json === true })
          : commands.login(services, { stdin: options.stdin === true });
      }),
    );

  program
    .command('logout')
    .description('Remove the token stored by `claude-session login`.')
    .action(() => run(async () => (await import('../commands/logout.js')).logout(services)));

  program
    .command('import')
    .description('Import session dirs of the earlier shell version from ~/.claude/sessions/<uuid>/.')
    .option('--dry-run', 'show what would be imported and change nothing')
    .option('--json', 'print JSON')
    .action((options: { dryRun?: boolean; json?: boolean }) =>
      run(async () =>
        (await import('../commands/import.js')).importLegacy(services, {
          dryRun: options.dryRun === true,
          json: options.json === true,
        }),
      ),
    );

  program
    .command('shared')
    .description('Show or change the protection of the shared skills, agents, commands, rules and CLAUDE.md.')
    .argument('[action]', 'status | lock | unlock', 'status')
    .option('--json', 'with status: print JSON')
    .action((action: string, options: { json?: boolean }) =>
      run(async () => {
        if (action !== 'status' && action !== 'lock' && action !== 'unlock') {
          throw new UserError(
            `unknown action "${action}" for shared: use status, lock or unlock`,
            EXIT.USAGE,
          );
        }
        return (await import('../commands/shared.js')).shared(services, action, options.json === true);
      }),
    );

  program
    .command('log')
    .description(
      'Show the audit log: every session created, resumed, ended, killed, pinned or removed, every update.',
    )
    .option('-f, --follow', 'keep printing new entries as they come, until interrupted')
    .option('-n, --lines <count>', 'show only the last COUNT entries', (value) => Number(value))
    .option('--json', 'print the entries as JSON lines')
    .action((options: { follow?: boolean; lines?: number; json?: boolean }) =>
      run(async () =>
        (await import('../commands/log.js')).log(services, {
          follow: options.follow === true,
          lines: options.lines,
          json: options.json === true,
        }),
      ),
    );

  registerTmuxCommands(program, services, run);
  registerUiCommand(program, services, run);
  registerReviewCommands(program, services, run, argv);
  registerHousekeepingCommands(program, services, run);
  registerHealthCommands(program, services, run);
  registerUsageCommand(program, services, run);
  registerAnswersCommands(program, services, run);
  registerCompletionCommand(program, services, run);
  return program;
}

/** The command tree for shell completion, which scripts/build.mjs writes to dist/completion.json. */
export function completionSpec(): CompletionSpec {
  return describeProgram(
    build([], processServices(), () => {}),
    'new',
  );
}

/** Parses and runs a command; commander's own errors (it has printed them) become exit status 2. */
export async function runProgram(argv: string[], services: Services): Promise<number> {
  let pending: Promise<number> | undefined;
  const program = build(argv, services, (action) => {
    pending = action();
  });
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT.USAGE;
    throw error;
  }
  return pending ? await pending : 0;
}
