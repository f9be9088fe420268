// Bundles the CLI with esbuild, in two files, and writes the command tree for shell completion:
// - dist/launch.cjs: the launch path (`claude-session [--name N] [-- ARGS]`), small, and CommonJS because
//   Node 20 starts a CommonJS entry about 4 ms faster than an ES module one (measured; bench/run.mjs);
// - dist/cli.cjs: the entry, scripts/cli-loader.cjs, which runs launch.cjs from dist/launch.cache, V8's
//   code cache of it, made here after a representative launch (see makeCodeCache below);
// - dist/program.cjs: commander and every other command, required by launch.cjs only when needed;
//   CommonJS too: a script compiled from a code cache cannot import() on Node 20.
// - dist/ui.cjs: the dashboard (`claude-session ui`), its own bundle, required only by that command.
// - dist/completion.json: the command tree, read by `claude-session __complete` on every Tab.
// - dist/prices.cjs: the price table (@pydantic/genai-prices, a dev dependency pinned exactly), about
//   480 KB, required by src/usage/prices.ts only when a response must be priced; so the package still
//   installs with no runtime dependency, offline.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
};
const cjs = {
  ...common,
  format: 'cjs',
  define: { ...common.define, 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};
const launch = await build({
  ...cjs,
  metafile: true,
  entryPoints: ['src/cli/entry.ts'],
  outfile: 'dist/launch.cjs',
});
// The launch path must not grow into the program: no commander, no other command than new and resume
// (and the hidden __complete, which answers every Tab without loading the program).
const PROGRAM_ONLY =
  /node_modules\/commander\/|^src\/cli\/(program|action)|^src\/commands\/(?!new\.ts|resume\.ts|complete\.ts)/;
// Usage accounting and its price table are for the usage command, list and show, never for a launch.
const LAUNCH_NEVER = /^src\/usage\/|node_modules\/@pydantic\//;
const leaked = Object.keys(launch.metafile.inputs).filter(
  (input) => PROGRAM_ONLY.test(input) || LAUNCH_NEVER.test(input),
);
if (leaked.length > 0) throw new Error(`dist/launch.cjs pulls in program-only modules: ${leaked.join(', ')}`);
const program = await build({
  ...cjs,
  metafile: true,
  entryPoints: ['src/cli/program.ts'],
  outfile: 'dist/program.cjs',
});
// The price table is its own file, loaded when needed (src/usage/prices.ts), not part of the program.
const tableInProgram = Object.keys(program.metafile.inputs).filter((input) => input.includes('@pydantic/'));
if (tableInProgram.length > 0)
  throw new Error(`dist/program.cjs includes the price table: ${tableInProgram}`);
// The dashboard is its own bundle, dist/ui.cjs, loaded only by `claude-session ui` (never by a launch
// nor by any other command).
const dashboardIn = (bundle) =>
  Object.keys(bundle.metafile.inputs).filter((input) => input.startsWith('src/ui/'));
if (dashboardIn(launch).length > 0 || dashboardIn(program).length > 0)
  throw new Error(
    `the dashboard leaked into the launch or the program: ${[...dashboardIn(launch), ...dashboardIn(program)]}`,
  );
await build({ ...cjs, entryPoints: ['src/cli/ui-main.ts'], outfile: 'dist/ui.cjs' });
const PRICES = 'node_modules/@pydantic/genai-prices';
const prices = JSON.parse(readFileSync(`${PRICES}/package.json`, 'utf8'));
await build({
  ...common,
  format: 'cjs',
  minify: true,
  sourcemap: false,
  entryPoints: [`${PRICES}/${prices.main}`],
  outfile: 'dist/prices.cjs',
  banner: { js: `/* ${prices.name}@${prices.version}\n${readFileSync(`${PRICES}/LICENSE`, 'utf8')}*/` },
});
copyFileSync(new URL('cli-loader.cjs', import.meta.url), new URL('../dist/cli.cjs', import.meta.url));
// The command tree for shell completion, taken from the program just built: a Tab reads it from this
// file and never loads commander (see src/commands/complete.ts).
const { completionSpec } = createRequire(import.meta.url)('../dist/program.cjs');
writeFileSync(new URL('../dist/completion.json', import.meta.url), `${JSON.stringify(completionSpec())}\n`);
makeCodeCache();

/**
 * dist/launch.cache: a new session started through bin/claude-session under a throwaway HOME (a base
 * with a skill, an agent, a command), with a `claude` that exits at once and no update check;
 * scripts/code-cache.cjs, preloaded, writes the code cache of the launch bundle as that process exits,
 * so it holds the functions the launch ran too (a cache made before running saves nothing measurable).
 */
function makeCodeCache() {
  const home = mkdtempSync(join(tmpdir(), 'claude-session-build-'));
  try {
    const bin = join(home, 'bin');
    mkdirSync(bin);
    // A base like a user's, so that linking the shared entries runs too.
    const base = join(home, '.claude');
    for (const dir of ['skills/a', 'agents', 'commands'])
      mkdirSync(join(base, dir), { recursive: true, mode: 0o700 });
    writeFileSync(join(base, 'skills/a/SKILL.md'), '---\nname: a\n---\n');
    writeFileSync(join(base, 'agents/a.md'), '---\nname: a\n---\n');
    writeFileSync(join(base, 'commands/a.md'), 'a\n');
    writeFileSync(join(base, 'CLAUDE.md'), 'a\n');
    writeFileSync(join(base, 'settings.json'), '{}\n');
    writeFileSync(
      join(bin, 'claude'),
      '#!/bin/sh\n[ "$1" = --version ] && echo \'0.0.0 (Claude Code)\'\nexit 0\n',
      {
        mode: 0o755,
      },
    );
    const out = fileURLToPath(new URL('../dist/launch.cache', import.meta.url));
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(CLAUDE|ANTHROPIC_|XDG_)/.test(key)),
    );
    const result = spawnSync(
      fileURLToPath(new URL('../bin/claude-session', import.meta.url)),
      ['--', '-p', 'hi'],
      {
        cwd: home,
        env: {
          ...env,
          HOME: home,
          PATH: `${bin}:${process.env.PATH}`,
          CLAUDE_SESSION_NO_UPDATE: '1',
          CLAUDE_SESSION_CODE_CACHE: out,
          NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(fileURLToPath(new URL('code-cache.cjs', import.meta.url)))}`,
        },
        encoding: 'utf8',
      },
    );
    // Without a cache the launch works, only slower: a machine where this launch cannot run still builds.
    if (result.status !== 0 || !existsSync(out)) {
      rmSync(out, { force: true });
      console.warn(`build: no code cache (dist/launch.cache), the launch for it failed: ${result.stderr}`);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
