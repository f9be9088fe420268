import type { Command } from 'commander';
import type { Run } from './program.js';
import type { Services } from './services.js';

/** The housekeeping commands: cleanup, pin, unpin. */
export function registerCleanupCommands(_program: Command, _services: Services, _run: Run): void {}
