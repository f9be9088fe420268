import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAnthropic, startFakeAnthropic } from './support/fake-anthropic.js';
import { ensureRealClaude } from './support/real-claude.js';
import { CLI, runCommand, Sandbox, snapshot, waitFor } from './support/sandbox.js';
import { startTmux, type TmuxSession } from './support/tmux.js';

// The real Claude Code binary (pinned, see test/support/real-claude.ts) against a fake Anthropic API on
// 127.0.0.1: proof that sessions work with the real client, not just with our fake.
let claude: string;
let api: FakeAnthropic;
let sandbox: Sandbox;
let project: string;
const panes: TmuxSession[] = [];

beforeAll(async () => {
  claude = await ensureRealClaude();
  api = await startFakeAnthropic({ reply: 'FAKE-REPLY-OK' });
}, 600_000);
afterAll(async () => api?.close());

beforeEach(() => {
  sandbox = new Sandbox();
  project = join(sandbox.dir, 'project');
  mkdirSync(project);
  api.requests.length = 0;
});
afterEach(async () => {
  for (const pane of panes.splice(0)) await pane.kill();
  await sandbox.killSessions();
  sandbox.cleanup();
});

function realEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return sandbox.env({
    CLAUDE_SESSION_CLAUDE: claude,
    ANTHROPIC_BASE_URL: api.url,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
    FAKE_CLAUDE_LOG: undefined,
    ...extra,
  });
}

