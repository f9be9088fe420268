import { lstatSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from './support/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

const credentials = (expiresAt: number, refresh: string) =>
  JSON.stringify({ claudeAiOauth: { accessToken: `at-${refresh}`, refreshToken: refresh, expiresAt } });

describe('login', () => {
  it('stores a token from `claude setup-token` (pasted back) with mode 0600 and gives it to every session', async () => {
    const result = await sandbox.run(['login'], { input: 'sk-ant-oat01-FAKETOKENFAKETOKENFAKETOKEN\n' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Your OAuth token'); // setup-token ran with our terminal
    const file = join(sandbox.root, 'credentials', 'oauth-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(sandbox.root, 'credentials')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toBe('sk-ant-oat01-FAKETOKENFAKETOKENFAKETOKEN\n');
    // setup-token ran in a throwaway config dir, not in the base.
    expect(sandbox.records()).toHaveLength(0);

    await sandbox.run(['--', '-p', 'x']);
    expect(sandbox.records()[0]?.env.CLAUDE_CODE_OAUTH_TOKEN).toBe(
      'sk-ant-oat01-FAKETOKENFAKETOKENFAKETOKEN',
    );
    expect(JSON.parse((await sandbox.run(['login', '--status', '--json'])).stdout).strategy).toBe(
      'stored-token',
    );

    expect((await sandbox.run(['logout'])).stdout).toContain('removed');
    await sandbox.run(['--', '-p', 'y']);
    expect(sandbox.records()[1]?.env.CLAUDE_CODE_OAUTH_TOKEN).toBeUndefined();
  });

  it('reads a token from stdin, and refuses junk without storing anything', async () => {
    expect(
      (await sandbox.run(['login', '--stdin'], { input: 'sk-ant-oat01-abcdefghijklmnopqrstuvwxyz\n' })).code,
    ).toBe(0);
    const bad = await sandbox
      .run(['logout'])
      .then(() => sandbox.run(['login', '--stdin'], { input: 'not a token\n' }));
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^claude-session: that does not look like a token.*nothing stored$/);
    expect(JSON.parse((await sandbox.run(['login', '--status', '--json'])).stdout).strategy).toBe('none');
  });

  it('leaves an inherited API key or token alone, and says at login that it wins', async () => {
    const stored = await sandbox.run(['login', '--stdin'], {
      input: 'sk-ant-oat01-abcdefghijklmnopqrstuvwxyz\n',
      env: { ANTHROPIC_API_KEY: 'sk-ant-api-inherited' },
    });
    expect(stored.code, stored.stderr).toBe(0);
    expect(stored.stdout).not.toContain('every session now logs in with it');
    expect(stored.stderr).toBe(
      'claude-session: ANTHROPIC_API_KEY is set in this environment and wins over the stored token: sessions started with it set use ANTHROPIC_API_KEY; unset it to use the token\n',
    );
    await sandbox.run(['--', '-p', 'x'], { env: { ANTHROPIC_API_KEY: 'sk-ant-api-inherited' } });
    const [record] = sandbox.records();
    expect(record?.env.ANTHROPIC_API_KEY).toBe('sk-ant-api-inherited');
    expect(record?.env.CLAUDE_CODE_OAUTH_TOKEN).toBeUndefined();
  });

  it("links the base's /login credentials into sessions and heals a link Claude's refresh replaced", async () => {
    const shared = join(sandbox.base, '.credentials.json');
    writeFileSync(shared, credentials(1000, 'rt-1'), { mode: 0o600 });
    await sandbox.run(['--name', 'a', '--', '-p', 'x']);
    await sandbox.run(['--name', 'b', '--', '-p', 'x']);
    const [a, b] = sandbox
      .sessionIds()
      .sort((x, y) =>
        String(sandbox.sessionRecord(x).name).localeCompare(String(sandbox.sessionRecord(y).name)),
      ) as [string, string];
    const inSession = (id: string) => join(sandbox.root, 'sessions', id, 'config', '.credentials.json');
    expect(readlinkSync(inSession(a))).toBe(shared);
    expect(readlinkSync(inSession(b))).toBe(shared);

    // Claude in session a refreshed: its save (temp file + rename) replaced the link with a private copy
    // holding the new single-use refresh token (#76561).
    const { rmSync } = await import('node:fs');
    rmSync(inSession(a));
    writeFileSync(inSession(a), credentials(2000, 'rt-2'), { mode: 0o600 });
    // Session b holds an older private copy: it must not win.
    rmSync(inSession(b));
    writeFileSync(inSession(b), credentials(500, 'rt-0'), { mode: 0o600 });

    await sandbox.run(['--', '-p', 'next']);
    expect(JSON.parse(readFileSync(shared, 'utf8')).claudeAiOauth.refreshToken).toBe('rt-2');
    expect(statSync(shared).mode & 0o777).toBe(0o600);
    expect(lstatSync(inSession(a)).isSymbolicLink()).toBe(true);
    expect(lstatSync(inSession(b)).isSymbolicLink()).toBe(true);
  });
});
