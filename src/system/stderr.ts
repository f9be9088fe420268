import { writeSync } from 'node:fs';

/**
 * Writes to stderr through its file descriptor: the first touch of `process.stderr` loads node:stream
 * and its kin (about 3 ms), and the launch path prints its notices here. Writes are synchronous either
 * way on Linux (files, pipes, terminals), so the order of output is kept. Stderr closed under us
 * (EPIPE) ends the process quietly, as the stream's error handler did; a non-blocking descriptor that
 * is full (EAGAIN) hands the rest to the stream, which waits for it.
 */
export function writeStderr(text: string): void {
  const bytes = Buffer.from(text);
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(2, bytes, written);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(0);
      if (code !== 'EAGAIN') throw error;
      process.stderr.write(bytes.subarray(written));
      return;
    }
  }
}