/** The user trusted `project` in their normal Claude configuration once; sessions carry that over. */
function trustInBase(folder: string): void {
  const file = join(sandbox.home, '.claude.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  json.projects = { [folder]: { hasTrustDialogAccepted: true } };
  writeFileSync(file, JSON.stringify(json));
}

function transcripts(id: string): string[] {
  const projects = join(sandbox.root, 'sessions', id, 'config', 'projects');
  return readdirSync(projects).flatMap((folder) =>
    readdirSync(join(projects, folder))
      .filter((name) => name.endsWith('.jsonl'))
      .map((name) => join(projects, folder, name)),
  );
}

const stripModes = (text: string) => text.replace(/ (dir|file) \d+\b/g, ' $1');

describe('with the real Claude Code', () => {
  it('runs two headless sessions at once, each with its own transcript and the shared skill', async () => {
    const baseBefore = snapshot(sandbox.base);
    const env = realEnv({ ANTHROPIC_API_KEY: 'sk-ant-api03-test-key-0123456789' });
    const run = (prompt: string) =>
      sandbox
        .run(['--', '-p', prompt], { env: { ...env }, cwd: project })
        .then((result) => ({ ...result, prompt }));
    const results = await Promise.all([run('first prompt'), run('second prompt')]);
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe('FAKE-REPLY-OK');
    }
    const ids = sandbox.sessionIds();
    expect(ids).toHaveLength(2);
    const prompts = ids.map((id) => {
      const files = transcripts(id);
      expect(files).toHaveLength(1);
      const text = readFileSync(files[0] as string, 'utf8');
      expect(text).toContain('FAKE-REPLY-OK');
      return text.includes('first prompt') ? 'first' : text.includes('second prompt') ? 'second' : '?';
    });
    expect(prompts.sort()).toEqual(['first', 'second']);

    const bodies = api.requests
      .filter((request) => request.path.startsWith('/v1/messages'))
      .map((r) => JSON.stringify(r.body));
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    for (const prompt of ['first prompt', 'second prompt']) {
      const body = bodies.find((text) => text.includes(prompt));
      expect(body, `request for ${prompt}`).toBeDefined();
      expect(body).toContain('hello-skill');
    }
    // ~/.claude untouched (the readonly policy only removes write bits), nothing else written into HOME.
    expect(stripModes(snapshot(sandbox.base))).toBe(stripModes(baseBefore));
    expect(readdirSync(sandbox.home).sort()).toEqual(['.claude', '.claude-sessions', '.claude.json']);
  });

  it('starts interactively in tmux straight at the prompt, answers, and resume brings the conversation back', async () => {
    trustInBase(project);
    const env = realEnv({ ANTHROPIC_AUTH_TOKEN: 'test-token' });
    const first = await startTmux({ cmd: [CLI, '--name', 'chat'], env, cwd: project });
    panes.push(first);
    const ready = await first.waitFor(/^─{20,}\n❯/m, 30_000);
    expect(ready).not.toMatch(
      /Quick safety check|Choose the text style|Select login method|Do you want to use this API key/,
    );
    await first.send('say hi');
    await first.enter();
    await first.waitFor(/^● FAKE-REPLY-OK$/m, 30_000);
    await first.send('/exit');
    await first.enter();
    const goodbye = await first.waitFor(/Resume this session with/, 15_000);
    expect(existsSync(join(sandbox.home, '.local'))).toBe(false);

    // Claude prints its goodbye a moment before the process is gone.
    const list = await waitFor(async () => {
      const views = JSON.parse((await sandbox.run(['list', '--json'])).stdout);
      return views[0]?.state !== 'running' && views;
    });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: 'chat', state: 'exited', claudeVersion: '2.1.332', cwd: project });
    // The uuid Claude prints is its transcript's: what `claude-session resume <uuid>` looks for.
    const printed = /claude --resume ([0-9a-f-]{36})/.exec(goodbye.replace(/\s+/g, ' '))?.[1];
    expect(transcripts(list[0].id).map((file) => basename(file, '.jsonl'))).toEqual([printed]);

    const second = await startTmux({ cmd: [CLI, 'resume', 'chat'], env, cwd: sandbox.home });
    panes.push(second);
    const resumed = await second.waitFor(/^─{20,}\n❯/m, 30_000);
    await second
      .waitFor((screen) => /❯ say hi/.test(screen) && /● FAKE-REPLY-OK/.test(screen), 15_000)
      .catch(() => {
        throw new Error(`conversation not shown on resume:\n${resumed}`);
      });
    const history = readFileSync(
      join(sandbox.root, 'sessions', list[0].id, 'config', 'history.jsonl'),
      'utf8',
    );
    expect(history).toContain('say hi');
    expect(existsSync(join(sandbox.base, 'history.jsonl'))).toBe(true);
    expect(readFileSync(join(sandbox.base, 'history.jsonl'), 'utf8')).not.toContain('say hi');
  });

  it('resume <the conversation uuid Claude prints at exit> resumes exactly it, from outside the session', async () => {
    const env = realEnv({ ANTHROPIC_API_KEY: 'sk-ant-api03-test-key-0123456789' });
    const first = await sandbox.run(['--name', 'chat', '--', '-p', 'remember the word PELICAN'], {
      env,
      cwd: project,
    });
    expect(first.code, first.stderr).toBe(0);
    const [id] = sandbox.sessionIds() as [string];
    const [transcript] = transcripts(id) as [string];
    const conversation = basename(transcript, '.jsonl');
    // Another conversation in the same session, the latest: `resume chat` would continue this one.
    const other = await sandbox.run(
      ['resume', 'chat', '--', '--session-id', randomUUID(), '-p', 'an unrelated question'],
      { env, cwd: project },
    );
    expect(other.code, other.stderr).toBe(0);
    expect(transcripts(id)).toHaveLength(2);
    // What Claude's exit line says to run finds nothing outside the session's config dir.
    const plain = await runCommand(claude, ['--resume', conversation, '-p', 'which word?'], {
      env,
      cwd: sandbox.home,
    });
    expect(plain.code).not.toBe(0);
    expect(`${plain.stdout}${plain.stderr}`).toMatch(/No conversation found/);
    api.requests.length = 0;
    const resumed = await sandbox.run(['resume', conversation, '--', '-p', 'which word?'], {
      env,
      cwd: sandbox.home,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout.trim()).toBe('FAKE-REPLY-OK');
    const body = JSON.stringify(
      api.requests.find((request) => request.path.startsWith('/v1/messages'))?.body,
    );
    expect(body).toContain('which word?');
    expect(body).toContain('remember the word PELICAN');
    expect(body).not.toContain('an unrelated question');
    expect(readFileSync(transcript, 'utf8')).toContain('which word?');
    expect(transcripts(id)).toHaveLength(2);
  });

  it('never grants folder trust silently: an untrusted folder shows the trust dialog', async () => {
    const env = realEnv({ ANTHROPIC_AUTH_TOKEN: 'test-token' });
    const pane = await startTmux({ cmd: [CLI], env, cwd: project });
    panes.push(pane);
    await pane.waitFor(/Quick safety check: Is this a project you created or one you trust\?/, 30_000);
    expect(api.requests).toHaveLength(0);
  });
});
