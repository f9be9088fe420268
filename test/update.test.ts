import { spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BadBehaviour, startBadRegistry } from './support/bad-registry.js';
import { type LocalRegistry, startRegistry } from './support/registry.js';
import { CLI, type Result, Sandbox, waitFor } from './support/sandbox.js';

// Session-safe updates against a real npm registry (verdaccio) on 127.0.0.1, publishing a small package
// shaped like Claude Code (a `claude` bin answering `X.Y.Z (Claude Code)`, a postinstall script).
let registry: LocalRegistry;
let sandbox: Sandbox;

beforeAll(async () => {
  registry = await startRegistry();
  for (const version of ['1.0.0', '1.1.0', '1.2.0']) await registry.publish(version);
  await registry.publish('1.3.0', { brokenVersion: true });
  await registry.setDistTag('latest', '1.1.0');
}, 120_000);
afterAll(async () => registry?.close());

beforeEach(() => {
  sandbox = new Sandbox();
  // No `claude` on PATH: the managed store is where Claude Code comes from.
  rmSync(join(sandbox.bin, 'claude'));
});
afterEach(async () => {
  await sandbox.killSessions();
  sandbox.cleanup();
});

function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    ...registry.npmEnv(),
    CLAUDE_SESSION_PACKAGE: registry.packageName,
    CLAUDE_SESSION_NO_UPDATE: undefined,
    ...extra,
  };
}

const run = (args: string[], extra: Record<string, string | undefined> = {}) =>
  sandbox.run(args, { env: env(extra), cwd: sandbox.dir });
/** What the launcher would do for this start: its plan's lines (`B update --background` starts the check). */
async function launchPlan(args: string[], extra: Record<string, string | undefined> = {}): Promise<string[]> {
  const result = await sandbox.launchPlan(args, { env: env(extra), cwd: sandbox.dir });
  expect(result.code, result.stderr).toBe(0);
  // A whole plan, handed over: it ends with the exec of Claude.
  expect(result.plan[0]).toBe('#claude-session-plan 1');
  expect(result.plan.at(-1)).toBe(`A ${args.at(-1)}`);
  return result.plan;
}
const BACKGROUND_CHECK = 'B update --background';
const store = () => join(sandbox.root, 'claude');
const current = () => readlinkSync(join(store(), 'current'));
const storeVersions = () => readdirSync(join(store(), 'versions')).sort();
const updateLog = () => readFileSync(join(sandbox.root, 'update.log'), 'utf8');
const LOG_LINE =
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (check|install|switch|rollback|remove|skip) +outcome=\S+( from=\S+)?( to=\S+)?( duration=\d+ms)? pid=\d+( reason="[^"\n]*")?$/;

function expectWellFormedLog(): string[] {
  const lines = updateLog().trimEnd().split('\n');
  for (const line of lines) expect(line).toMatch(LOG_LINE);
  return lines;
}

/** npm-global mode, with npm's global prefix in the sandbox. */
function useNpmGlobal(): { prefix: string; globalEnv: Record<string, string> } {
  const prefix = join(sandbox.dir, 'global');
  mkdirSync(prefix);
  mkdirSync(join(sandbox.home, '.config', 'claude-sessions'), { recursive: true });
  writeFileSync(
    join(sandbox.home, '.config', 'claude-sessions', 'config.json'),
    '{"update": {"mode": "npm-global"}}',
  );
  const globalEnv = {
    npm_config_prefix: prefix,
    PATH: `${join(prefix, 'bin')}:${sandbox.bin}:${process.env.PATH}`,
    CLAUDE_SESSION_NO_UPDATE: '1',
  };
  return { prefix, globalEnv };
}

