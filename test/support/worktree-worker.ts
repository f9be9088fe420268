// Run in a child process by test/support/worktree-procs.ts (bundled with esbuild first): the worktree
// core as `new --worktree` uses it, in a process of its own, so that tests can start ten at once or run
// it as an ordinary user. Prints one JSON line: what it made, or the error.
import { isUserError } from '../../src/core/errors.js';
import { createWorktree, planWorktree } from '../../src/worktree/create.js';
import { findRepository } from '../../src/worktree/repository.js';

interface Job {
  action: 'find' | 'create';
  cwd: string;
  id?: string;
  branch?: string;
  base?: string | null;
  worktreesDir?: string;
  locksDir?: string;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
try {
  const repo = findRepository(job.cwd);
  if (job.action === 'find') {
    process.stdout.write(`${JSON.stringify({ repo })}\n`);
  } else {
    const plan = planWorktree({
      repo,
      id: job.id as string,
      branch: job.branch as string,
      base: job.base ?? null,
      worktreesDir: job.worktreesDir as string,
    });
    createWorktree(plan, job.locksDir as string);
    process.stdout.write(`${JSON.stringify({ plan })}\n`);
  }
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stdout.write(
    `${JSON.stringify({ error: message, userError: isUserError(error), exitCode: isUserError(error) ? error.exitCode : null })}\n`,
  );
  process.exitCode = 1;
}
