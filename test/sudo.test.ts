import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalRegistry, startRegistry } from './support/registry.js';
import { Sandbox } from './support/sandbox.js';
import { chownTree, ordinaryUser, TEST_USER, type TestUser } from './support/user.js';

// The README's sudoers rule, checked with the real sudo: it allows exactly `npm install -g PKG@X.Y.Z`,
// where the common `@*` rule lets through much more. Needs root (to write /etc/sudoers.d) and sudo;
// .ci/run installs sudo.
// On CI (root, sudo installed by .ci/run) these must run; elsewhere they need root and sudo.
const canRun =
  process.env.CI === 'true' || (process.getuid?.() === 0 && spawnSync('sudo', ['-V']).status === 0);
const npm = canRun ? execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim() : '';
const PACKAGE = '@cs-test/claude-code';
const ruleFile = `/etc/sudoers.d/cs-test-${process.pid}`;

function installRule(rule: string): void {
  const temp = `${ruleFile}.new`;
  writeFileSync(temp, `${rule}\n`, { mode: 0o440 });
  execFileSync('visudo', ['-c', '-q', '-f', temp]);
  execFileSync('mv', [temp, ruleFile]);
}

function allowed(user: TestUser, args: string[]): boolean {
  // `sudo -l COMMAND` says whether the rules allow it, without running it.
  return (
    spawnSync('sudo', ['-n', '-l', npm, ...args], { uid: user.uid, gid: user.gid, stdio: 'ignore' })
      .status === 0
  );
}

const HOSTILE = [
  ['install', '-g', `${PACKAGE}@1.2.3`, 'left-pad'],
  ['install', '-g', `${PACKAGE}@1.2.3`, '--registry=http://127.0.0.1:1/'],
  ['install', '-g', `${PACKAGE}@1.2.3`, '--prefix', '/etc'],
  ['install', '-g', `${PACKAGE}@latest`],
  ['install', '-g', `${PACKAGE}@1.2.3;id`],
  ['install', '-g', `${PACKAGE}@1.2`],
];

describe.runIf(canRun)('the sudoers rule for npm-global mode', () => {
  let user: TestUser;
  beforeAll(() => {
    user = ordinaryUser() as TestUser;
  });
  afterEach(() => rmSync(ruleFile, { force: true }));

  it('the common wildcard rule lets through other packages, registries and prefixes', () => {
    installRule(`${TEST_USER} ALL=(root) NOPASSWD: ${npm} install -g ${PACKAGE}@*`);
    expect(allowed(user, ['install', '-g', `${PACKAGE}@1.2.3`])).toBe(true);
    expect(HOSTILE.slice(0, 3).map((args) => allowed(user, args))).toEqual([true, true, true]);
  });

  it("the README's regex rule allows exactly one package at a strict version", () => {
    installRule(
      `${TEST_USER} ALL=(root) NOPASSWD: ${npm} ^install -g @cs-test/claude-code@[0-9]+\\.[0-9]+\\.[0-9]+$`,
    );
    expect(allowed(user, ['install', '-g', `${PACKAGE}@1.2.3`])).toBe(true);
    expect(allowed(user, ['install', '-g', `${PACKAGE}@10.20.300`])).toBe(true);
    for (const args of HOSTILE) expect(allowed(user, args), args.join(' ')).toBe(false);
  });
});

describe.runIf(canRun)('npm-global mode through sudo', () => {
  let registry: LocalRegistry;
  let sandbox: Sandbox;
  let user: TestUser;
  beforeAll(async () => {
    registry = await startRegistry();
    for (const version of ['1.0.0', '1.1.0']) await registry.publish(version);
  }, 120_000);
  afterAll(async () => registry?.close());
  beforeEach(() => {
    sandbox = new Sandbox();
    rmSync(join(sandbox.bin, 'claude'));
    user = ordinaryUser() as TestUser;
  });
  afterEach(() => {
    rmSync(ruleFile, { force: true });
    sandbox.cleanup();
  });

  it('installs with `sudo -n npm install -g PKG@X.Y.Z` under the strict rule, as an ordinary user', async () => {
    const prefix = join(sandbox.dir, 'global');
    const npmDir = join(sandbox.dir, 'npm');
    mkdirSync(prefix);
    mkdirSync(npmDir);
    writeFileSync(join(npmDir, 'userrc'), '');
    writeFileSync(join(npmDir, 'globalrc'), '');
    mkdirSync(join(sandbox.home, '.config', 'claude-sessions'), { recursive: true });
    writeFileSync(
      join(sandbox.home, '.config', 'claude-sessions', 'config.json'),
      '{"update": {"mode": "npm-global", "sudo": true}}',
    );
    chownTree(sandbox.dir, user);
    // The global prefix belongs to root: only the install through sudo can write there.
    chownSync(prefix, 0, 0);
    chmodSync(prefix, 0o755);
    const npmEnv = {
      npm_config_registry: `${registry.url}/`,
      npm_config_cache: join(npmDir, 'cache'),
      npm_config_userconfig: join(npmDir, 'userrc'),
      npm_config_globalconfig: join(npmDir, 'globalrc'),
      npm_config_prefix: prefix,
    };
    // The rule of the README, plus (for this test only) the npm settings that point at the local registry.
    installRule(
      [
        `Defaults:${TEST_USER} env_keep += "${Object.keys(npmEnv).join(' ')}"`,
        `${TEST_USER} ALL=(root) NOPASSWD: ${npm} ^install -g @cs-test/claude-code@[0-9]+\\.[0-9]+\\.[0-9]+$`,
      ].join('\n'),
    );
    const env = {
      ...npmEnv,
      CLAUDE_SESSION_PACKAGE: registry.packageName,
      PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
    };
    const first = await sandbox.run(['update', '--to', '1.0.0'], { env, asUser: user });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('installed Claude Code 1.0.0 globally');
    const second = await sandbox.run(['update'], { env, asUser: user });
    expect(second.code, second.stderr).toBe(0);
    expect(execFileSync(join(prefix, 'bin', 'claude'), ['--version'], { encoding: 'utf8' }).trim()).toBe(
      '1.1.0 (Claude Code)',
    );
    // Installed by root through sudo, not by the user.
    expect(statSync(join(prefix, 'lib', 'node_modules', '@cs-test', 'claude-code')).uid).toBe(0);
    const session = await sandbox.run(['--', '-p', 'x'], {
      env: { ...env, CLAUDE_SESSION_NO_UPDATE: '1' },
      asUser: user,
    });
    expect(session.code, session.stderr).toBe(0);
    const [id] = sandbox.sessionIds() as [string];
    expect(sandbox.sessionRecord(id).claude.version).toBe('1.1.0');
  });
});
