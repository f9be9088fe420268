import { spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
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
function conversations(id: string): string[] {
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

describe('resume by conversation (item 16)', () => {
  it("resumes exactly the conversation Claude's exit line names, in the session holding it, from anywhere", async () => {
    const holder = await create('holder');
    const [conversation] = conversations(holder) as [string];
    await create('neighbour');
    // A second conversation in the holder, the latest: `--continue` would pick this one.
    expect((await cs(['resume', 'holder', '--', '--session-id', crypto.randomUUID()])).code).toBe(0);
    expect(conversations(holder)).toHaveLength(2);

    const result = await sandbox.run(['resume', conversation, '--', '--model', 'opus'], {
      cwd: sandbox.home,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `conversation ${conversation} is in session "holder" (${holder.slice(0, 8)}): resuming it there`,
    );
    const resumed = sandbox.records().at(-1);
    expect(resumed?.argv.slice(2)).toEqual(['--resume', conversation, '--model', 'opus']);
    expect(resumed?.env.CLAUDE_CONFIG_DIR).toBe(join(sessionDir(holder), 'config'));
    expect(resumed?.cwd).toBe(project);
    // As Claude prints it, and in capitals: the same conversation.
    expect((await cs(['resume', conversation.toUpperCase()])).code).toBe(0);
    expect(sandbox.records().at(-1)?.argv.slice(2)).toEqual(['--resume', conversation]);
  });

  it('refuses a conversation two sessions hold, one combined with a conversation flag, or none; a session id wins', async () => {
    const a = await create('a');
    const b = await create('b');
    const [conversation] = conversations(a) as [string];
    const launches = () => sandbox.records().length;
    const before = launches();

    for (const flag of [
      ['--continue'],
      ['-c'],
      ['--resume', conversation],
      ['--session-id', crypto.randomUUID()],
    ]) {
      const combined = await cs(['resume', conversation, '--', ...flag]);
      expect(combined.code, flag.join(' ')).toBe(2);
      expect(combined.stderr).toMatch(/is resumed with --resume: leave out your own/);
    }
    const unknown = await cs(['resume', crypto.randomUUID()]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^claude-session: no session has the id or a conversation [0-9a-f-]{36}:/);

    // A copy of the transcript in b (a session dir copied by hand, say): which one is meant is unclear.
    const folder = project.replace(/[^a-zA-Z0-9]/g, '-');
    const transcript = (id: string, uuid: string) =>
      join(sessionDir(id), 'config', 'projects', folder, `${uuid}.jsonl`);
    copyFileSync(transcript(a, conversation), transcript(b, conversation));
    const twice = await cs(['resume', conversation]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`conversation ${conversation} is in 2 sessions`);
    expect(launches()).toBe(before);

    // A transcript that happens to be named like session b's id: the session wins.
    copyFileSync(transcript(a, conversation), transcript(a, b));
    expect((await cs(['resume', b])).code).toBe(0);
    const resumed = sandbox.records().at(-1);
    expect(resumed?.env.CLAUDE_SESSION_ID).toBe(b);
    expect(resumed?.argv.slice(2)).toEqual(['--continue']);
  });
});
