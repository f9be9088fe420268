import { loadSettings, type Settings } from '../config/config.js';

/** What commands get from the entry instead of reaching for globals, so tests can pass their own. */
export interface Services {
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => Date;
  out: (text: string) => void;
  err: (text: string) => void;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  settings: () => Settings;
}

export function processServices(): Services {
  let settings: Settings | undefined;
  // Output piped into `head` and the like: stop quietly when the reader has gone.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
  return {
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    settings: () => {
      settings ??= loadSettings(process.env);
      return settings;
    },
  };
}
