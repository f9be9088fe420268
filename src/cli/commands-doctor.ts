import type { Command } from 'commander';
import type { Run } from './program.js';
import type { Services } from './services.js';

/** The health commands: doctor, status. */
export function registerDoctorCommands(_program: Command, _services: Services, _run: Run): void {}
