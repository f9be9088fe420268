import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { TestUser } from './user.js';

/**
 * The worktree core in processes of its own (test/support/worktree-worker.ts, bundled once with
 * esbuild): ten starts at once in one repository, or one as an ordinary user.
 */
export interface Workers {
  run(
    job: Record<string, unknown>,
    options?: { env?: NodeJS.ProcessEnv; asUser?: TestUser },
  ): Promise<WorkerResult>;
  close(): void;
}

export interface WorkerResult {
  code: number | null;
  output: Record<string, unknown>;
  stderr: string;
}

export async function bundleWorkers(): Promise<Workers> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-worker-'));
  chmodSync(dir, 0o755); // an ordinary user runs it too
  const outfile = join(dir, 'worker.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'worktree-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o644);
  return {
    run: (job, options = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [outfile, JSON.stringify(job)], {
          env: options.env ?? process.env,
          stdio: ['ignore', 'pipe', 'pipe'],
          ...(options.asUser ? { uid: options.asUser.uid, gid: options.asUser.gid } : {}),
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
        });
        child.stderr.on('data', (chunk) => {
          stderr += chunk;
        });
        child.once('error', reject);
        child.once('close', (code) => {
          try {
            resolve({ code, output: JSON.parse(stdout), stderr });
          } catch {
            reject(new Error(`worker printed no JSON (status ${code}): ${stdout}${stderr}`));
          }
        });
      }),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A FIFO at `path` (Node has no mkfifo). */
export function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}
