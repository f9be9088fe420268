import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, isAlive, Sandbox, waitFor } from './support/sandbox.js';

// Starts in tmux interrupted at random moments (Ctrl-C, a dropped SSH connection, SIGKILL), as a user
// does: between `tmux new-session` and the pane's pid reaching the record, the record names the dying
// starter while Claude runs on in our tmux server. Every command must still see those sessions running:
// no orphans, no live Claude killed, no directory deleted under a running Claude (issue 10, item 5).
const STARTS = 60;
let sandbox: Sandbox;
const interactive = { FAKE_CLAUDE_INTERACTIVE: '1', FAKE_CLAUDE_REPLY_MS: '50' };

beforeAll(async () => {
  sandbox = new Sandbox();
  // Everything not running is cleanup's to remove at once, so a session wrongly seen as ended goes.
  mkdirSync(join(sandbox.home, '.config', 'claude-sessions'), { recursive: true });
  writeFileSync(
    join(sandbox.home, '.config', 'claude-sessions', 'config.json'),
    JSON.stringify({ cleanup: { olderThanDays: 0, emptyGraceHours: 0 }, limits: { maxSessions: 1000 } }),
  );
});
afterAll(async () => {
  await sandbox.killSessions();
  sandbox.cleanup();
});

/**
 * `new -d` in a process group of its own, hit with `signal` after `afterMs`, or (`'pane'`) the moment its
 * pane appears in our tmux server, the window itself whatever the machine's load; resolves when all of
 * it ended.
 */
async function interruptedStart(signal: NodeJS.Signals, afterMs: number | 'pane'): Promise<void> {
  const panes = panePids().length;
  const child = spawn(CLI, ['new', '-d'], {
    cwd: sandbox.dir,
    env: sandbox.env(interactive),
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (afterMs === 'pane') {
    let ended = false;
    void exited.then(() => {
      ended = true;
    });
    await waitFor(() => ended || panePids().length > panes, 30_000, 1);
  } else {
    await new Promise((resolve) => setTimeout(resolve, afterMs));
  }
  try {
    // The whole group, as a terminal's Ctrl-C or hang-up does: the launcher shell, Node and its tmux client.
    process.kill(-(child.pid as number), signal);
  } catch {}
  await exited;
  // Nothing of the start's own may outlive it; tmux and Claude are the pane's, in our server.
  await waitFor(() => {
    try {
      process.kill(-(child.pid as number), 0);
      return false;
    } catch {
      return true;
    }
  });
}

/** Pids of the fake Claudes running now, by session id. */
function runningClaudes(): Map<string, number> {
  const running = new Map<string, number>();
  for (const record of sandbox.records()) {
    if (isAlive(record.pid)) running.set(record.env.CLAUDE_SESSION_ID as string, record.pid);
  }
  return running;
}

/** The pane pids of our tmux server. */
function panePids(): number[] {
  const result = sandbox.tmux('list-panes', '-a', '-F', '#{pane_pid}');
  return result.code === 0 ? result.stdout.split('\n').filter(Boolean).map(Number) : [];
}

describe('starts in tmux interrupted at random moments', () => {
  it('leave no orphan: list, resume, attach, cleanup, the guard rails and doctor see every running Claude', async () => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGHUP', 'SIGKILL'];
    // The window that matters is inside a start, and how long a start takes depends on the machine's
    // load: time one whole start first and spread the interruptions over that.
    const began = Date.now();
    const calibration = await sandbox.run(['new', '-d'], { env: interactive });
    expect(calibration.code, calibration.stderr).toBe(0);
    const startMs = Date.now() - began;
    const settled = async () => {
      // What the panes run settles by itself: each launcher becomes the session's Claude.
      await waitFor(() => {
        const claudes = new Set(runningClaudes().values());
        return panePids().every((pid) => claudes.has(pid));
      });
      const running = runningClaudes();
      const hit = [...running.keys()].filter(
        (id) => sandbox.sessionRecord(id).process?.pid !== running.get(id),
      );
      return { running, hit };
    };
    // The random moments must hit the window at least once, else the run proves nothing: on a loaded
    // machine a few more batches are started until one does.
    let starts = 0;
    let outcome = { running: new Map<string, number>(), hit: [] as string[] };
    while (starts < STARTS || (outcome.hit.length === 0 && starts < 3 * STARTS)) {
      for (let i = 0; i < 20; i++, starts++) {
        // Every fifth at the moment the pane appears: the window is hit however loaded the machine is.
        await interruptedStart(
          signals[starts % signals.length] as NodeJS.Signals,
          starts % 5 === 4 ? 'pane' : Math.floor(Math.random() * startMs),
        );
      }
      outcome = await settled();
    }
    const before = outcome.running;
    const interrupted = outcome.hit;
    expect(before.size).toBeGreaterThan(0);
    expect(interrupted.length, 'no start was interrupted inside the window').toBeGreaterThan(0);

    const list = JSON.parse((await sandbox.run(['list', '--json'])).stdout) as {
      id: string;
      state: string;
      pid: number | null;
    }[];
    for (const [id, pid] of before) {
      expect(list.find((view) => view.id === id)).toMatchObject({ state: 'running', pid });
    }
    // Listing wrote nothing: the interrupted records still name their starters.
    for (const id of interrupted) expect(sandbox.sessionRecord(id).process?.pid).not.toBe(before.get(id));

    // The guard rails count them.
    const limited = join(sandbox.dir, 'limited.json');
    writeFileSync(limited, JSON.stringify({ limits: { maxSessions: before.size } }));
    const refused = await sandbox.run(['new', '-d'], { env: { CLAUDE_SESSION_CONFIG: limited } });
    expect(refused.code, refused.stderr).toBe(75);
    expect(refused.stderr).toContain(`${before.size} sessions are running`);

    // doctor sees each as a live session of its own.
    const doctor = JSON.parse((await sandbox.run(['doctor', '--json'])).stdout) as {
      findings: { check: string; status: string; session?: string }[];
    };
    for (const id of interrupted) {
      expect(doctor.findings.find((f) => f.check === 'session-env' && f.session === id)?.status).toBe('ok');
    }

    // resume refuses a running session and kills nothing; it repairs the record as it looks.
    for (const id of interrupted) {
      const resumed = await sandbox.run(['resume', id, '-d'], { env: interactive });
      expect(resumed.code).toBe(1);
      expect(resumed.stderr).toContain('is already running');
      expect(sandbox.sessionRecord(id).process?.pid).toBe(before.get(id));
    }

    const cleaned = await sandbox.run(['cleanup', '--yes', '--json']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    for (const [id, pid] of before) {
      expect(existsSync(join(sandbox.root, 'sessions', id)), `session ${id} was removed`).toBe(true);
      expect(isAlive(pid)).toBe(true);
    }
    expect(runningClaudes()).toEqual(before);
  }, 300_000);
});
