import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPackageName, isVersion } from '../core/version.js';
import { childProcess } from './lazy.js';

/**
 * The only module that runs npm. Every package name and version is validated again here, right before
 * it becomes an argument: nothing read from a registry or typed by a user reaches npm unchecked, and no
 * shell is involved (argv arrays only).
 */
export interface NpmResult {
  ok: boolean;
  status: number | null;
  output: string;
}

function spec(packageName: string, version: string): string {
  if (!isPackageName(packageName)) throw new Error(`refusing package name ${JSON.stringify(packageName)}`);
  if (!isVersion(version)) throw new Error(`refusing version ${JSON.stringify(version)}`);
  return `${packageName}@${version}`;
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  showProgress: boolean,
  timeoutMs: number,
): Promise<NpmResult> {
  return new Promise((resolve) => {
    const child = childProcess().spawn(command, args, {
      env,
      stdio: ['ignore', showProgress ? 'inherit' : 'pipe', showProgress ? 'inherit' : 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('error', (error) => resolve({ ok: false, status: null, output: String(error.message) }));
    child.once('close', (status) => resolve({ ok: status === 0, status, output }));
  });
}

/**
 * Installs one exact version into a prefix of ours. npm 11 skips (and will block) dependency install
 * scripts it has no approval for; Claude Code's postinstall puts the native binary in place, so the
 * prefix's package.json approves the package's scripts by name (never --ignore-scripts).
 */
export function installIntoPrefix(
  prefix: string,
  packageName: string,
  version: string,
  env: NodeJS.ProcessEnv,
  showProgress: boolean,
): Promise<NpmResult> {
  const wanted = spec(packageName, version);
  writeFileSync(
    join(prefix, 'package.json'),
    `${JSON.stringify({ private: true, allowScripts: { [packageName]: true } })}\n`,
  );
  return run(
    'npm',
    [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      '--ignore-scripts=false',
      '--include=optional',
      '--global=false',
      wanted,
    ],
    env,
    showProgress,
    15 * 60_000,
  );
}

/** `[sudo -n] npm install -g PACKAGE@VERSION`: exactly the command the README's sudoers rule allows. */
export function installGlobal(
  packageName: string,
  version: string,
  sudo: boolean,
  env: NodeJS.ProcessEnv,
): Promise<NpmResult> {
  const args = ['install', '-g', spec(packageName, version)];
  return sudo
    ? run('sudo', ['-n', 'npm', ...args], env, false, 15 * 60_000)
    : run('npm', args, env, false, 15 * 60_000);
}

/** npm's global node_modules and bin directories. */
export function globalPaths(env: NodeJS.ProcessEnv): { root: string; bin: string } | undefined {
  try {
    const root = childProcess()
      .execFileSync('npm', ['root', '-g'], {
        encoding: 'utf8',
        env,
        timeout: 20_000,
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      .trim();
    const prefix = childProcess()
      .execFileSync('npm', ['prefix', '-g'], {
        encoding: 'utf8',
        env,
        timeout: 20_000,
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      .trim();
    return root && prefix ? { root, bin: join(prefix, 'bin') } : undefined;
  } catch {
    return undefined;
  }
}
