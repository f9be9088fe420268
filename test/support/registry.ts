import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * A real npm registry for tests: verdaccio 6.8.0 on 127.0.0.1, offline (no uplinks), with its storage in a
 * temporary directory, serving one fake Claude Code package that tests publish version by version.
 *
 * Verdaccio runs in a child process (started through its programmatic `runServer`), not in the test's own
 * process: a test that blocks its event loop (execFileSync of npm, say) would otherwise deadlock against
 * its registry, and verdaccio's logger and signal handlers are process-wide.
 */

export const FAKE_PACKAGE_NAME = '@cs-test/claude-code';
/** The template of the published package: see test/support/fake-package/. */
export const FAKE_PACKAGE_DIR = resolve(import.meta.dirname, 'fake-package');
const FAKE_CLAUDE_SOURCE = resolve(import.meta.dirname, 'fake-claude.mjs');

export interface PublishOptions {
  /** Bakes a sleep of this many milliseconds into the package's postinstall script. */
  installSleepMs?: number;
  /** `claude --version` of this version prints garbage instead of `<version> (Claude Code)`. */
  brokenVersion?: boolean;
}

export interface LocalRegistry {
  /** E.g. `http://127.0.0.1:41234`, no trailing slash. */
  url: string;
  /** The fake package's name, `@cs-test/claude-code`. */
  packageName: string;
  /** The registry's temporary directory (storage, config, log, npm cache). Removed by close(). */
  dir: string;
  /** Verdaccio's log file (level warn). */
  logFile: string;
  /**
   * npm settings for a test's child processes: this registry, a private npm cache, and an empty user and
   * global npmrc so that nothing of the machine's npm configuration leaks in. Spread into an environment.
   */
  npmEnv(): Record<string, string>;
  /** Publishes version `version` of the fake package with `npm publish`; it becomes `latest`. */
  publish(version: string, options?: PublishOptions): Promise<void>;
  /** Points dist-tag `tag` at `version` (which must be published). */
  setDistTag(tag: string, version: string): Promise<void>;
  /** Stops verdaccio and removes its directory. */
  close(): Promise<void>;
}

// Runs in the child: starts verdaccio from the given config object on a free port of 127.0.0.1 and says
// which port on stdout. It exits when its stdin closes, so it cannot outlive the test process.
const SERVER_SCRIPT = `
const { runServer } = require(process.argv[1]);
const config = JSON.parse(require('node:fs').readFileSync(process.argv[2], 'utf8'));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
runServer(config).then((server) => {
  server.on('error', (error) => { console.error(error); process.exit(1); });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n');
  });
}, (error) => { console.error(error); process.exit(1); });
`;

const START_TIMEOUT_MS = 30_000;

