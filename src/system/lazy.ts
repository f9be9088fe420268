import { createRequire } from 'node:module';

/**
 * Built-in modules loaded only when used: the launch path runs before every session, and loading
 * node:child_process alone costs about 4 ms of a Node start-up of about 60 ms.
 */
const require = createRequire(import.meta.url);

export function childProcess(): typeof import('node:child_process') {
  return require('node:child_process') as typeof import('node:child_process');
}

export function readline(): typeof import('node:readline') {
  return require('node:readline') as typeof import('node:readline');
}
