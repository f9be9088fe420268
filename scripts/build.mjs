// Bundles the CLI with esbuild, in two files, and writes the command tree for shell completion:
// - dist/cli.cjs: the launch path (`claude-session [--name N] [-- ARGS]`), small, and CommonJS because
//   Node 20 starts a CommonJS entry about 4 ms faster than an ES module one (measured; bench/run.mjs);
// - dist/program.js: commander and every other command, loaded by cli.cjs only when needed.
// - dist/completion.json: the command tree, read by `claude-session __complete` on every Tab.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const launch = await build({
  ...common,
  metafile: true,
  entryPoints: ['src/cli/entry.ts'],
  outfile: 'dist/cli.cjs',
  format: 'cjs',
  define: { ...common.define, 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// The launch path must not grow into the program: no commander, no other command than new and resume
// (and the hidden __complete, which answers every Tab without loading the program).
const PROGRAM_ONLY =
  /node_modules\/commander\/|^src\/cli\/(program|action)|^src\/commands\/(?!new\.ts|resume\.ts|complete\.ts)/;
const leaked = Object.keys(launch.metafile.inputs).filter((input) => PROGRAM_ONLY.test(input));
if (leaked.length > 0) throw new Error(`dist/cli.cjs pulls in program-only modules: ${leaked.join(', ')}`);
await build({
  ...common,
  entryPoints: ['src/cli/program.ts'],
  outfile: 'dist/program.js',
  format: 'esm',
  // commander is CommonJS: give the ES module bundle the require() it uses for node: built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
// The command tree for shell completion, taken from the program just built: a Tab reads it from this
// file and never loads commander (see src/commands/complete.ts).
const { completionSpec } = await import(new URL('../dist/program.js', import.meta.url).href);
writeFileSync(new URL('../dist/completion.json', import.meta.url), `${JSON.stringify(completionSpec())}\n`);
