import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GARBAGE_BODY, startBadRegistry } from './support/bad-registry.js';
import { type LocalRegistry, startRegistry } from './support/registry.js';
import { waitFor } from './support/sandbox.js';

// Proves the test registries that the update tests stand on.

let registry: LocalRegistry;
const temps: string[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  await registry.publish('1.0.0');
  await registry.publish('1.1.0');
});

afterAll(async () => {
  await registry?.close();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cs-harness-'));
  temps.push(dir);
  return dir;
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

/** The install our tool runs: a prefix of its own that allows the package's install script. */
async function install(spec: string, extraEnv: Record<string, string> = {}) {
  const prefix = tempDir();
  writeFileSync(
    join(prefix, 'package.json'),
    JSON.stringify({ private: true, allowScripts: { [registry.packageName]: true } }),
  );
  const env = {
    PATH: process.env.PATH,
    HOME: tempDir(),
    npm_config_registry: registry.url,
    npm_config_cache: tempDir(),
    ...extraEnv,
  };
  const result = await run(
    'npm',
    ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', spec],
    env,
  );
  return { prefix, ...result, packageDir: join(prefix, 'node_modules', ...registry.packageName.split('/')) };
}

async function distTags(url: string): Promise<unknown> {
  const response = await fetch(`${url}/-/package/${registry.packageName.replace('/', '%2f')}/dist-tags`);
  expect(response.status).toBe(200);
  return response.json();
}

describe('the local verdaccio registry', () => {
  it('answers dist-tags with the last published version as latest', async () => {
    expect(registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await distTags(registry.url)).toEqual({ latest: '1.1.0' });
  });

  it('installs an exact version with the tool’s npm command, running the postinstall', async () => {
    const { prefix, code, stderr, packageDir } = await install(`${registry.packageName}@1.0.0`);
    expect(code, stderr).toBe(0);
    const version = await run(join(prefix, 'node_modules', '.bin', 'claude'), ['--version'], {
      PATH: process.env.PATH,
    });
    expect(version).toMatchObject({ code: 0, stdout: '1.0.0 (Claude Code)\n' });
    expect(existsSync(join(packageDir, 'postinstall-ran'))).toBe(true);
    expect(JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version).toBe('1.0.0');
    // --no-save and --no-package-lock: the prefix's own package.json is as we wrote it, and no lock file.
    expect(existsSync(join(prefix, 'package-lock.json'))).toBe(false);
  });

  it('fails with a non-zero exit for a version that does not exist', async () => {
    const { code, stderr } = await install(`${registry.packageName}@9.9.9`);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/ETARGET|No matching version/);
  });

  it('moves dist-tags, publishes versions that fail verification, and bakes in an install sleep', async () => {
    await registry.publish('1.2.0', { brokenVersion: true, installSleepMs: 300 });
    expect(await distTags(registry.url)).toEqual({ latest: '1.2.0' });
    await registry.setDistTag('latest', '1.1.0');
    await registry.setDistTag('next', '1.2.0');
    expect(await distTags(registry.url)).toEqual({ latest: '1.1.0', next: '1.2.0' });

    const started = Date.now();
    const { prefix, code, stderr, packageDir } = await install(`${registry.packageName}@1.2.0`);
    expect(code, stderr).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const version = await run(join(prefix, 'node_modules', '.bin', 'claude'), ['--version'], {
      PATH: process.env.PATH,
    });
    expect(version.code).toBe(0);
    expect(version.stdout).not.toMatch(/\d+\.\d+\.\d+/);
    expect(existsSync(join(packageDir, 'postinstall-ran'))).toBe(true);
  });

  it('lets a test kill an install half-way through the postinstall', async () => {
    const prefix = tempDir();
    writeFileSync(
      join(prefix, 'package.json'),
      JSON.stringify({ private: true, allowScripts: { [registry.packageName]: true } }),
    );
    const packageDir = join(prefix, 'node_modules', ...registry.packageName.split('/'));
    const child = spawn(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        `${registry.packageName}@1.1.0`,
      ],
      {
        env: {
          PATH: process.env.PATH,
          HOME: tempDir(),
          ...registry.npmEnv(),
          FAKE_CLAUDE_INSTALL_SLEEP_MS: '60000',
        },
        stdio: 'ignore',
        detached: true,
      },
    );
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
    try {
      await waitFor(() => existsSync(join(packageDir, 'postinstall-started')), 10_000);
    } finally {
      // The whole process group: npm, its script shell and the sleeping postinstall.
      process.kill(-(child.pid as number), 'SIGKILL');
      await exited;
    }
    expect(existsSync(join(packageDir, 'postinstall-ran'))).toBe(false);
  });
});

describe('the bad registry', () => {
  const path = '/-/package/@cs-test%2fclaude-code/dist-tags';

  it('hang: never answers, and still closes', async () => {
    const bad = await startBadRegistry('hang');
    await expect(fetch(`${bad.url}${path}`, { signal: AbortSignal.timeout(500) })).rejects.toThrow(
      /aborted|timeout/i,
    );
    expect(bad.requests).toEqual([{ method: 'GET', path }]);
    const started = Date.now();
    await bad.close();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it.each([
    ['status-404', 404],
    ['status-500', 500],
  ] as const)('%s: answers that status', async (behaviour, status) => {
    const bad = await startBadRegistry(behaviour);
    try {
      const response = await fetch(`${bad.url}${path}`);
      expect(response.status).toBe(status);
      await response.text();
      expect(bad.requests).toEqual([{ method: 'GET', path }]);
    } finally {
      await bad.close();
    }
  });

  it('garbage: answers 200 with a body that is not JSON', async () => {
    const bad = await startBadRegistry('garbage');
    try {
      const response = await fetch(`${bad.url}/any/other/path?x=1`);
      expect(response.status).toBe(200);
      const body = await response.text();
      expect(body).toBe(GARBAGE_BODY);
      expect(() => JSON.parse(body)).toThrow();
      expect(bad.requests).toEqual([{ method: 'GET', path: '/any/other/path?x=1' }]);
    } finally {
      await bad.close();
    }
  });

  it('distTags: answers that JSON', async () => {
    const distTags = { latest: '1.2.3 && touch /tmp/x' };
    const bad = await startBadRegistry({ distTags });
    try {
      const response = await fetch(`${bad.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(distTags);
    } finally {
      await bad.close();
    }
  });

  it('rawBody: answers exactly that text', async () => {
    const rawBody = `{"latest":"${'9'.repeat(100_000)}"}`;
    const bad = await startBadRegistry({ rawBody });
    try {
      const response = await fetch(`${bad.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(rawBody);
    } finally {
      await bad.close();
    }
  });
});
