import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, type Result, Sandbox, waitFor } from './support/sandbox.js';
import type { TmuxSession } from './support/tmux.js';

// Issue 10, items 10 (what `list` shows in the ID column reaches that session), 16 (`resume` by the
// conversation uuid Claude prints at exit) and 17 (`rm`, `rename`), with the fake claude.
let sandbox: Sandbox;
let project: string;
const terminals: TmuxSession[] = [];

beforeEach(() => {
  sandbox = new Sandbox();
  project = join(sandbox.dir, 'project');
  mkdirSync(project);
});
afterEach(async () => {
  for (const terminal of terminals.splice(0)) await terminal.kill();
  await sandbox.killSessions();
  sandbox.cleanup();
});

const cs = (args: string[], env: Record<string, string | undefined> = {}): Promise<Result> =>
  sandbox.run(args, { env, cwd: project });
const sessionDir = (id: string) => join(sandbox.root, 'sessions', id);
const _audit = () =>
  readFileSync(join(sandbox.root, 'audit.log'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { action: string; session?: string; name?: string; detail?: string });

/** `claude-session [--name NAME] -- -p x`: a session whose fake Claude wrote one conversation. */
async function create(name?: string): Promise<string> {
  const before = new Set(sandbox.sessionIds());
  const result = await cs([...(name ? ['--name', name] : []), '--', '-p', 'x']);
  expect(result.code, result.stderr).toBe(0);
  return sandbox.sessionIds().find((id) => !before.has(id)) as string;
}

/** The uuids of the conversations (transcripts) a session's config dir holds. */
function _conversations(id: string): string[] {
  const projects = join(sessionDir(id), 'config', 'projects');
  return readdirSync(projects).flatMap((folder) =>
    readdirSync(join(projects, folder))
      .filter((name) => name.endsWith('.jsonl'))
      .map((name) => name.slice(0, -'.jsonl'.length)),
  );
}

/** A session whose fake Claude keeps running in this terminal's place. */
async function _startRunning(name: string) {
  const child = spawn(CLI, ['--name', name, '--', '-p', 'long'], {
    cwd: project,
    env: sandbox.env({ FAKE_CLAUDE_SLEEP_MS: '60000' }),
    stdio: 'ignore',
  });
  const record = await waitFor(() => sandbox.records().find((r) => r.env.CLAUDE_SESSION_NAME === name));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, record, exited };
}

describe('the ID column reaches its session (item 10)', () => {
  it('refuses a name that looks like an id, and ids from 8 characters win over a name an older version allowed', async () => {
    const first = await create();
    const other = await create('other');
    const column = first.slice(0, 8);

    const named = await cs(['--name', column, '--', '-p', 'x']);
    expect(named.code).toBe(1);
    expect(named.stderr.trim()).toMatch(/^claude-session: invalid session name "[0-9a-f]{8}": it looks like/);
    expect(named.stderr.trim().split('\n')).toHaveLength(1);
    expect((await cs(['--name', column.toUpperCase(), '--', '-p', 'x'])).code).toBe(1);
    expect(sandbox.sessionIds()).toHaveLength(2);

    // A session named as another's ID column, as an older version allowed it.
    const file = join(sessionDir(other), 'session.json');
    writeFileSync(file, JSON.stringify({ ...sandbox.sessionRecord(other), name: column }));
    unlinkSync(join(sandbox.root, 'names', 'other'));
    symlinkSync(other, join(sandbox.root, 'names', column));
    const list = await cs(['list']);
    expect(list.stdout).toMatch(new RegExp(`^${column}\\s+-\\s`, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^${other.slice(0, 8)}\\s+${column}\\s`, 'm'));

    // What the ID column shows reaches that session, in every command.
    expect(JSON.parse((await cs(['show', column, '--json'])).stdout).id).toBe(first);
    expect((await cs(['pin', column])).stdout).toContain(`pinned session ${column}`);
    expect(sandbox.sessionRecord(first).pinned).toBe(true);
    expect(sandbox.sessionRecord(other).pinned).toBeUndefined();
    expect((await cs(['resume', column])).code).toBe(0);
    expect(sandbox.records().at(-1)?.env.CLAUDE_SESSION_ID).toBe(first);
  });
});
