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
