import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, REPO, runCommand, Sandbox } from './support/sandbox.js';

// The package as users get it: `npm pack`, then `npm install -g` of the tarball into a fresh prefix,
// offline with an empty cache (so it must need nothing from a registry: no runtime dependencies), and
// no build on the installing machine. Then the installed command is run through npm's bin link.
const VERSION = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string;
let dir: string;
let prefix: string;
let installed: string;
let install: ReturnType<typeof spawnSync>;
let sandbox: Sandbox;

function npm(args: string[], cwd: string) {
  // Our own HOME: no user .npmrc, and nothing written to the real ~/.npm.
  const env = { ...cleanEnv(), HOME: join(dir, 'npm-home'), npm_config_update_notifier: 'false' };
  return spawnSync('npm', args, { cwd, env, encoding: 'utf8' });
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => !statSync(join(root, path)).isDirectory())
    .sort();
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cs-package-'));
  prefix = join(dir, 'prefix');
  // `npm test` has built dist/; --ignore-scripts keeps prepack from rebuilding it (removing it first)
  // under the test files that run at the same time.
  const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], REPO);
  expect(pack.status, pack.stderr).toBe(0);
  const [{ filename }] = JSON.parse(pack.stdout) as [{ filename: string }];
  install = npm(
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--offline',
      '--cache',
      join(dir, 'cache'),
      '--no-audit',
      '--no-fund',
    ].concat(join(dir, filename)),
    dir,
  );
  installed = join(prefix, 'lib', 'node_modules', 'claude-sessions');
  sandbox = new Sandbox();
}, 120_000);

afterAll(() => {
  sandbox?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** The sandbox's environment with the installed command first on PATH. */
const env = () => sandbox.env({ PATH: `${join(prefix, 'bin')}:${sandbox.bin}:${process.env.PATH}` });

/** The installed command, through npm's link in <prefix>/bin as users run it. */
function run(args: string[]) {
  return runCommand(join(prefix, 'bin', 'claude-session'), args, { cwd: sandbox.dir, env: env() });
}

describe('the npm package', () => {
  it('installs from its tarball offline, with nothing to fetch and nothing to build', () => {
    expect(install.status, `${install.stdout}${install.stderr}`).toBe(0);
    // prepare would run on a git install, and npm 11 warns about it even for a tarball: prepack does not.
    expect(install.stderr).not.toMatch(/install-scripts|prepare/);
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.scripts ?? {})).not.toContain('prepare');
  });

  it('holds the bundles, the entries and the README, and no sources, tests or source maps', () => {
    const files = filesUnder(installed).filter((path) => !path.startsWith('docs/'));
    expect(files).toEqual([
      'README.md',
      'bin/claude-session',
      'dist/cli.cjs',
      'dist/completion.json',
      'dist/launch.cache',
      'dist/launch.cjs',
      'dist/prices.cjs',
      'dist/program.cjs',
      'dist/ui.cjs',
      'libexec/hook',
      'package.json',
    ]);
    for (const entry of ['bin/claude-session', 'libexec/hook']) {
      expect(statSync(join(installed, entry)).mode & 0o111, entry).not.toBe(0);
    }
    // npm's bin entry is a link into the package; the sh entry finds dist/ through it.
    const bin = join(prefix, 'bin', 'claude-session');
    expect(lstatSync(bin).isSymbolicLink()).toBe(true);
  });

  it('runs: --version, --help with the installed README, and a start against a fake claude', async () => {
    const version = await run(['--version']);
    expect(version.stderr).toBe('');
    expect(version.stdout.trim()).toBe(VERSION);

    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: claude-session/);
    expect(help.stdout).toContain('completion');
    expect(help.stdout.trimEnd().split('\n').at(-1)).toBe(`Docs: ${join(installed, 'README.md')}`);

    const start = await run(['--name', 'packaged', '--', '-p', 'hello']);
    expect(start.stderr).not.toContain('internal error');
    expect(start.code, start.stderr).toBe(0);
    const [id] = sandbox.sessionIds();
    const sessionDir = join(sandbox.root, 'sessions', id as string);
    const [record] = sandbox.records();
    expect(record?.argv).toEqual(['--settings', join(sessionDir, 'claude-settings.json'), '-p', 'hello']);
    expect(record?.env.CLAUDE_CONFIG_DIR).toBe(join(sessionDir, 'config'));
    expect(record?.env.CLAUDE_SESSION_HOOK).toBe(join(installed, 'libexec', 'hook'));

    // The installed hook works as Claude runs it: the command from the session's settings, through sh.
    const settings = JSON.parse(readFileSync(join(sessionDir, 'claude-settings.json'), 'utf8'));
    const command = settings.hooks.UserPromptSubmit[0].hooks[0].command as string;
    const hook = spawnSync('/bin/sh', ['-c', command], { env: record?.env, input: '{}' });
    expect(hook.status).toBe(0);
    expect(readFileSync(join(sessionDir, 'state'), 'utf8')).toBe('working\n');

    const list = await run(['list', '--json']);
    expect(JSON.parse(list.stdout)).toMatchObject([{ id, name: 'packaged' }]);

    // Costs from the price table the package carries (dist/prices.cjs), with no node_modules beside it.
    cpSync(
      join(REPO, 'test', 'fixtures', 'claude-2.1.332', 'usage'),
      join(sessionDir, 'config', 'projects'),
      {
        recursive: true,
      },
    );
    const usage = await run(['usage', '--json']);
    expect(usage.stderr).toBe('');
    expect(JSON.parse(usage.stdout).total).toMatchObject({ inputTokens: 3813, costUSD: 0.0301272 });
  });

  it('completes in bash from the installed package', () => {
    const bash = spawnSync(
      'bash',
      [
        '-c',
        `source <(claude-session completion bash) && COMP_WORDS=(claude-session resume '') COMP_CWORD=2 && _claude_session && printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8', env: env() },
    );
    expect(bash.stderr).toBe('');
    expect(bash.stdout.split('\n')).toContain('packaged');
  });
});
