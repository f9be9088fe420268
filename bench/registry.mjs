// Registries for the updates bench, each in a child process on 127.0.0.1 (the bench blocks its own event
// loop in spawnSync while it times commands). A plain-JS cut of test/support/registry.ts and
// bad-registry.ts ('hang'), which the bench cannot import (.ts).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const START_TIMEOUT_MS = 30_000;

// Both children say `{"port":N}` on stdout once listening and exit when their stdin closes, so they
// cannot outlive the bench.
const EXIT_WITH_PARENT = `
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
const listening = (server) => () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n');
`;

// Accepts connections and reads requests but never answers; one `request` line per request on stdout.
const HANGING_SCRIPT = `${EXIT_WITH_PARENT}
const server = require('node:http').createServer((request) => {
  request.resume();
  process.stdout.write('request\\n');
});
server.listen(0, '127.0.0.1', listening(server));
`;

const VERDACCIO_SCRIPT = `${EXIT_WITH_PARENT}
const { runServer } = require(process.argv[1]);
const config = JSON.parse(require('node:fs').readFileSync(process.argv[2], 'utf8'));
runServer(config).then((server) => {
  server.on('error', (error) => { console.error(error); process.exit(1); });
  server.listen(0, '127.0.0.1', listening(server));
}, (error) => { console.error(error); process.exit(1); });
`;

/** Starts `node -e script ...args` in `dir`; resolves with its port once it listens. */
function startChild(dir, script, args, onLine = () => {}) {
  const child = spawn(process.execPath, ['-e', script, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    let port;
    const timer = setTimeout(() => fail(`no port within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`bench: registry child did not start: ${why}\n${stderr}`));
    };
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        if (port === undefined && line.startsWith('{')) {
          port = JSON.parse(line).port;
          clearTimeout(timer);
          resolve({ child, url: `http://127.0.0.1:${port}` });
        } else onLine(line);
      }
    });
    child.once('exit', (code, signal) => {
      if (port === undefined) fail(`exited (${code ?? signal}) before listening`);
    });
    child.once('error', (error) => fail(error.message));
  });
}

/** Ends a child started by startChild (closing its stdin; SIGKILL after 3 s); resolves once it is gone. */
function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin.end();
  });
}

/** A registry that accepts connections and never answers: { url, pid, requests(), close() }. */
export async function startHangingRegistry(dir) {
  let requests = 0;
  const { child, url } = await startChild(dir, HANGING_SCRIPT, [], (line) => {
    if (line === 'request') requests++;
  });
  return { url, pid: child.pid, requests: () => requests, close: () => stop(child) };
}

/**
 * Verdaccio 6 (the repo's dev dependency), offline, storage in `dir`. Returns { url, pid, npmEnv(),
 * publish(name, version), close() }; npmEnv() is a private cache and empty user and global npmrc.
 */
export async function startVerdaccio(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'config.json');
  // npm refuses one file as both the user and the global config.
  const userNpmrc = join(dir, 'user-npmrc');
  const globalNpmrc = join(dir, 'global-npmrc');
  fs.writeFileSync(userNpmrc, '');
  fs.writeFileSync(globalNpmrc, '');
  const config = {
    self_path: configFile,
    config_path: configFile,
    storage: join(dir, 'storage'),
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: -1 } },
    uplinks: {},
    packages: { '**': { access: '$all', publish: '$all', unpublish: '$all' } },
    web: { enable: false },
    log: { type: 'file', path: join(dir, 'verdaccio.log'), level: 'warn' },
  };
  fs.writeFileSync(configFile, JSON.stringify(config));
  const verdaccio = createRequire(import.meta.url).resolve('verdaccio');
  const { child, url } = await startChild(dir, VERDACCIO_SCRIPT, [verdaccio, configFile]);
  const npmEnv = () => ({
    npm_config_registry: `${url}/`,
    npm_config_cache: join(dir, 'npm-cache'),
    npm_config_userconfig: userNpmrc,
    npm_config_globalconfig: globalNpmrc,
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  });

  /** Publishes a minimal package whose `claude` bin prints `<version> (Claude Code)`. */
  function publish(name, version) {
    const work = join(dir, 'publish', version);
    fs.mkdirSync(join(work, 'bin'), { recursive: true });
    const manifest = { name, version, license: 'MIT', bin: { claude: 'bin/claude.js' } };
    fs.writeFileSync(join(work, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const bin = `#!/usr/bin/env node\nconsole.log(${JSON.stringify(`${version} (Claude Code)`)});\n`;
    fs.writeFileSync(join(work, 'bin', 'claude.js'), bin, { mode: 0o755 });
    // npm publishes only with a token for the registry; verdaccio takes one it cannot decrypt for the
    // anonymous user, whom `publish: $all` allows.
    const authNpmrc = join(dir, 'publish-npmrc');
    fs.writeFileSync(authNpmrc, `//${new URL(url).host}/:_authToken=cs-bench-anonymous\n`);
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      ...npmEnv(),
      npm_config_userconfig: authNpmrc,
      npm_config_loglevel: 'warn',
    };
    const result = spawnSync('npm', ['publish', '--tag', 'latest'], { cwd: work, env, encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`bench: npm publish ${name}@${version} failed: ${result.stdout}${result.stderr}`);
    }
  }

  return { url, pid: child.pid, npmEnv, publish, close: () => stop(child) };
}
