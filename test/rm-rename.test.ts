import { spawn } from 'node:child_process';
import {
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, type Result, Sandbox, snapshot, waitFor } from './support/sandbox.js';
import { startTmux, type TmuxSession } from './support/tmux.js';

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
const audit = () =>
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
async function startRunning(name: string) {
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

describe('rm (item 17)', () => {
  it('removes the sessions named with their names, audit-logged; --dry-run writes nothing', async () => {
    const a = await create('a');
    const b = await create();
    const c = await create('c');
    const before = snapshot(sandbox.root);
    const dry = await cs(['rm', 'a', b.slice(0, 8), '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      new RegExp(
        `^would remove session "a" \\(${a.slice(0, 8)}\\), \\S+\\nwould remove session ${b.slice(0, 8)}, \\S+\\ndry run: nothing was changed\\n$`,
      ),
    );
    const dryJson = JSON.parse((await cs(['rm', 'a', b, '--dry-run', '--json'])).stdout);
    expect(dryJson).toMatchObject({
      dryRun: true,
      wouldRemove: [
        { id: a, name: 'a' },
        { id: b, name: null },
      ],
    });
    expect(snapshot(sandbox.root)).toBe(before);

    // Named twice (by name and by id) it is removed once.
    const result = await cs(['rm', 'a', b, a, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ dryRun: false, removed: [{ id: a }, { id: b }], failed: [] });
    expect(json.freedBytes).toBeGreaterThan(0);
    expect(sandbox.sessionIds()).toEqual([c]);
    expect(readdirSync(join(sandbox.root, 'names'))).toEqual(['c']);
    expect(readdirSync(join(sandbox.root, 'sessions')).filter((name) => name.startsWith('.'))).toEqual([]);
    const removed = audit().filter((entry) => entry.action === 'removed');
    expect(removed.map((entry) => [entry.session, entry.detail])).toEqual([
      [a, 'by rm'],
      [b, 'by rm'],
    ]);
    expect((await cs(['resume', 'a'])).stderr).toContain('no session "a"');
    // The name is free again.
    expect((await cs(['--name', 'a', '--', '-p', 'x'])).code).toBe(0);
  });

  it('checks every session first: a running, pinned or unknown one stops them all; --force ends a running Claude as kill does', async () => {
    const plain = await create('plain');
    const kept = await create('kept');
    expect((await cs(['pin', 'kept'])).code).toBe(0);
    const running = await startRunning('live');
    try {
      const before = snapshot(sandbox.root);
      const refusals: [string[], RegExp][] = [
        [
          ['plain', 'live'],
          /^claude-session: session "live" \(\w{8}\) is running \(pid \d+\): `claude-session kill live` ends it, or --force ends it and removes it \(nothing was removed\)$/,
        ],
        [
          ['plain', 'kept'],
          /^claude-session: session "kept" \(\w{8}\) is pinned: `claude-session unpin kept` first, or --force \(nothing was removed\)$/,
        ],
        [['plain', 'nope'], /^claude-session: no session "nope": .* \(nothing was removed\)$/],
        // Several refused: one line each, then that nothing was removed.
        [
          ['plain', 'kept', 'live', '--dry-run'],
          /^claude-session: session "kept" .* is pinned: [^\n]*\nclaude-session: session "live" .* is running [^\n]*\nclaude-session: nothing was removed$/,
        ],
      ];
      for (const [args, message] of refusals) {
        const result = await cs(['rm', ...args]);
        expect(result.code, args.join(' ')).toBe(1);
        expect(result.stderr.trim()).toMatch(message);
        expect(result.stdout).toBe('');
      }
      expect(snapshot(sandbox.root)).toBe(before);

      const dry = await cs(['rm', 'live', '--force', '--dry-run']);
      expect(dry.stdout).toContain(
        `would end its Claude (pid ${running.record.pid}) and remove session "live"`,
      );
      expect(existsSync(join(sandbox.log, `${running.record.pid}.sigterm`))).toBe(false);

      const forced = await cs(['rm', 'live', 'kept', 'plain', '--force']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stdout).toMatch(/^ended its Claude \(pid \d+\) and removed session "live"/);
      expect(await running.exited).toBe(143);
      expect(existsSync(join(sandbox.log, `${running.record.pid}.sigterm`))).toBe(true);
      expect(sandbox.sessionIds()).toEqual([]);
      expect(existsSync(join(sandbox.root, 'live')) ? readdirSync(join(sandbox.root, 'live')) : []).toEqual(
        [],
      );
      const entries = audit();
      expect(entries.find((entry) => entry.action === 'killed')).toMatchObject({
        name: 'live',
        detail: expect.stringMatching(/SIGTERM/),
      });
      const removed = entries.filter((entry) => entry.action === 'removed');
      expect(removed.map((entry) => entry.session).sort()).toEqual(
        [plain, kept, running.record.env.CLAUDE_SESSION_ID].sort(),
      );
      expect(removed.find((entry) => entry.session === kept)?.detail).toBe('by rm (pinned, --force)');
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  it('never removes a session dir that is a link or belongs to another user, even with --force', async () => {
    const linked = await create('linked');
    const foreign = await create('foreign');
    // The session dir moved elsewhere, a link left in its place.
    const elsewhere = join(sandbox.dir, 'elsewhere');
    renameSync(sessionDir(linked), elsewhere);
    symlinkSync(elsewhere, sessionDir(linked));
    chownSync(sessionDir(foreign), 54321, 54321);
    const before = snapshot(elsewhere);

    const link = await cs(['rm', linked, '--force']);
    expect(link.code).toBe(1);
    expect(link.stderr).toMatch(
      /the session dir is a symbolic link: not ours to delete \(nothing was removed\)/,
    );
    const other = await cs(['rm', 'foreign', '--force']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/the session dir belongs to uid 54321: not ours to delete/);
    expect(readlinkSync(sessionDir(linked))).toBe(elsewhere);
    expect(snapshot(elsewhere)).toBe(before);
    expect(existsSync(sessionDir(foreign))).toBe(true);
  });
});

describe('rename (item 17)', () => {
  it('moves the name under the locks, writes the record and the audit; refuses a taken or bad name', async () => {
    const id = await create('old');
    await create('taken');
    const refusals: [string[], RegExp][] = [
      [['old', 'taken'], /^claude-session: the name "taken" is taken by session \w{8}: choose another/],
      [['old', 'a/b'], /^claude-session: invalid session name "a\/b": use 1-64 letters/],
      [['old', 'deadbeef'], /^claude-session: invalid session name "deadbeef": it looks like a session id/],
      [['nope', 'fresh'], /^claude-session: no session "nope"/],
    ];
    const before = snapshot(sandbox.root);
    for (const [args, message] of refusals) {
      const result = await cs(['rename', ...args]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr.trim()).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(snapshot(sandbox.root)).toBe(before);

    const result = await cs(['rename', 'old', 'new']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`renamed session ${id.slice(0, 8)} from "old" to "new"\n`);
    expect(sandbox.sessionRecord(id).name).toBe('new');
    expect(readdirSync(join(sandbox.root, 'names')).sort()).toEqual(['new', 'taken']);
    expect(readlinkSync(join(sandbox.root, 'names', 'new'))).toBe(id);
    expect(audit().at(-1)).toMatchObject({
      action: 'renamed',
      session: id,
      name: 'new',
      detail: 'from "old"',
    });
    expect((await cs(['resume', 'new'])).code).toBe(0);
    expect(sandbox.records().at(-1)?.env.CLAUDE_SESSION_NAME).toBe('new');
    expect((await cs(['resume', 'old'])).code).toBe(1);
    // The old name is free for a new session; a session without a name gets one.
    expect((await cs(['--name', 'old', '--', '-p', 'x'])).code).toBe(0);
    const unnamed = await create();
    expect((await cs(['rename', unnamed, 'named'])).stdout).toBe(
      `renamed session ${unnamed.slice(0, 8)} to "named"\n`,
    );
    expect((await cs(['rename', 'named', 'named'])).stdout).toContain('already has that name');
  });
});

describe('in tmux', () => {
  const interactive = { FAKE_CLAUDE_INTERACTIVE: '1', FAKE_CLAUDE_REPLY_MS: '300' };
  const tcs = (args: string[]) => cs(args, interactive);

  async function started(name: string): Promise<{ id: string; pid: number }> {
    const result = await tcs(['new', '--detach', '--json', '--name', name]);
    expect(result.code, result.stderr).toBe(0);
    const { id, pid } = JSON.parse(result.stdout);
    await waitFor(() => sandbox.records().some((record) => record.pid === pid));
    return { id, pid };
  }

  async function terminal(args: string[]): Promise<TmuxSession> {
    const opened = await startTmux({ cmd: [CLI, ...args], env: sandbox.env(interactive), cwd: project });
    terminals.push(opened);
    return opened;
  }

  it('a session renamed while it runs shows its new name in its status line and its waiting message', async () => {
    const watched = await started('watched');
    const alone = await started('alone');
    expect((await tcs(['rename', 'alone', 'lonely'])).code).toBe(0);
    expect(sandbox.tmux('show-options', '-v', '-t', `=${alone.id}:`, 'status-left').stdout).toBe(
      '[lonely] \n',
    );
    const screen = await terminal(['attach', 'watched']);
    await waitFor(() => sandbox.tmux('list-clients', '-F', '#{session_name}').stdout.trim() === watched.id);
    expect((await tcs(['send', 'lonely', 'NEED-PERMISSION'])).code).toBe(0);
    await screen.waitFor(
      /claude-session: lonely is waiting for you \(claude-session attach lonely\)/,
      10_000,
    );
  });

  it('attach with a conversation uuid resumes exactly it in tmux; rm --force ends the session and its tmux session', async () => {
    const { id, pid } = await started('chat');
    const [conversation] = conversations(id) as [string];
    expect((await tcs(['kill', 'chat'])).code).toBe(0);
    // A second conversation, the latest: plain `attach chat` would continue this one.
    expect((await tcs(['resume', 'chat', '--detach', '--', '--session-id', crypto.randomUUID()])).code).toBe(
      0,
    );
    expect((await tcs(['kill', 'chat'])).code).toBe(0);

    await terminal(['attach', conversation]);
    const resumed = await waitFor(() =>
      sandbox.records().find((record) => record.pid !== pid && record.argv.includes('--resume')),
    );
    expect(resumed.argv.slice(2)).toEqual(['--resume', conversation]);
    expect(resumed.env.CLAUDE_SESSION_ID).toBe(id);
    await waitFor(() => sandbox.tmux('list-clients', '-F', '#{session_name}').stdout.trim() === id);

    const removed = await tcs(['rm', 'chat', '--force', '--json']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ removed: [{ id, endedPid: resumed.pid }] });
    expect(sandbox.tmux('has-session', '-t', `=${id}`).code).not.toBe(0);
    expect(sandbox.sessionIds()).toEqual([]);
  });
});
