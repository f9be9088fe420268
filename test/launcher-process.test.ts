import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isLauncher } from '../src/system/proc.js';
import { REPO, Sandbox } from './support/sandbox.js';

// doctor takes a session whose recorded process is still ours starting it for "starting", not for a
// Claude without its own environment.
const children: ChildProcess[] = [];
const sandbox = new Sandbox();
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
afterAll(() => sandbox.cleanup());

/** A process running until killed; spawn returns once it has exec'd, so /proc shows its argv. */
function running(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { env: sandbox.env(), stdio: 'ignore' });
  children.push(child);
  return child;
}

describe('isLauncher', () => {
  it("knows the Node part by its bundle, however the path to it is spelt (the tmux start's placeholder)", () => {
    const cli = running(process.execPath, [
      join(REPO, 'bin', '..', 'dist', 'cli.cjs'),
      'list',
      '--watch',
      '--interval',
      '60',
    ]);
    // Another program's bundle of the same name is not ours.
    const elsewhere = join(sandbox.dir, 'other', 'cli.cjs');
    mkdirSync(join(sandbox.dir, 'other'));
    writeFileSync(elsewhere, 'setTimeout(() => {}, 60_000);\n');
    const other = running(process.execPath, [elsewhere]);
    expect(isLauncher(cli.pid as number)).toBe(true);
    expect(cli.exitCode).toBe(null);
    expect(isLauncher(other.pid as number)).toBe(false);
    expect(other.exitCode).toBe(null);
  });
});
