import { type Command, Option } from 'commander';
import type { Services } from '../config/services.js';
import { EXIT, UserError } from '../core/errors.js';
import type { Run } from './action.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The command line of the commands for sessions in tmux (attach, kill, send, wait); each runs its commands/ file. */
export function registerTmuxCommands(program: Command, services: Services, run: Run): void {
  program
    .command('attach')
    .summary('attach this terminal to a session in tmux (C-b d detaches)')
    .description(
      'Attach this terminal to a session in tmux (detach with the usual tmux key, C-b d); a session whose Claude has ended is resumed in tmux first.',
    )
    .argument('<session>', "id, unique id prefix, or name; or a conversation's uuid")
    .option('-f, --force', 'when resuming: start even past the session limit or the memory floor')
    .addHelpText('after', '\nExamples:\n  claude-session attach api\n  claude-session attach 3f2a')
    .action((query: string, options: { force?: boolean }) =>
      run(async () =>
        (await import('../commands/attach.js')).attach(services, { query, force: options.force === true }),
      ),
    );

  program
    .command('kill')
    .summary('end a running session cleanly')
    .description('End a running session cleanly: SIGTERM to Claude, SIGKILL only after a grace time.')
    .argument('<session>', 'id, unique id prefix, or name')
    .option('--grace <time>', 'how long Claude gets to end before SIGKILL, in seconds or e.g. 1m', '10')
    .option('--json', 'print a JSON object for scripts')
    .action((query: string, options: { grace: string; json?: boolean }) =>
      run(async () => {
        const { parseTimeout } = await import('../core/duration.js');
        return (await import('../commands/kill.js')).kill(services, {
          query,
          graceMs: parseTimeout(options.grace, '--grace'),
          json: options.json === true,
        });
      }),
    );

  program
    .command('send')
    .summary('type a prompt into a session in tmux and submit it')
    .description(
      'Type a prompt into a session running in tmux and submit it, for scripts; returns once Claude has taken it.',
    )
    .argument('<session>', 'id, unique id prefix, or name')
    .argument('[text...]', 'the prompt (words are joined with spaces); - or --stdin reads it from stdin')
    .option('--stdin', 'read the prompt from standard input')
    .option(
      '-f, --force',
      'send even while Claude works (it queues the prompt), waits for an answer, or has unsent text in its box',
    )
    .addHelpText(
      'after',
      '\nExit status: 0 taken, 75 the session is busy (working or waiting), 1 other errors.\n\nExamples:\n  claude-session send api "run the tests and fix what fails"\n  git diff | claude-session send api --stdin\n  claude-session send api "summarise" && claude-session wait api --until idle',
    )
    .action((query: string, words: string[], options: { stdin?: boolean; force?: boolean }) =>
      run(async () => {
        const fromStdin = options.stdin === true || (words.length === 1 && words[0] === '-');
        if (fromStdin && words.length > 0 && words[0] !== '-') {
          throw new UserError('give the prompt as text or on stdin (--stdin), not both', EXIT.USAGE);
        }
        const text = fromStdin ? await readStdin() : words.join(' ');
        return (await import('../commands/send.js')).send(services, {
          query,
          text,
          force: options.force === true,
        });
      }),
    );

  program
    .command('wait')
    .summary('block until a session is idle or waiting, for scripts')
    .description(
      "Block until a session's Claude is idle (its turn is done) or waiting (for permission or input).",
    )
    .argument('<session>', 'id, unique id prefix, or name')
    .addOption(
      new Option('--until <state>', 'the state to wait for')
        .choices(['idle', 'waiting', 'working'])
        .makeOptionMandatory(),
    )
    .option('--timeout <time>', 'give up after this long, in seconds or e.g. 5m (exit status 124)')
    .option('--json', 'print the state reached as JSON')
    .addHelpText(
      'after',
      '\nExit status: 0 reached, 124 timed out, 1 the session ended or does not run.\n\nExamples:\n  claude-session wait api --until idle --timeout 10m\n  claude-session wait api --until waiting && notify-send "api needs you"',
    )
    .action((query: string, options: { until: string; timeout?: string; json?: boolean }) =>
      run(async () => {
        const { parseTimeout } = await import('../core/duration.js');
        return (await import('../commands/wait.js')).wait(services, {
          query,
          until: options.until,
          timeoutMs: options.timeout === undefined ? undefined : parseTimeout(options.timeout, '--timeout'),
          json: options.json === true,
        });
      }),
    );
}