async function firstInstall(): Promise<Result> {
  const result = await run(['--', '-p', 'x']);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

describe('first run without Claude Code', () => {
  it('installs the latest version into the managed store, then starts the session on it', async () => {
    const result = await firstInstall();
    expect(result.stderr).toContain('installing Claude Code 1.1.0 into');
    expect(current()).toBe('versions/1.1.0');
    const [record] = sandbox.records();
    expect(record?.argv.slice(2)).toEqual(['-p', 'x']);
    const [id] = sandbox.sessionIds() as [string];
    const meta = sandbox.sessionRecord(id);
    expect(meta.claude.version).toBe('1.1.0');
    expect(meta.claude.path.startsWith(join(store(), 'versions', '1.1.0', ''))).toBe(true);
    // The package's install script ran (never --ignore-scripts).
    const installed = join(store(), 'versions', '1.1.0', 'node_modules', '@cs-test', 'claude-code');
    expect(existsSync(join(installed, 'postinstall-ran'))).toBe(true);
    const lines = expectWellFormedLog();
    expect(lines.some((line) => /check +outcome=available from=- to=1\.1\.0/.test(line))).toBe(true);
    expect(lines.some((line) => /install +outcome=ok from=- to=1\.1\.0 duration=\d+ms/.test(line))).toBe(
      true,
    );
  });

  it('without network permission (CLAUDE_SESSION_NO_UPDATE=1) says how to install it', async () => {
    const result = await run(['--', '-p', 'x'], { CLAUDE_SESSION_NO_UPDATE: '1' });
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(/not found on PATH: install it with/);
  });
});

describe('update', () => {
  it('checks, installs a newer version side by side, rolls back, and lists versions', async () => {
    await firstInstall();
    const upToDate = JSON.parse((await run(['update', '--check', '--json'])).stdout);
    expect(upToDate).toEqual({
      mode: 'managed',
      installed: '1.1.0',
      latest: '1.1.0',
      updateAvailable: false,
    });

    await registry.setDistTag('latest', '1.2.0');
    try {
      const check = await run(['update', '--check']);
      expect(check.stdout).toContain('Claude Code 1.2.0 is available (installed: 1.1.0)');
      expect(current()).toBe('versions/1.1.0');

      const result = await run(['update']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('new sessions start on Claude Code 1.2.0 (was 1.1.0)');
      expect(current()).toBe('versions/1.2.0');
      expect(readlinkSync(join(store(), 'previous'))).toBe('versions/1.1.0');

      expect((await run(['update', '--rollback'])).code).toBe(0);
      expect(current()).toBe('versions/1.1.0');
      expect(readlinkSync(join(store(), 'previous'))).toBe('versions/1.2.0');

      const versions = JSON.parse((await run(['versions', '--json'])).stdout);
      expect(versions.versions.map((v: { version: string; state: string }) => [v.version, v.state])).toEqual([
        ['1.2.0', 'previous'],
        ['1.1.0', 'current'],
      ]);
      expect(versions.lastCheck.latest).toBe('1.2.0');
      expect(
        expectWellFormedLog().some((line) => /rollback +outcome=ok from=1\.2\.0 to=1\.1\.0/.test(line)),
      ).toBe(true);
    } finally {
      await registry.setDistTag('latest', '1.1.0');
    }
  });

  it('keeps a running session on its own binary while a new version is installed and switched in', async () => {
    await firstInstall();
    const session = spawn(CLI, ['--name', 'long', '--', '-p', 'long'], {
      cwd: sandbox.dir,
      env: sandbox.env(env({ FAKE_CLAUDE_SLEEP_MS: '60000', CLAUDE_SESSION_NO_UPDATE: '1' })),
      stdio: 'ignore',
    });
    const running = await waitFor(() => sandbox.records().find((r) => r.env.CLAUDE_SESSION_NAME === 'long'));
    const cmdline = () => readFileSync(`/proc/${running.pid}/cmdline`, 'utf8');
    expect(cmdline()).toContain(join(store(), 'versions', '1.1.0'));

    // Two updates in a row: 1.1.0 stays while the session uses it, though it is no longer current or previous.
    expect((await run(['update', '--to', '1.2.0'])).code).toBe(0);
    expect((await run(['update', '--to', '1.0.0'])).code).toBe(0);
    expect(current()).toBe('versions/1.0.0');
    expect(storeVersions()).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    expect(existsSync(`/proc/${running.pid}`)).toBe(true);
    expect(cmdline()).toContain(join(store(), 'versions', '1.1.0'));
    const versions = JSON.parse((await run(['versions', '--json'])).stdout);
    expect(versions.versions.find((v: { version: string }) => v.version === '1.1.0').liveSessions).toBe(1);

    // A new session starts on the new current version.
    await run(['--', '-p', 'new'], { CLAUDE_SESSION_NO_UPDATE: '1' });
    const newest = sandbox.records().find((r) => r.argv.includes('new'));
    expect(newest?.env.CLAUDE_SESSION_ID).toBeDefined();
    const newestId = newest?.env.CLAUDE_SESSION_ID as string;
    expect(sandbox.sessionRecord(newestId).claude.version).toBe('1.0.0');

    // Once the session has ended, the next update removes 1.1.0.
    session.kill('SIGTERM');
    await waitFor(() => !existsSync(`/proc/${running.pid}`));
    expect((await run(['update', '--to', '1.2.0'])).code).toBe(0);
    expect(storeVersions()).toEqual(['1.0.0', '1.2.0']);
    expect(expectWellFormedLog().some((line) => /remove +outcome=ok from=1\.1\.0/.test(line))).toBe(true);
  });

  it('refuses a version that does not parse, without running anything', async () => {
    await firstInstall();
    for (const bad of [
      '1.2.3 && touch /tmp/cs-pwned',
      '1.0.0 --prefix=/etc',
      '../../x',
      'latest',
      '01.2.3',
    ]) {
      const result = await run(['update', '--to', bad]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toMatch(
        /^claude-session: ".*" is not a version: give one like 2\.1\.332$/,
      );
    }
    expect(existsSync('/tmp/cs-pwned')).toBe(false);
    expect(current()).toBe('versions/1.1.0');
  });

  it('fails clearly on a version the registry does not have, and keeps the current one', async () => {
    await firstInstall();
    const result = await run(['update', '--to', '9.9.9']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /installing Claude Code 9\.9\.9 failed: npm install @cs-test\/claude-code@9\.9\.9 failed/,
    );
    expect(current()).toBe('versions/1.1.0');
    expect(storeVersions()).toEqual(['1.1.0']);
    expect(readdirSync(store()).filter((name) => name.startsWith('.install-'))).toEqual([]);
    expect(
      expectWellFormedLog().some((line) => /install +outcome=failed from=1\.1\.0 to=9\.9\.9/.test(line)),
    ).toBe(true);
    expect((await run(['--', '-p', 'still'], { CLAUDE_SESSION_NO_UPDATE: '1' })).code).toBe(0);
  });

  it('never switches to a version whose binary does not answer --version correctly', async () => {
    await firstInstall();
    const result = await run(['update', '--to', '1.3.0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the installed binary answered --version with nothing usable, not 1.3.0');
    expect(current()).toBe('versions/1.1.0');
    expect(storeVersions()).toEqual(['1.1.0']);
  });

  it('survives an install killed half-way: the old version starts, the leftover goes, the next install works', async () => {
    await firstInstall();
    const killed = spawn(CLI, ['update', '--to', '1.2.0'], {
      cwd: sandbox.dir,
      env: sandbox.env(env({ FAKE_CLAUDE_INSTALL_SLEEP_MS: '30000' })),
      stdio: 'ignore',
      detached: true,
    });
    const leftover = await waitFor(
      () => readdirSync(store()).find((name) => name.startsWith('.install-1.2.0-')),
      30_000,
    );
    await waitFor(() =>
      existsSync(join(store(), leftover, 'node_modules', '@cs-test', 'claude-code', 'postinstall-started')),
    );
    // The whole process group: our CLI, npm, and the install script, as a dropped SSH session or OOM would.
    process.kill(-(killed.pid as number), 'SIGKILL');
    await new Promise((resolve) => killed.once('exit', resolve));

    expect(current()).toBe('versions/1.1.0');
    expect(storeVersions()).toEqual(['1.1.0']);
    // A session started now runs the old version, never the half-installed one.
    expect((await run(['--', '-p', 'meanwhile'], { CLAUDE_SESSION_NO_UPDATE: '1' })).code).toBe(0);
    const meanwhile = sandbox.records().find((r) => r.argv.includes('meanwhile'));
    const id = meanwhile?.env.CLAUDE_SESSION_ID as string;
    expect(sandbox.sessionRecord(id).claude.version).toBe('1.1.0');

    const retry = await run(['update', '--to', '1.2.0']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(current()).toBe('versions/1.2.0');
    expect(readdirSync(store()).filter((name) => name.startsWith('.install-'))).toEqual([]);
    expect(
      expectWellFormedLog().some((line) => line.includes(`left by an interrupted install: ${leftover}`)),
    ).toBe(true);
  });

  it('starts sessions on the current version while an install runs, and two updates at once both succeed', async () => {
    await firstInstall();
    const slow = { FAKE_CLAUDE_INSTALL_SLEEP_MS: '3000' };
    const updates = [run(['update', '--to', '1.2.0'], slow), run(['update', '--to', '1.2.0'], slow)];
    await waitFor(() => readdirSync(store()).some((name) => name.startsWith('.install-1.2.0-')), 30_000);
    const during = await run(['--', '-p', 'during'], { CLAUDE_SESSION_NO_UPDATE: '1' });
    expect(during.code).toBe(0);
    const id = sandbox.records().find((r) => r.argv.includes('during'))?.env.CLAUDE_SESSION_ID as string;
    expect(sandbox.sessionRecord(id).claude.version).toBe('1.1.0');

    const results = await Promise.all(updates);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(current()).toBe('versions/1.2.0');
    const installs = expectWellFormedLog().filter(
      (line) => / install +outcome=/.test(line) && line.includes('to=1.2.0'),
    );
    expect(installs.map((line) => /outcome=(\S+)/.exec(line)?.[1]).sort()).toEqual([
      'already-installed',
      'ok',
    ]);
  });
});

describe('a faulty registry', () => {
  const cases: [string, BadBehaviour, RegExp][] = [
    ['hangs', 'hang', /no answer within 5 s/],
    ['answers 404', 'status-404', /HTTP 404/],
    ['answers 500', 'status-500', /HTTP 500/],
    ['answers garbage', 'garbage', /is not JSON/],
    [
      'sends a command as the latest version',
      { distTags: { latest: '1.2.3 && touch /tmp/cs-pwned' } },
      /not a plain version/,
    ],
    [
      'sends an option as the latest version',
      { distTags: { latest: '1.0.0 --prefix=/etc' } },
      /not a plain version/,
    ],
    ['sends a path as the latest version', { distTags: { latest: '../../x' } }, /not a plain version/],
    [
      'sends 10 kB of text as the latest version',
      { distTags: { latest: 'x'.repeat(10_000) } },
      /not a plain version/,
    ],
    ['sends no latest tag', { distTags: { next: '1.0.0' } }, /has no latest tag for @cs-test\/claude-code/],
  ];
  it.each(cases)('that %s changes nothing, and is logged', async (_name, behaviour, reason) => {
    await firstInstall();
    const bad = await startBadRegistry(behaviour);
    try {
      const result = await run(['update'], { npm_config_registry: `${bad.url}/` });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(reason);
      expect(bad.requests.length).toBeGreaterThan(0);
    } finally {
      await bad.close();
    }
    expect(existsSync('/tmp/cs-pwned')).toBe(false);
    expect(current()).toBe('versions/1.1.0');
    const last = expectWellFormedLog().at(-1) as string;
    expect(last).toMatch(/check +outcome=error from=1\.1\.0 to=- .*reason="/);
    expect(last.length).toBeLessThan(600);
    // The installed version still starts, and the next update against the good registry works.
    expect((await run(['--', '-p', 'x'], { CLAUDE_SESSION_NO_UPDATE: '1' })).code).toBe(0);
    expect((await run(['update', '--to', '1.2.0'])).code).toBe(0);
  });
});

describe('the background check at session start', () => {
  it('runs detached, installs a newer version, and the next session starts on it', async () => {
    await firstInstall();
    writeFileSync(join(sandbox.root, 'update', 'state.json'), '{}');
    await registry.setDistTag('latest', '1.2.0');
    try {
      const result = await run(['--', '-p', 'x']);
      expect(result.code).toBe(0);
      await waitFor(
        () =>
          existsSync(join(sandbox.root, 'update.log')) &&
          /switch +outcome=ok from=1\.1\.0 to=1\.2\.0/.test(updateLog()),
        30_000,
      );
      expect(current()).toBe('versions/1.2.0');
      // Throttled: a check just ran, so the next start's plan starts none, and the start asks nothing itself.
      const before = updateLog();
      const plan = await launchPlan(['--', '-p', 'y']);
      expect(plan).not.toContain(BACKGROUND_CHECK);
      expect(updateLog()).toBe(before);
      const last = plan.find((line) => line.startsWith('E CLAUDE_SESSION_ID='))?.slice(20) as string;
      expect(sandbox.sessionRecord(last).claude.version).toBe('1.2.0');
    } finally {
      await registry.setDistTag('latest', '1.1.0');
    }
  });

  it('does not hold up the start against a registry that never answers, and logs the time-out', async () => {
    await firstInstall();
    writeFileSync(join(sandbox.root, 'update', 'state.json'), '{}');
    const bad = await startBadRegistry('hang');
    try {
      const result = await run(['--', '-p', 'x'], { npm_config_registry: `${bad.url}/` });
      expect(result.code).toBe(0);
      // The session is over before the registry could have answered.
      expect(/no answer within/.test(readFileSync(join(sandbox.root, 'update.log'), 'utf8'))).toBe(false);
      await waitFor(() => /check +outcome=error .*no answer within 5 s/.test(updateLog()), 20_000);
    } finally {
      await bad.close();
    }
  });

  it('is off with CLAUDE_SESSION_NO_UPDATE=1 and with "check": false', async () => {
    await firstInstall();
    // Never checked: a check is due.
    writeFileSync(join(sandbox.root, 'update', 'state.json'), '{}');
    expect(await launchPlan(['--', '-p', 'x'], { CLAUDE_SESSION_NO_UPDATE: '1' })).not.toContain(
      BACKGROUND_CHECK,
    );
    const config = join(sandbox.home, '.config', 'claude-sessions', 'config.json');
    mkdirSync(join(config, '..'), { recursive: true });
    writeFileSync(config, '{"update": {"check": false}}');
    expect(await launchPlan(['--', '-p', 'y'])).not.toContain(BACKGROUND_CHECK);
    // The same start without either starts the check: it was the switches that kept it off.
    rmSync(config);
    expect(await launchPlan(['--', '-p', 'z'])).toContain(BACKGROUND_CHECK);
  });
});

describe('update.log', () => {
  it('keeps whole lines when many processes write at once', async () => {
    await firstInstall();
    const results = await Promise.all(Array.from({ length: 12 }, () => run(['update', '--check'])));
    for (const result of results) expect(result.code).toBe(0);
    const checks = expectWellFormedLog().filter((line) => / check +/.test(line));
    expect(checks.length).toBeGreaterThanOrEqual(13);
  });
});

describe('npm-global mode', () => {
  it('installs with npm -g only while no session is live, cleaning leftovers first', async () => {
    const { prefix, globalEnv } = useNpmGlobal();
    expect((await run(['update', '--to', '1.0.0'], globalEnv)).code).toBe(0);
    const live = spawn(CLI, ['--', '-p', 'live'], {
      cwd: sandbox.dir,
      env: sandbox.env(env({ ...globalEnv, FAKE_CLAUDE_SLEEP_MS: '60000' })),
      stdio: 'ignore',
    });
    const running = await waitFor(() => sandbox.records().find((r) => r.argv.includes('live')));
    const skipped = await run(['update', '--to', '1.1.0'], globalEnv);
    expect(skipped.code).toBe(75);
    expect(skipped.stderr).toContain('sessions are running and `npm install -g` would break them');
    expect(
      expectWellFormedLog().some((line) =>
        /skip +outcome=skipped from=1\.0\.0 to=1\.1\.0 .*1 live session/.test(line),
      ),
    ).toBe(true);

    live.kill('SIGTERM');
    await waitFor(() => !existsSync(`/proc/${running.pid}`));
    const scope = join(prefix, 'lib', 'node_modules', '@cs-test');
    mkdirSync(join(scope, '.claude-code-Xy12ab', 'bin'), { recursive: true });
    const installed = await run(['update', '--to', '1.1.0'], globalEnv);
    expect(installed.code, installed.stderr).toBe(0);
    expect(readdirSync(scope)).toEqual(['claude-code']);
    expect(
      expectWellFormedLog().some((line) =>
        line.includes('leftover of an interrupted npm install: .claude-code-Xy12ab'),
      ),
    ).toBe(true);
    await run(['--', '-p', 'after'], globalEnv);
    const after = sandbox.records().find((r) => r.argv.includes('after'))?.env.CLAUDE_SESSION_ID as string;
    expect(sandbox.sessionRecord(after).claude.version).toBe('1.1.0');
  });
});

describe('a full disk', () => {
  const isRoot = process.getuid?.() === 0;
  it.runIf(isRoot)(
    'fails the install cleanly, keeps the current version, and the next update works',
    async () => {
      const { execFileSync } = await import('node:child_process');
      // The root on a tiny file system of its own (mounting needs root, as CI and development machines run).
      const mount = join(sandbox.dir, 'small');
      mkdirSync(mount);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]);
      try {
        const root = join(mount, 'root');
        mkdirSync(root);
        const small = { CLAUDE_SESSION_ROOT: root };
        expect((await run(['--', '-p', 'x'], small)).code).toBe(0);
        // Fill it, then free a little: room for a lock, not for an install.
        writeFileSync(join(mount, 'reserve'), Buffer.alloc(16 * 1024));
        const filler = join(mount, 'filler');
        try {
          execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k', 'count=100000'], { stdio: 'ignore' });
        } catch {
          // dd stops at ENOSPC, as intended.
        }
        rmSync(join(mount, 'reserve'));
        const full = await run(['update', '--to', '1.2.0'], small);
        expect(full.code).toBe(1);
        expect(full.stderr).toMatch(/installing Claude Code 1\.2\.0 failed/);
        expect(readlinkSync(join(root, 'claude', 'current'))).toBe('versions/1.1.0');
        expect(readdirSync(join(root, 'claude', 'versions'))).toEqual(['1.1.0']);
        expect(readdirSync(join(root, 'claude')).filter((name) => name.startsWith('.install-'))).toEqual([]);

        rmSync(filler);
        expect((await run(['--', '-p', 'y'], { ...small, CLAUDE_SESSION_NO_UPDATE: '1' })).code).toBe(0);
        const retry = await run(['update', '--to', '1.2.0'], small);
        expect(retry.code, retry.stderr).toBe(0);
        expect(readlinkSync(join(root, 'claude', 'current'))).toBe('versions/1.2.0');
      } finally {
        await sandbox.killSessions();
        execFileSync('umount', ['-l', mount]);
      }
    },
  );
});

describe('on a terminal', () => {
  it('reports an update found by the last check once, at the next start', async () => {
    const { startTmux } = await import('./support/tmux.js');
    await firstInstall();
    const state = join(sandbox.root, 'update', 'state.json');
    const now = new Date().toISOString();
    writeFileSync(state, JSON.stringify({ checkedAt: now, latest: '1.2.0', error: null, notified: null }));
    // Not on a terminal: nothing said, nothing marked.
    expect((await run(['--', '-p', 'x'])).stderr).not.toContain('is available');
    const pane = await startTmux({ cmd: [CLI, '--', '-p', 'x'], env: sandbox.env(env()), cwd: sandbox.dir });
    try {
      await pane.waitFor(
        /Claude Code 1\.2\.0 is available \(this session runs 1\.1\.0\): `claude-session update` installs it/,
      );
    } finally {
      await pane.kill();
    }
    expect(JSON.parse(readFileSync(state, 'utf8')).notified).toBe('1.2.0');
    const again = await startTmux({ cmd: [CLI, '--', '-p', 'x'], env: sandbox.env(env()), cwd: sandbox.dir });
    try {
      await waitFor(() => again.exitStatus());
      expect(await again.capture()).not.toContain('is available');
    } finally {
      await again.kill();
    }
  });
});

describe('the registry', () => {
  it("comes from the user's .npmrc when the environment does not name one", async () => {
    await firstInstall();
    const bad = await startBadRegistry('status-404');
    const npmrc = join(sandbox.dir, 'user.npmrc');
    writeFileSync(npmrc, `registry=${bad.url}/\n`);
    try {
      const result = await run(['update', '--check'], {
        npm_config_registry: undefined,
        npm_config_userconfig: npmrc,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`registry ${bad.url}/: HTTP 404`);
      expect(bad.requests[0]?.path).toBe('/-/package/@cs-test%2fclaude-code/dist-tags');
      // A script asking for JSON gets a JSON error object, not an empty stdout.
      const json = await run(['update', '--check', '--json'], {
        npm_config_registry: undefined,
        npm_config_userconfig: npmrc,
      });
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toEqual({
        error: `update check failed: registry ${bad.url}/: HTTP 404 for /-/package/@cs-test%2fclaude-code/dist-tags`,
        exitCode: 1,
      });
      // CLAUDE_SESSION_NO_UPDATE=1 stops the automatic checks only: an explicit check still asks (README).
      const asked = bad.requests.length;
      await run(['update', '--check'], {
        npm_config_registry: undefined,
        npm_config_userconfig: npmrc,
        CLAUDE_SESSION_NO_UPDATE: '1',
      });
      expect(bad.requests.length).toBe(asked + 1);
    } finally {
      await bad.close();
    }
  });
});

describe('npm-global mode, a session starting during an install', () => {
  it('waits for the install to finish, then starts on the new version', async () => {
    const { globalEnv } = useNpmGlobal();
    expect((await run(['update', '--to', '1.0.0'], globalEnv)).code).toBe(0);
    const install = run(['update', '--to', '1.1.0'], { ...globalEnv, FAKE_CLAUDE_INSTALL_SLEEP_MS: '3000' });
    await waitFor(() =>
      lstatSync(join(sandbox.root, 'locks', 'npm-global-install'), { throwIfNoEntry: false }),
    );
    const session = await run(['--', '-p', 'during'], globalEnv);
    expect(session.code, session.stderr).toBe(0);
    expect(session.stderr).toContain('waiting for an install of Claude Code to finish');
    expect((await install).code).toBe(0);
    const id = sandbox.records().find((r) => r.argv.includes('during'))?.env.CLAUDE_SESSION_ID as string;
    expect(sandbox.sessionRecord(id).claude.version).toBe('1.1.0');
  });
});
