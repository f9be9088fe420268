import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO, Sandbox, snapshot } from './support/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

describe('claude-session (new)', () => {
  it('creates a private session dir and runs Claude in it with the session environment', async () => {
    const result = await sandbox.run(['--name', 'first', '--', '-p', 'hello'], { cwd: sandbox.dir });
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(0);
    const [id] = sandbox.sessionIds();
    expect(id).toBeDefined();
    const dir = join(sandbox.root, 'sessions', id as string);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'config')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'session.json')).mode & 0o777).toBe(0o600);

    const [record] = sandbox.records();
    expect(record?.argv).toEqual(['--settings', join(dir, 'claude-settings.json'), '-p', 'hello']);
    expect(record?.cwd).toBe(sandbox.dir);
    expect(record?.env.CLAUDE_CONFIG_DIR).toBe(join(dir, 'config'));
    expect(record?.env.CLAUDE_CODE_TMPDIR).toBe(join(dir, 'tmp'));
    expect(record?.env.DISABLE_AUTOUPDATER).toBe('1');
    expect(record?.env.CLAUDE_SESSION_ID).toBe(id);
    expect(record?.env.CLAUDE_SESSION_NAME).toBe('first');
    const settings = JSON.parse(readFileSync(join(dir, 'claude-settings.json'), 'utf8'));
    expect(settings.disableDeepLinkRegistration).toBe('disable');
    expect(Object.keys(settings.hooks)).toContain('Stop');
    // The hooks find their script through the session's environment.
    expect(record?.env.CLAUDE_SESSION_HOOK).toBe(join(REPO, 'libexec', 'hook'));
    expect(record?.env.CLAUDE_SESSION_TMUX).toBeUndefined();

    const meta = sandbox.sessionRecord(id as string);
    expect(meta).toMatchObject({
      schema: 1,
      id,
      name: 'first',
      cwd: sandbox.dir,
      base: sandbox.base,
      launches: 1,
    });
    expect(meta.claude).toEqual({ path: join(sandbox.bin, 'claude'), version: '2.0.0' });
    // The launcher shell execs Claude, so the recorded pid is Claude's own.
    expect(meta.process?.pid).toBe(record?.pid);
  });

  it("passes Claude's exit status through", async () => {
    const result = await sandbox.run(['--', '-p', 'x'], { env: { FAKE_CLAUDE_EXIT: '7' } });
    expect(result.code).toBe(7);
  });

  it('passes hostile arguments to Claude byte for byte', async () => {
    const hostile = [
      'two\nlines',
      'back\\slash and \\n literal',
      '$(touch /tmp/cs-pwned) `id` ; rm -rf ~',
      '\'single\' "double"',
      '',
      '-',
      '--',
      '\ttab\r',
      'trailing newlines\n\n',
      '\\c stop? \\0101',
      'ünïcødé ✓',
    ];
    const result = await sandbox.run(['--', ...hostile]);
    expect(result.code).toBe(0);
    expect(sandbox.records()[0]?.argv.slice(2)).toEqual(hostile);
  });

  it("merges the user's own --settings into the session's (Claude keeps only the last), and refuses a bad one", async () => {
    const before = snapshot(sandbox.home);
    for (const bad of ['missing.json', '{"not json', '[1]']) {
      const refused = await sandbox.run(['--', '--settings', bad], { cwd: sandbox.dir });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /^claude-session: --settings ".*": (cannot read it \(ENOENT\)|not a JSON object)\n$/,
      );
    }
    expect(snapshot(sandbox.home)).toBe(before);

    const mine = join(sandbox.dir, 'mine.json');
    writeFileSync(
      mine,
      JSON.stringify({ model: 'opus', hooks: { Stop: [{ hooks: [{ type: 'command', command: 'mine' }] }] } }),
    );
    const result = await sandbox.run(['--', '-p', 'x', '--settings', 'mine.json'], { cwd: sandbox.dir });
    expect(result.code, result.stderr).toBe(0);
    const [record] = sandbox.records();
    const [id] = sandbox.sessionIds();
    const file = join(sandbox.root, 'sessions', id as string, 'claude-settings.json');
    expect(record?.argv).toEqual(['--settings', file, '-p', 'x']);
    const merged = JSON.parse(readFileSync(file, 'utf8'));
    expect(merged.model).toBe('opus');
    const stops = merged.hooks.Stop.map((group: { hooks: { command: string }[] }) => group.hooks[0]?.command);
    expect(stops).toHaveLength(2);
    expect(stops[0]).toBe('mine');
    expect(stops[1]).toMatch(/CLAUDE_SESSION_HOOK:-true\}" idle$/);
  });

  it('gives 20 concurrent launches 20 isolated sessions and leaves the base untouched', async () => {
    const before = snapshot(sandbox.base);
    const baseClaudeJson = readFileSync(join(sandbox.home, '.claude.json'), 'utf8');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => sandbox.run(['--', '-p', `prompt ${i}`])),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const ids = sandbox.sessionIds();
    expect(new Set(ids).size).toBe(20);

    const inodes = new Set<number>();
    for (const id of ids) {
      const config = join(sandbox.root, 'sessions', id, 'config');
      const history = readFileSync(join(config, 'history.jsonl'), 'utf8').trim().split('\n');
      expect(history).toHaveLength(1);
      inodes.add(statSync(join(config, 'history.jsonl')).ino);
      for (const entry of [
        'skills',
        'agents',
        'commands',
        'rules',
        'output-styles',
        'CLAUDE.md',
        'plugins',
        'settings.json',
      ]) {
        const stat = lstatSync(join(config, entry));
        expect(stat.isSymbolicLink(), `${entry} is a link`).toBe(true);
        expect(readlinkSync(join(config, entry))).toBe(join(sandbox.base, entry));
      }
      expect(readdirSync(join(config, 'projects'))).toHaveLength(1);
    }
    expect(inodes.size).toBe(20);
    for (const record of sandbox.records()) {
      expect(record.sees?.skills).toEqual(['hello-skill']);
      expect(record.sees?.agents).toEqual(['reviewer.md']);
      expect(record.sees?.commands).toEqual(['hello.md']);
    }
    // Only the protection bits may change in the base (readonly policy); its data never.
    const strip = (text: string) => text.replace(/ (dir|file) \d+\b/g, ' $1');
    expect(strip(snapshot(sandbox.base))).toBe(strip(before));
    expect(readFileSync(join(sandbox.base, 'history.jsonl'), 'utf8')).toBe(
      '{"display":"base prompt","timestamp":1}\n',
    );
    expect(readFileSync(join(sandbox.home, '.claude.json'), 'utf8')).toBe(baseClaudeJson);
  });

  it('makes 30 simultaneous launches 30 distinct valid sessions', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => sandbox.run(['--', '-p', 'x'])));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const list = await sandbox.run(['list', '--json']);
    const sessions = JSON.parse(list.stdout) as { id: string; state: string }[];
    expect(sessions).toHaveLength(30);
    expect(new Set(sessions.map((session) => session.id)).size).toBe(30);
    expect(sessions.every((session) => session.state === 'exited')).toBe(true);
  });

  it('gives a name to exactly one of several concurrent launches asking for it', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => sandbox.run(['--name', 'same', '--', '-p', 'x'])),
    );
    const ok = results.filter((result) => result.code === 0);
    expect(ok).toHaveLength(1);
    for (const failed of results.filter((result) => result.code !== 0)) {
      expect(failed.stderr).toMatch(/a session named "same" exists/);
    }
    expect(sandbox.sessionIds()).toHaveLength(1);
  });

  it('seeds .claude.json from the base so Claude starts at the prompt, trust exactly as the base has it', async () => {
    const base = {
      hasCompletedOnboarding: true,
      lastOnboardingVersion: '2.0.0',
      theme: 'light-daltonized',
      editorMode: 'vim',
      mcpServers: { docs: { type: 'stdio', command: 'docs-mcp', args: [] } },
      customApiKeyResponses: { approved: ['abcdefghijklmnopqrst'], rejected: [] },
      oauthAccount: { emailAddress: 'user@example.com' },
      projects: {
        [sandbox.dir]: {
          hasTrustDialogAccepted: true,
          allowedTools: ['Bash(ls)'],
          history: [{ display: 'x' }],
          lastCost: 3,
        },
        '/elsewhere': { hasTrustDialogAccepted: false, mcpServers: { local: { command: 'x' } } },
      },
    };
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(sandbox.home, '.claude.json'), JSON.stringify(base));
    await sandbox.run(['--', '-p', 'x'], { cwd: sandbox.dir });
    const [id] = sandbox.sessionIds();
    const seeded = JSON.parse(
      readFileSync(join(sandbox.root, 'sessions', id as string, 'config', '.claude.json'), 'utf8'),
    );
    expect(seeded).toEqual({
      hasCompletedOnboarding: true,
      lastOnboardingVersion: '2.0.0',
      theme: 'light-daltonized',
      editorMode: 'vim',
      mcpServers: base.mcpServers,
      customApiKeyResponses: base.customApiKeyResponses,
      oauthAccount: base.oauthAccount,
      projects: {
        [sandbox.dir]: { hasTrustDialogAccepted: true, allowedTools: ['Bash(ls)'] },
        '/elsewhere': { hasTrustDialogAccepted: false, mcpServers: { local: { command: 'x' } } },
      },
    });
  });

  it('takes the base from CLAUDE_CONFIG_DIR, and from the parent session when started inside one', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const other = join(sandbox.dir, 'other-base');
    mkdirSync(join(other, 'skills', 'other-skill'), { recursive: true });
    writeFileSync(join(other, '.claude.json'), JSON.stringify({ theme: 'other' }));
    await sandbox.run(['--', '-p', 'x'], { env: { CLAUDE_CONFIG_DIR: other } });
    const [first] = sandbox.sessionIds();
    const config = join(sandbox.root, 'sessions', first as string, 'config');
    expect(readlinkSync(join(config, 'skills'))).toBe(join(other, 'skills'));
    expect(JSON.parse(readFileSync(join(config, '.claude.json'), 'utf8')).theme).toBe('other');

    // A session started from inside that session (CLAUDE_CONFIG_DIR is the session's) shares the same base.
    await sandbox.run(['--', '-p', 'y'], { env: { CLAUDE_CONFIG_DIR: config, CLAUDE_SESSION_ID: first } });
    const second = sandbox.sessionIds().find((id) => id !== first) as string;
    expect(sandbox.sessionRecord(second).base).toBe(other);
    const inner = sandbox.records().find((record) => record.env.CLAUDE_SESSION_ID === second);
    expect(inner?.env.CLAUDE_CONFIG_DIR).toBe(join(sandbox.root, 'sessions', second, 'config'));
  });

  it('runs Claude as a child, recording its pid, when started without the launcher shell', async () => {
    const { runCommand, REPO } = await import('./support/sandbox.js');
    const result = await runCommand(process.execPath, [join(REPO, 'dist', 'cli.cjs'), '--', '-p', 'x'], {
      env: sandbox.env({ FAKE_CLAUDE_EXIT: '5' }),
    });
    expect(result.code).toBe(5);
    const [id] = sandbox.sessionIds();
    expect(sandbox.sessionRecord(id as string).process?.pid).toBe(sandbox.records()[0]?.pid);
  });
});
