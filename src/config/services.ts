import type { Settings } from './config.js';

/** What commands get from the entry instead of reaching for globals, so tests can pass their own. */
export interface Services {
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => Date;
  out: (text: string) => void;
  err: (text: string) => void;
  isTerminal: (fd: 0 | 1 | 2) => boolean;
  /** How wide the terminal on stdout is, in columns; undefined when stdout is no terminal. */
  terminalColumns: () => number | undefined;
  settings: () => Settings;
}
