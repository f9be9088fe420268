import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { errorCode } from '../core/errors.js';

/**
 * Deletes moved-aside session dirs on worker threads while the main thread judges and moves the next
 * sessions: deleting is most of a cleanup's time (many small files and dirs; on a disk mounted with
 * `discard` each removed dir waits for the device). The workers use fs.rmSync, which never follows a
 * link. Resolves with the error code when a tree could not be deleted, else undefined.
 */
export interface Deleter {
  remove(path: string): Promise<string | undefined>;
  /** Sends what is queued; call after the last remove. */
  flush(): void;
  close(): Promise<void>;
}

/** Paths per message: a message to a worker costs tens of µs, as much as deleting a small session. */
const BATCH = 32;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { rmSync } = require('node:fs');
parentPort.on('message', (paths) => {
  const done = paths.map((path) => {
    try {
      rmSync(path, { recursive: true, force: true });
      return { path };
    } catch (caught) {
      return { path, error: (caught && caught.code) || String(caught) };
    }
  });
  parentPort.postMessage(done);
});
`;

/** `threads` workers (none: deletes on the calling thread, for a handful of sessions). */
export function startDeleter(threads: number): Deleter {
  const workers: Worker[] = [];
  const pending = new Map<string, (error: string | undefined) => void>();
  try {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on('message', (done: { path: string; error?: string }[]) => {
        for (const { path, error } of done) {
          pending.get(path)?.(error);
          pending.delete(path);
        }
      });
      worker.on('error', () => failAll(pending, 'worker failed'));
      workers.push(worker);
    }
  } catch {
    for (const worker of workers) void worker.terminate();
    workers.length = 0;
  }
  let next = 0;
  let batch: string[] = [];
  const flush = () => {
    const worker = workers[next++ % workers.length];
    if (batch.length > 0) worker?.postMessage(batch);
    batch = [];
  };
  return {
    remove(path) {
      if (workers.length === 0) return Promise.resolve(removeHere(path));
      return new Promise((resolve) => {
        pending.set(path, resolve);
        batch.push(path);
        if (batch.length >= BATCH) flush();
      });
    },
    flush,
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
      failAll(pending, 'interrupted');
    },
  };
}

function removeHere(path: string): string | undefined {
  try {
    rmSync(path, { recursive: true, force: true });
    return undefined;
  } catch (error) {
    return errorCode(error) ?? String(error);
  }
}

function failAll(pending: Map<string, (error: string | undefined) => void>, why: string): void {
  for (const resolve of pending.values()) resolve(why);
  pending.clear();
}
