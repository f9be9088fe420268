import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where this package is installed: the bundles live in `<package>/dist/`, next to `bin/` and `libexec/`.
 * Both bundles map import.meta.url to their own file (see scripts/build.mjs).
 */
export function packageDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return basename(here) === 'dist' ? dirname(here) : join(here, '..', '..');
}

/** The launcher (bin/claude-session), which also runs a plan inside a tmux pane. */
export function launcherPath(): string {
  return join(packageDir(), 'bin', 'claude-session');
}

/** The state hook Claude Code runs on every hook event of a session. */
export function hookPath(): string {
  return join(packageDir(), 'libexec', 'hook');
}

/** The Node part's bundle, which bin/claude-session runs. */
export function cliPath(): string {
  return join(packageDir(), 'dist', 'cli.cjs');
}
