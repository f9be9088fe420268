'use strict';
// Preloaded (--require) by scripts/build.mjs into the one launch it runs: records the vm.Script that
// dist/cli.cjs compiles and, as the process exits, writes its code cache to $CLAUDE_SESSION_CODE_CACHE.
const { writeFileSync } = require('node:fs');
const vm = require('node:vm');

const out = process.env.CLAUDE_SESSION_CODE_CACHE;
delete process.env.CLAUDE_SESSION_CODE_CACHE; // not for Claude, nor for anything the launch starts
const Script = vm.Script;
let launch;
vm.Script = class extends Script {
  constructor(source, options) {
    super(source, options);
    if (options?.filename?.endsWith('/launch.cjs')) launch = this;
  }
};
process.on('exit', () => {
  if (out && launch) writeFileSync(out, launch.createCachedData());
});
