// The fake package's install script, like Claude Code's own postinstall: it marks that it started and that
// it finished, beside itself. FAKE_CLAUDE_INSTALL_SLEEP_MS (or the sleep baked in at publish time) makes it
// take that long in between, so a test can kill an install half-way.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Rewritten by publish({ installSleepMs }) in test/support/registry.ts.
const INSTALL_SLEEP_MS = 0;

const here = import.meta.dirname;
writeFileSync(join(here, 'postinstall-started'), `${process.pid}\n`);
const sleep = Number(process.env.FAKE_CLAUDE_INSTALL_SLEEP_MS || INSTALL_SLEEP_MS);
setTimeout(() => writeFileSync(join(here, 'postinstall-ran'), `${process.pid}\n`), Math.max(sleep, 0) || 0);
