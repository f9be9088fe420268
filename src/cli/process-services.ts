import { loadSettings, type Settings } from '../config/config.js';
import type { Services } from '../config/services.js';
import { tty } from '../system/lazy.js';
import { writeStderr } from '../system/stderr.js';

/** The services of this process, made once by the entry and passed down (see config/services.ts). */
export function processServices(): Services {
  let settings: Settings | undefined;
  return {
    env: process.env,
    cwd: currentDirectory(),
    now: () => new Date(),
    out: (text) => writer(process.stdout)(text),
    err: writeStderr,
    // Asked only when needed: node:tty (and so process.stdout) costs ~2.5 ms to load on the launch path.
    isTerminal: (fd) => tty().isatty(fd),
    terminalColumns: () => (tty().isatty(1) ? process.stdout.columns || undefined : undefined),
    settings: () => {
      settings ??= loadSettings(process.env);
      return settings;
    },
  };
}

/** The working directory, or '' when it has been removed under us (checked where it matters). */
function currentDirectory(): string {
  try {
    return process.cwd();
  } catch {
    return '';
  }
}

const guarded = new WeakSet<NodeJS.WriteStream>();

/** Writes to a standard stream; output piped into `head` and the like stops quietly when the reader goes. */
function writer(stream: NodeJS.WriteStream): (text: string) => void {
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
  return (text) => {
    stream.write(text);
  };
}