export async function startRegistry(): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-registry-'));
  const logFile = join(dir, 'verdaccio.log');
  const configFile = join(dir, 'config.json');
  const npmCache = join(dir, 'npm-cache');
  const npmrc = join(dir, 'npmrc');
  // npm refuses one file as both the user and the global config.
  const userNpmrc = join(dir, 'user-npmrc');
  const globalNpmrc = join(dir, 'global-npmrc');
  writeFileSync(userNpmrc, '');
  writeFileSync(globalNpmrc, '');
  writeFileSync(
    configFile,
    JSON.stringify({
      self_path: configFile,
      config_path: configFile,
      storage: join(dir, 'storage'),
      auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: -1 } },
      uplinks: {},
      // Anyone, logged in or not, may read and publish: npm publish only needs some token to send.
      packages: { '**': { access: '$all', publish: '$all', unpublish: '$all' } },
      web: { enable: false },
      log: { type: 'file', path: logFile, level: 'warn' },
    }),
  );

  const verdaccio = createRequire(import.meta.url).resolve('verdaccio');
  const child = spawn(process.execPath, ['-e', SERVER_SCRIPT, verdaccio, configFile], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });

  let port: number;
  try {
    port = await waitForPort(child, () => stderr);
  } catch (error) {
    await stop(child);
    let log = '';
    try {
      log = readFileSync(logFile, 'utf8');
    } catch {}
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`verdaccio did not start: ${(error as Error).message}\n${stderr}\n${log}`);
  }
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswers(url);

  // npm refuses to publish without a token for the registry. Verdaccio takes a token it cannot decrypt
  // for the anonymous user, and `publish: $all` lets the anonymous user publish.
  writeFileSync(npmrc, `//127.0.0.1:${port}/:_authToken=cs-test-anonymous\n`);

  const npmEnv = (): Record<string, string> => ({
    npm_config_registry: `${url}/`,
    npm_config_cache: npmCache,
    npm_config_userconfig: userNpmrc,
    npm_config_globalconfig: globalNpmrc,
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  });

  let closed: Promise<void> | undefined;
  let published = 0;
  return {
    url,
    packageName: FAKE_PACKAGE_NAME,
    dir,
    logFile,
    npmEnv,

    async publish(version, options = {}) {
      const work = join(dir, 'publish', `${++published}-${version.replace(/[^\w.-]/g, '_')}`);
      mkdirSync(work, { recursive: true });
      makePackage(work, version, options);
      const result = await run('npm', ['publish', '--tag', 'latest'], {
        cwd: work,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: dir,
          ...npmEnv(),
          npm_config_userconfig: npmrc,
          npm_config_loglevel: 'warn',
        },
      });
      if (result.code !== 0) {
        throw new Error(
          `npm publish ${FAKE_PACKAGE_NAME}@${version} failed (${result.code}):\n${result.output}`,
        );
      }
    },

    async setDistTag(tag, version) {
      const response = await fetch(
        `${url}/-/package/${encodeURIComponent(FAKE_PACKAGE_NAME)}/dist-tags/${encodeURIComponent(tag)}`,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: 'Bearer cs-test-anonymous' },
          body: JSON.stringify(version),
        },
      );
      const body = await response.text();
      if (!response.ok) throw new Error(`setting dist-tag ${tag} to ${version}: ${response.status} ${body}`);
    },

    close() {
      closed ??= stop(child).then(() => rmSync(dir, { recursive: true, force: true }));
      return closed;
    },
  };
}

/** Copies the template into `work` with the name, version and publish options baked in. */
function makePackage(work: string, version: string, options: PublishOptions): void {
  cpSync(FAKE_PACKAGE_DIR, work, { recursive: true });
  const manifestFile = join(work, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(
    manifestFile,
    `${JSON.stringify({ ...manifest, name: FAKE_PACKAGE_NAME, version }, null, 2)}\n`,
  );
  // The bin is test/support/fake-claude.mjs with its version baked in (or broken, to fail verification).
  const bin = join(work, 'bin', 'claude.js');
  mkdirSync(join(work, 'bin'), { recursive: true });
  cpSync(FAKE_CLAUDE_SOURCE, bin);
  const answer = options.brokenVersion ? 'garbage: no version here' : `${version} (Claude Code)`;
  bake(bin, { VERSION_ANSWER: JSON.stringify(answer) });
  chmodSync(bin, 0o755);
  bake(join(work, 'postinstall.js'), { INSTALL_SLEEP_MS: String(Math.max(0, options.installSleepMs ?? 0)) });
}

/** Rewrites `const NAME = ...;` lines of a template file. */
function bake(file: string, values: Record<string, string>): void {
  let text = readFileSync(file, 'utf8');
  for (const [name, value] of Object.entries(values)) {
    const line = new RegExp(`^const ${name} = .*;$`, 'm');
    if (!line.test(text)) throw new Error(`${file} has no line "const ${name} = ...;"`);
    text = text.replace(line, () => `const ${name} = ${value};`);
  }
  writeFileSync(file, text);
}

function waitForPort(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    let out = '';
    const timer = setTimeout(
      () => fail(new Error(`no port within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      out += chunk;
      const line = out.split('\n').find((candidate) => candidate.startsWith('{'));
      if (!line) return;
      const port = (JSON.parse(line) as { port?: unknown }).port;
      if (typeof port !== 'number') return fail(new Error(`unexpected output ${line}`));
      done();
      resolvePort(port);
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`exited (${code ?? signal}) before listening: ${stderr()}`));
    const onError = (error: Error) => fail(error);
    const done = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    const fail = (error: Error) => {
      done();
      reject(error);
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function waitUntilAnswers(url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`${url}/-/ping`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`${url}/-/ping did not answer 200`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}

/** SIGTERM, then SIGKILL after 3 s; resolves once the child is gone. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolveRun({ code, output }));
  });
}
