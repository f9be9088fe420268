import { launcherPath } from './install-dir.js';
import { childProcess } from './lazy.js';

export interface OwnResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of our own commands (`claude-session kill ID`, `rm --dry-run ID`, ...) as a child, without
 * a terminal, and gives back what it printed: the dashboard does what the commands do, by running them.
 */
export function runOwnCommand(
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<OwnResult> {
  return new Promise((resolve) => {
    const child = childProcess().spawn(launcherPath(), args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => resolve({ code: 127, stdout: '', stderr: String(error) }));
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}
