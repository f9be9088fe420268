import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { git } from '../src/system/git.js';
import { bundleWorkers } from './support/worktree-procs.js';

// Ten starts with --worktree in one repository take turns on a lock of ours; each `git worktree add`
// of a large repository takes a second or more, so the last ones wait longer than our locks' usual
// 10 s. Here a post-checkout hook (git runs it at the end of every `worktree add`) stands in for the
// checkout of a large tree. Before the wait was made as long as the adds take, 3 of the 10 failed
// with "timed out waiting for lock".
const TMP = mkdtempSync(join(tmpdir(), 'cs-lock-wait-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

it('ten starts at once in a repository whose worktrees take over a second each all get one', async () => {
  const env = {
    PATH: process.env.PATH,
    HOME: TMP,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  };
  const repo = join(TMP, 'project');
  mkdirSync(repo);
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['commit', '-q', '--allow-empty', '-m', 'first'],
  ]) {
    expect(git(repo, args, { env }).ok).toBe(true);
  }
  const hook = join(repo, '.git', 'hooks', 'post-checkout');
  writeFileSync(hook, '#!/bin/sh\nsleep 1.2\n');
  chmodSync(hook, 0o755);
  const workers = await bundleWorkers();
  try {
    const jobs = Array.from({ length: 10 }, (_, i) => ({
      action: 'create',
      cwd: repo,
      id: `id${i}`,
      branch: `claude-session/c${i}`,
      worktreesDir: join(TMP, 'root', 'worktrees'),
      locksDir: join(TMP, 'root', 'locks'),
    }));
    const results = await Promise.all(jobs.map((job) => workers.run(job, { env })));
    expect(results.map((result) => result.output.error ?? null)).toEqual(jobs.map(() => null));
    const list = git(repo, ['worktree', 'list', '--porcelain'], { env }).stdout;
    expect(list.split('\n').filter((line) => line.startsWith('worktree '))).toHaveLength(11);
  } finally {
    workers.close();
  }
});
