import { mkdirSync, readSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Services } from '../config/services.js';
import { resolveBase } from '../configdir/base.js';
import { baseCredentialsFile, chooseLogin, ENV_LOGINS, readStoredToken } from '../configdir/login.js';
import { ensureRoot } from '../configdir/prepare.js';
import { EXIT, errorCode, UserError } from '../core/errors.js';
import { tokenFile } from '../store/layout.js';
import { findClaude, runSetupToken } from '../system/claude-binary.js';
import { mkdirPrivate, writeFileAtomicSync } from '../system/files.js';
import { readSecretLine } from '../system/terminal.js';

export interface LoginOptions {
  stdin: boolean;
}

const TOKEN = /^[A-Za-z0-9._~+/=-]{20,4096}$/;

/**
 * Stores a long-lived token for every session: runs `claude setup-token` (which prints a one-year token
 * and writes no credentials file), then takes the token pasted back, or reads it from stdin.
 */
export async function login(services: Services, options: LoginOptions): Promise<number> {
  const settings = services.settings();
  ensureRoot(settings);
  let token: string;
  if (options.stdin) {
    token = readStdinBounded(64 * 1024).trim();
  } else {
    const claude = findClaude(services.env);
    // A throwaway config dir: setup-token must not touch the base or any session.
    const scratch = join(settings.root, `.login-${process.pid}`);
    mkdirPrivate(scratch);
    try {
      const result = runSetupToken(claude, {
        ...services.env,
        CLAUDE_CONFIG_DIR: scratch,
        DISABLE_AUTOUPDATER: '1',
      });
      if (result.error) throw new UserError(`could not run ${claude} setup-token: ${result.error.message}`);
      if (result.status !== 0)
        throw new UserError(`\`claude setup-token\` failed (exit ${result.status}): nothing stored`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    token = (await readSecretLine('Paste the token printed above: ')).trim();
  }
  if (!TOKEN.test(token)) {
    throw new UserError(
      'that does not look like a token (expected one line like sk-ant-oat01-...): nothing stored',
    );
  }
  const file = tokenFile(settings.root);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomicSync(file, `${token}\n`, 0o600);
  const winner = ENV_LOGINS.find((name) => services.env[name]);
  if (winner) {
    services.out(`stored (${file}, mode 0600)\n`);
    services.err(
      `claude-session: ${winner} is set in this environment and wins over the stored token: sessions started with it set use ${winner}; unset it to use the token\n`,
    );
  } else {
    services.out(`stored; every session now logs in with it (${file}, mode 0600)\n`);
  }
  return 0;
}

/** Standard input up to `max` bytes (`login --stdin < /dev/zero` must not fill the memory). */
function readStdinBounded(max: number): string {
  const buffer = Buffer.alloc(max + 1);
  let length = 0;
  for (;;) {
    let read: number;
    try {
      read = readSync(0, buffer, length, buffer.length - length, null);
    } catch (error) {
      if (errorCode(error) === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (errorCode(error) === 'EOF') break;
      throw error;
    }
    if (read === 0) break;
    length += read;
    if (length > max)
      throw new UserError('standard input is too long for a token: nothing stored', EXIT.USAGE);
  }
  return buffer.toString('utf8', 0, length);
}

export async function loginStatus(services: Services, options: { json: boolean }): Promise<number> {
  const settings = services.settings();
  const base = resolveBase(services.env, settings.home);
  const strategy = chooseLogin(
    services.env,
    readStoredToken(tokenFile(settings.root)),
    baseCredentialsFile(base.dir),
  );
  const explain: Record<typeof strategy.kind, string> = {
    environment: `sessions inherit ${'variable' in strategy ? strategy.variable : ''} from your environment`,
    'stored-token': `sessions use the token stored by \`claude-session login\` (${tokenFile(settings.root)})`,
    'shared-login': `sessions share your /login credentials (${'credentials' in strategy ? strategy.credentials : ''}) through a link; \`claude-session login\` is sturdier for many sessions`,
    none: 'no login found: run `claude-session login` (or set ANTHROPIC_API_KEY)',
  };
  if (options.json)
    services.out(`${JSON.stringify({ strategy: strategy.kind, explanation: explain[strategy.kind] })}\n`);
  else services.out(`${strategy.kind}: ${explain[strategy.kind]}\n`);
  return 0;
}
