'use strict';
// dist/cli.cjs, the executable's entry (copied here by scripts/build.mjs): runs the launch bundle
// dist/launch.cjs from V8's code cache dist/launch.cache, made at build time after a launch ran, so
// that neither the bundle nor the functions a launch calls are compiled again on every start (about
// 4-5 ms of CPU; bench/README.md). A cache that is missing, or that this Node's V8 rejects (another
// version, other flags, another source), costs nothing but that: the bundle is compiled as usual.
const { readFileSync } = require('node:fs');
const { Script } = require('node:vm');
const { createRequire } = require('node:module');

const filename = `${__dirname}/launch.cjs`;
let cachedData;
try {
  cachedData = readFileSync(`${__dirname}/launch.cache`);
} catch {}
// Node's own CommonJS wrapper; the bundle makes no import() (program.cjs is loaded with require).
const script = new Script(
  `(function (exports, require, module, __filename, __dirname) {${readFileSync(filename, 'utf8')}\n})`,
  { filename, cachedData },
);
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, createRequire(filename), bundle, filename, __dirname);
