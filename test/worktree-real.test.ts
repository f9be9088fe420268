import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAnthropic, lastUserText, startFakeAnthropic } from './support/fake-anthropic.js';
import { ensureRealClaude } from './support/real-claude.js';
import { PROMPT_READY, pane, realEnv, trustInBase } from './support/real-session.js';
import { Sandbox, waitFor } from './support/sandbox.js';

// Worktree sessions with the real Claude Code against a fake Anthropic API: `new --worktree` in a
// trusted repository (and in an untrusted one), resume after kill, fork into a second worktree, and a
// session started with Claude's own `-w`. One sandbox for all: the real Claude is slow to start.
let claude: string;
let api: FakeAnthropic;
let sandbox: Sandbox;
let repo: string;

const TRUST = /Quick safety check: Is this a project you created or one you trust\?/;

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

function makeRepository(path: string): void {
  mkdirSync(path, { recursive: true });
  git(path, 'init', '-q', '-b', 'main');
  writeFileSync(join(path, 'README'), 'hello\n');
  git(path, 'add', '.');
  git(path, 'commit', '-q', '-m', 'first');
}

beforeAll(async () => {
  claude = await ensureRealClaude();
  api = await startFakeAnthropic({ reply: 'FAKE-REPLY-OK' });
  sandbox = new Sandbox();
  repo = join(sandbox.dir, 'src', 'app');
  makeRepository(repo);
  trustInBase(sandbox, repo);
}, 600_000);
afterAll(async () => {
  await sandbox?.killSessions();
  sandbox?.cleanup();
  await api?.close();
});

const cs = (args: string[], cwd = repo) => sandbox.run(args, { env: realEnv(sandbox, claude, api), cwd });

