import type { Services } from '../config/services.js';
import { EXIT, errorCode, isUserError } from '../core/errors.js';

/**
 * The launch fast path: `claude-session [--name NAME] [-- ARGS...]` is parsed here, without loading the
 * full argument parser, because it runs before every session and Node's start-up is most of its cost.
 * Anything else (commands, --help, mistakes) goes to commander in program.ts.
 */
export interface Launch {
  name: string | null;
  args: string[];
  force?: boolean;
  memoryMax?: string | null;
  mode?: 'terminal' | 'tmux' | 'detach';
  noWait?: boolean;
  json?: boolean;
  /** `-w, --worktree [BRANCH]` (with `--base REF`), or `--no-worktree`: as NewOptions.worktree. */
  worktree?: false | { branch: string | null; base: string | null };
  /** `--no-setup`. */
  setup?: false;
}

const MODE_FLAGS: Record<string, 'terminal' | 'tmux' | 'detach'> = {
  '-d': 'detach',
  '--detach': 'detach',
  '--tmux': 'tmux',
  '--terminal': 'terminal',
};

export function parseLaunch(argv: readonly string[]): Launch | undefined {
  const launch: Launch = { name: null, args: [] };
  let base: string | undefined;
  const value = (i: number) => argv[i + 1];
  // As commander says: these only mean something for a session started detached; --base goes with a
  // worktree (and makes one), never with --no-worktree.
  const finish = (args: string[]): Launch | undefined => {
    if ((launch.noWait || launch.json) && launch.mode !== 'detach') return undefined;
    if (base !== undefined) {
      if (launch.worktree === false) return undefined;
      launch.worktree = { branch: launch.worktree?.branch ?? null, base };
    }
    return { ...launch, args };
  };
  // `new` is the default command: naming it changes nothing.
  for (let i = argv[0] === 'new' ? 1 : 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return finish(argv.slice(i + 1));
    if ((arg === '--name' || arg === '-n') && value(i) !== undefined && launch.name === null) {
      launch.name = argv[++i] as string;
    } else if (arg.startsWith('--name=') && launch.name === null) {
      launch.name = arg.slice('--name='.length);
    } else if ((arg === '--force' || arg === '-f') && !launch.force) {
      launch.force = true;
    } else if (MODE_FLAGS[arg] && launch.mode === undefined) {
      launch.mode = MODE_FLAGS[arg];
    } else if (arg === '--no-wait' && !launch.noWait) {
      launch.noWait = true;
    } else if (arg === '--json' && !launch.json) {
      launch.json = true;
    } else if (arg === '--memory-max' && value(i) !== undefined && launch.memoryMax === undefined) {
      launch.memoryMax = argv[++i] as string;
    } else if (arg.startsWith('--memory-max=') && launch.memoryMax === undefined) {
      launch.memoryMax = arg.slice('--memory-max='.length);
    } else if ((arg === '-w' || arg === '--worktree') && launch.worktree === undefined) {
      // An optional value, as commander takes one: the next word unless it looks like an option.
      const branch = value(i) !== undefined && !value(i)?.startsWith('-') ? (argv[++i] as string) : null;
      launch.worktree = { branch, base: null };
    } else if (arg.startsWith('--worktree=') && launch.worktree === undefined) {
      launch.worktree = { branch: arg.slice('--worktree='.length), base: null };
    } else if (arg === '--no-worktree' && launch.worktree === undefined) {
      launch.worktree = false;
    } else if (arg === '--base' && value(i) !== undefined && base === undefined) {
      base = argv[++i] as string;
    } else if (arg.startsWith('--base=') && base === undefined) {
      base = arg.slice('--base='.length);
    } else if (arg === '--no-setup' && launch.setup === undefined) {
      launch.setup = false;
    } else {
      return undefined;
    }
  }
  return finish([]);
}

const PROGRAM = './program.cjs';

/** `claude-session resume SESSION [-- ARGS...]`, the other command that starts Claude. */
export function parseResume(argv: readonly string[]): { query: string; args: string[] } | undefined {
  const [command, query, dashes] = argv;
  if (command !== 'resume' || query === undefined || query.startsWith('-')) return undefined;
  if (dashes === undefined) return { query, args: [] };
  return dashes === '--' ? { query, args: argv.slice(3) } : undefined;
}

export async function main(argv: string[], services: Services): Promise<number> {
  try {
    // Every Tab of the shell completion: from this bundle, without commander (see commands/complete.ts).
    if (argv[0] === '__complete')
      return (await import('../commands/complete.js')).completeWords(argv.slice(1), services);
    const launch = parseLaunch(argv);
    if (launch && !launch.name?.startsWith('-')) {
      return await (await import('../commands/new.js')).startNewSession(services, launch);
    }
    const resume = parseResume(argv);
    if (resume) return await (await import('../commands/resume.js')).resume(services, resume);
    // A separate file (see scripts/build.mjs), so that the launch path does not even compile commander.
    const program: typeof import('./program.js') = require(PROGRAM);
    return await program.runProgram(argv, services);
  } catch (error) {
    return report(error, services, asksForJson(argv));
  }
}

/** `--json` among our own arguments (not Claude's, after `--`): a failure is then also told as JSON. */
function asksForJson(argv: readonly string[]): boolean {
  const dashes = argv.indexOf('--');
  return (dashes === -1 ? argv : argv.slice(0, dashes)).includes('--json');
}

/** File-system conditions that are the machine's state, not our bug: said in one line, with the path. */
const CONDITIONS: Record<string, string> = {
  ENOSPC: 'no space left on the device: free some space and try again',
  EDQUOT: 'disk quota exceeded: free some space and try again',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied: check the owner and mode of that path',
  EMFILE: 'too many open files: raise `ulimit -n` and try again',
  ELOOP:
    'a symbolic link where a file of ours was expected: remove it (nothing of ours is read through a link)',
  ENOTREG: 'not a regular file where one was expected (a FIFO or a device?): remove it',
  EFBIG: 'a file far larger than it should be: inspect or remove it',
};

/**
 * Says what went wrong in one line on stderr; with `--json`, also as `{"error", "exitCode"}` on stdout,
 * so that a script reading stdout gets an object instead of nothing.
 */
export function report(error: unknown, services: Services, json = false): number {
  const told = describe(error);
  services.err(`claude-session: ${told.message}\n`);
  if (told.stack) services.err(`${told.stack}\n`);
  if (json) services.out(`${JSON.stringify({ error: told.message, exitCode: told.exitCode })}\n`);
  return told.exitCode;
}

function describe(error: unknown): { message: string; exitCode: number; stack?: string } {
  if (isUserError(error)) return { message: error.message, exitCode: error.exitCode };
  const code = errorCode(error);
  if (code && CONDITIONS[code]) {
    const path = (error as NodeJS.ErrnoException).path;
    return { message: `${CONDITIONS[code]} (${code}${path ? ` at ${path}` : ''})`, exitCode: 1 };
  }
  return {
    message: 'internal error (this is a bug; please report it with the lines below)',
    exitCode: EXIT.SOFTWARE,
    stack: error instanceof Error ? (error.stack ?? error.message) : String(error),
  };
}
