import { createRequire } from 'node:module';

/**
 * Built-in modules loaded only when used: the launch path runs before every session, and loading
 * node:child_process costs about 4 ms, node:crypto 3.5 ms and node:tty 2.5 ms, of a Node start-up of
 * about 60 ms (measured on the development machine).
 */
let load: NodeJS.Require | undefined;

function lazyRequire<T>(id: string): T {
  load ??= createRequire(import.meta.url);
  return load(id) as T;
}

export function childProcess(): typeof import('node:child_process') {
  return lazyRequire('node:child_process');
}

export function readline(): typeof import('node:readline') {
  return lazyRequire('node:readline');
}

export function tty(): typeof import('node:tty') {
  return lazyRequire('node:tty');
}

export function http(): typeof import('node:http') {
  return lazyRequire('node:http');
}

export function https(): typeof import('node:https') {
  return lazyRequire('node:https');
}