async function ok(args: string[], cwd = repo): Promise<string> {
  const result = await cs(args, cwd);
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

/** Sends a prompt and waits until Claude has answered it. */
async function converse(session: string, prompt: string): Promise<void> {
  await ok(['send', session, prompt]);
  await ok(['wait', session, '--until', 'idle', '--timeout', '60']);
}

/** The model request of the turn that answered `prompt`, as JSON text. */
function requestFor(prompt: string): string {
  const found = api.requests.filter((request) => lastUserText(request).includes(prompt)).at(-1);
  if (!found) throw new Error(`no request for ${prompt}`);
  return JSON.stringify((found.body as { messages: unknown }).messages);
}

const slug = (path: string) => path.replace(/[^a-zA-Z0-9]/g, '-');

/** A session's transcripts, `folder/uuid.jsonl`. */
function transcripts(id: string): string[] {
  const projects = join(sandbox.root, 'sessions', id, 'config', 'projects');
  if (!existsSync(projects)) return [];
  return readdirSync(projects).flatMap((folder) =>
    readdirSync(join(projects, folder))
      .filter((name) => name.endsWith('.jsonl'))
      .map((name) => `${folder}/${name}`),
  );
}

function hash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

interface Started {
  id: string;
  dialog: string | null;
  cwd: string;
  worktree: { path: string; branch: string; base: string } | null;
}

describe('worktree sessions with the real Claude Code', () => {
  it('--worktree in a trusted repository: no trust question, its transcript in its own config dir, resumed after kill, forked into a second worktree', async () => {
    const started: Started = JSON.parse(await ok(['new', '-d', '-n', 'wt', '-w', '--json']));
    expect(started.dialog).toBeNull();
    expect(started.worktree).toMatchObject({
      path: join(sandbox.root, 'worktrees', started.id, 'app'),
      branch: 'claude-session/wt',
      base: 'main',
    });
    const worktree = started.worktree?.path as string;
    await waitFor(() => PROMPT_READY.test(pane(sandbox, started.id)));
    expect(pane(sandbox, started.id)).not.toMatch(TRUST);

    await converse('wt', 'first ALPHA');
    const [transcript] = transcripts(started.id);
    expect(transcript?.startsWith(`${slug(worktree)}/`)).toBe(true);
    expect(existsSync(join(sandbox.base, 'projects'))).toBe(false);
    expect(requestFor('first ALPHA')).toContain(`Primary working directory: ${worktree}`);

    // After kill, resume brings the conversation back, in the worktree.
    await ok(['kill', 'wt']);
    await ok(['resume', '-d', 'wt']);
    await converse('wt', 'second BETA');
    expect(requestFor('second BETA')).toContain('first ALPHA');
    expect(transcripts(started.id)).toEqual([transcript]);
    await ok(['kill', 'wt']);
    const sourceFile = join(sandbox.root, 'sessions', started.id, 'config', 'projects', transcript as string);
    const sourceBefore = hash(sourceFile);
    const sourceUuid = (transcript as string).split('/')[1]?.replace('.jsonl', '');

    // A commit on the source's branch, which the fork's branch starts from.
    writeFileSync(join(worktree, 'work.txt'), 'done\n');
    git(worktree, 'add', '.');
    git(worktree, 'commit', '-q', '-m', 'work of wt');
    const tip = git(worktree, 'rev-parse', 'HEAD');

    const forked: Started = JSON.parse(await ok(['fork', 'wt', '-d', '-n', 'alt', '--json'], sandbox.home));
    expect(forked.dialog).toBeNull();
    expect(forked.worktree).toMatchObject({ branch: 'claude-session/alt', base: 'claude-session/wt' });
    const second = forked.worktree?.path as string;
    expect(second).not.toBe(worktree);
    await waitFor(() => PROMPT_READY.test(pane(sandbox, forked.id)));
    expect(pane(sandbox, forked.id)).not.toMatch(TRUST);
    // It shows the source's conversation, and its first request carries the source's turns.
    expect(pane(sandbox, forked.id)).toContain('second BETA');
    await converse('alt', 'third GAMMA');
    const request = requestFor('third GAMMA');
    expect(request).toContain('first ALPHA');
    expect(request).toContain('second BETA');
    expect(request).toContain(`Primary working directory: ${second}`);

    // The fork's own conversation under its own uuid, in its own folder; the source's as it was.
    const own = transcripts(forked.id).filter((name) => !name.endsWith(`/${sourceUuid}.jsonl`));
    expect(own).toHaveLength(1);
    expect(own[0]?.startsWith(`${slug(second)}/`)).toBe(true);
    expect(hash(sourceFile)).toBe(sourceBefore);

    // Two branches; the fork's from the source's tip.
    expect(git(second, 'branch', '--show-current')).toBe('claude-session/alt');
    expect(git(worktree, 'branch', '--show-current')).toBe('claude-session/wt');
    expect(git(second, 'rev-parse', 'HEAD')).toBe(tip);
    expect(readFileSync(join(second, 'work.txt'), 'utf8')).toBe('done\n');
    await ok(['kill', 'alt']);
  }, 240_000);

  it('--worktree in an untrusted repository: Claude asks about trust (none is granted)', async () => {
    const untrusted = join(sandbox.dir, 'src', 'other');
    makeRepository(untrusted);
    const started: Started = JSON.parse(await ok(['new', '-d', '-n', 'asks', '-w', '--json'], untrusted));
    expect(started.dialog).toBe('folder-trust');
    await waitFor(() => TRUST.test(pane(sandbox, started.id)));
    await ok(['kill', 'asks']);
  }, 120_000);

  it("a session started with Claude's own -w keeps working with resume: the conversation comes back", async () => {
    const started: Started = JSON.parse(await ok(['new', '-d', '-n', 'own', '--json', '--', '-w', 'foo']));
    expect(started.dialog).toBeNull();
    await converse('own', 'claude worktree DELTA');
    const claudeWorktree = join(repo, '.claude', 'worktrees', 'foo');
    expect(requestFor('claude worktree DELTA')).toContain(`Primary working directory: ${claudeWorktree}`);
    await ok(['kill', 'own']);

    const resumed = await cs(['resume', '-d', 'own']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toContain('no conversation');
    await converse('own', 'after resume EPSILON');
    expect(requestFor('after resume EPSILON')).toContain('claude worktree DELTA');
    // The same conversation, and Claude went back into its own worktree.
    const [transcript, ...more] = transcripts(started.id);
    expect(more).toEqual([]);
    expect(transcript?.startsWith(`${slug(claudeWorktree)}/`)).toBe(true);
    const file = join(sandbox.root, 'sessions', started.id, 'config', 'projects', transcript as string);
    const cwds = readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line) => {
        try {
          return [(JSON.parse(line) as { cwd?: string }).cwd].filter(Boolean);
        } catch {
          return [];
        }
      });
    expect(cwds.at(-1)).toBe(claudeWorktree);
    await ok(['kill', 'own']);
  }, 180_000);
});
