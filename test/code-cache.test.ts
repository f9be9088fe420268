import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCommand, Sandbox } from './support/sandbox.js';

// dist/cli.cjs runs the launch bundle from V8's code cache, made by the build (scripts/build.mjs).
const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

/** A copy of the build whose dist/launch.cache is `cache` (undefined: no cache file at all). */
function buildWithCache(name: string, cache: Buffer | undefined): string {
  const dir = join(sandbox.dir, name);
  for (const entry of ['bin', 'dist', 'libexec', 'package.json'])
    cpSync(join(REPO, entry), join(dir, entry), { recursive: true });
  const file = join(dir, 'dist', 'launch.cache');
  if (cache) writeFileSync(file, cache);
  else rmSync(file);
  return join(dir, 'bin', 'claude-session');
}

describe('the code cache of the launch bundle', () => {
  it('is made by the build and accepted by the Node that made it', () => {
    const filename = join(REPO, 'dist', 'launch.cjs');
    const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(filename, 'utf8')}\n})`;
    const script = new Script(wrapped, {
      filename,
      cachedData: readFileSync(join(REPO, 'dist', 'launch.cache')),
    });
    expect(script.cachedDataRejected).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['from another V8 (rejected)', Buffer.from('not a code cache of this V8, nor of any other')],
  ])('when %s, every path still works: a new session, a command of commander, a Tab', async (name, cache) => {
    const bin = buildWithCache(name.replace(/\W/g, '-'), cache);
    const env = sandbox.env();
    const started = await runCommand(bin, ['--name', name.replace(/\W/g, '-'), '--', '-p', 'x'], { env });
    expect(started.stderr).not.toMatch(/Error|at /);
    expect(started.code).toBe(0);
    const version = await runCommand(bin, ['--version'], { env });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const list = await runCommand(bin, ['list', '--json'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(name.replace(/\W/g, '-'));
    const tab = await runCommand(bin, ['__complete', 'bash', '--', 'resume', ''], { env });
    expect(tab.stdout).toContain(name.replace(/\W/g, '-'));
  });
});
