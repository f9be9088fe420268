import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, Sandbox } from './support/sandbox.js';

describe('help and version', () => {
  const sandbox = new Sandbox();
  it('prints the version', async () => {
    const result = await sandbox.run(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    [],
    ['new'],
    ['list'],
    ['resume'],
    ['show'],
    ['login'],
    ['logout'],
    ['import'],
    ['shared'],
    ['update'],
    ['versions'],
    ['log'],
    ['cleanup'],
    ['rm'],
    ['rename'],
    ['pin'],
    ['unpin'],
    ['doctor'],
    ['status'],
    ['answers'],
    ['completion'],
  ])('prints help for %j', async (...command) => {
    const result = await sandbox.run([...command, '--help']);
    expect(result.code, `${result.stderr} ${result.signal}`).toBe(0);
    expect(result.stdout).toMatch(/^Usage: claude-session/);
    expect(sandbox.sessionIds()).toEqual([]);
  });

  it('lists the completion command and ends with the README of this installation', async () => {
    const result = await sandbox.run(['--help']);
    expect(result.stdout).toMatch(/^ {2}completion <shell> +print a shell completion script$/m);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(`Docs: ${join(REPO, 'README.md')}`);
    expect(existsSync(join(REPO, 'README.md'))).toBe(true);
  });
});

describe('output into a closed pipe', () => {
  it('stops quietly when the reader has gone (| head)', async () => {
    const { runCommand, CLI } = await import('./support/sandbox.js');
    const sandbox = new Sandbox();
    const result = await runCommand(
      'sh',
      ['-c', `"${CLI}" --help | head -c 1 >/dev/null; "${CLI}" --help | true`],
      {
        env: sandbox.env(),
      },
    );
    expect(result.stderr).toBe('');
    sandbox.cleanup();
  });
});
