import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { complete, formatCompletion, type SessionList, type Shell } from '../completion/complete.js';
import { readSessionList } from '../completion/sessions.js';
import type { CompletionSpec } from '../completion/spec.js';
import type { Services } from '../config/services.js';
import { packageDir } from '../system/install-dir.js';

const SHELLS: readonly string[] = ['bash', 'zsh', 'fish'];

/** The command tree, written by scripts/build.mjs from the commander program. */
function completionSpecPath(): string {
  return join(packageDir(), 'dist', 'completion.json');
}

/**
 * `claude-session __complete SHELL -- WORDS...`, which the scripts of `claude-session completion` run on
 * every Tab: prints the candidates for the last word. It runs from the launch bundle and reads only the
 * command tree, the config file, and (where a session goes) sessions/ and names/. A Tab must never
 * print an error into the user's command line: a failure offers nothing.
 */
export function completeWords(argv: readonly string[], services: Services): number {
  const [shell, dashes, ...words] = argv;
  if (!shell || !SHELLS.includes(shell) || dashes !== '--') return 2;
  const spec = JSON.parse(readFileSync(completionSpecPath(), 'utf8')) as CompletionSpec;
  const sessions = (): SessionList => {
    try {
      return readSessionList(services.settings().root);
    } catch {
      return { ids: [], names: new Map() };
    }
  };
  writeAll(formatCompletion(complete(spec, words, sessions), shell as Shell));
  return 0;
}

/** Straight to fd 1: setting up process.stdout (a socket, for the shell's pipe) cost a Tab 1-2 ms more. */
function writeAll(text: string): void {
  const bytes = Buffer.from(text);
  for (let done = 0; done < bytes.length; ) {
    try {
      done += writeSync(1, bytes, done);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}
