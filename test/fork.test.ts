import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox, snapshot } from './support/sandbox.js';

// `fork` with the fake Claude: what it copies, where the fork runs, what it refuses. The real Claude
// forking in a worktree is in worktree-real.test.ts.
let sandbox: Sandbox;
let repo: string;

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

beforeEach(() => {
  sandbox = new Sandbox();
  repo = join(sandbox.dir, 'app');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'README'), 'hello\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'first');
});
afterEach(() => sandbox.cleanup());

const cs = (args: string[], env: Record<string, string> = {}, cwd = repo) => sandbox.run(args, { cwd, env });

function configDir(id: string): string {
  return join(sandbox.root, 'sessions', id, 'config');
}

/** The session's transcripts, as `folder/file` paths. */
function transcripts(id: string): string[] {
  const projects = join(configDir(id), 'projects');
  if (!existsSync(projects)) return [];
  return readdirSync(projects).flatMap((folder) =>
    readdirSync(join(projects, folder))
      .filter((name) => name.endsWith('.jsonl'))
      .map((name) => `${folder}/${name}`),
  );
}

const slug = (path: string) => path.replace(/[^a-zA-Z0-9]/g, '-');

function newIds(before: string[]): string[] {
  return sandbox.sessionIds().filter((id) => !before.includes(id));
}

describe('fork', () => {
  it("continues a copy of the source's latest conversation in a new worktree branched from the source's branch", async () => {
    const started = await cs(['new', '-n', 'src', '-w']);
    expect(started.code, started.stderr).toBe(0);
    const [source] = sandbox.sessionIds() as [string];
    const sourceRecord = sandbox.sessionRecord(source) as unknown as {
      worktree: { path: string; branch: string };
    };
    const [transcript] = transcripts(source) as [string];
    const uuid = transcript.split('/')[1]?.replace('.jsonl', '') as string;
    // The source went on meanwhile: a commit on its branch, and a line being written at this moment.
    writeFileSync(join(sourceRecord.worktree.path, 'work.txt'), 'done\n');
    git(sourceRecord.worktree.path, 'add', '.');
    git(sourceRecord.worktree.path, 'commit', '-q', '-m', 'work of src');
    const tip = git(sourceRecord.worktree.path, 'rev-parse', 'HEAD');
    const sourceFile = join(configDir(source), 'projects', transcript);
    appendFileSync(sourceFile, '{"type":"assistant","half');
    const sourceBefore = readFileSync(sourceFile, 'utf8');

    // Typed from anywhere: the fork works where its source does.
    const forked = await cs(['fork', 'src', '-n', 'alt', '--', '-p', 'go on'], {}, sandbox.home);
    expect(forked.code, forked.stderr).toBe(0);
    expect(forked.stderr).toContain(`claude-session: forking conversation ${uuid} of session "src"`);
    const [fork] = newIds([source]) as [string];
    const record = sandbox.sessionRecord(fork) as unknown as Record<string, unknown> & {
      cwd: string;
      worktree: Record<string, unknown>;
    };
    expect(record.name).toBe('alt');
    expect(record.forkedFrom).toEqual({ session: source, conversation: uuid });
    expect(record.worktree).toMatchObject({
      repo,
      branch: 'claude-session/alt',
      base: sourceRecord.worktree.branch,
      baseCommit: tip,
      createdBranch: true,
      path: join(sandbox.root, 'worktrees', fork, 'app'),
    });
    expect(record.cwd).toBe(record.worktree.path);
    expect(git(record.cwd, 'rev-parse', 'HEAD')).toBe(tip);
    expect(git(record.cwd, 'branch', '--show-current')).toBe('claude-session/alt');
    expect(readFileSync(join(record.cwd, 'work.txt'), 'utf8')).toBe('done\n');

    const claude = sandbox.records().at(-1);
    expect(claude?.cwd).toBe(record.cwd);
    expect(claude?.env.CLAUDE_CONFIG_DIR).toBe(configDir(fork));
    expect(claude?.argv.slice(2)).toEqual(['--resume', uuid, '--fork-session', '-p', 'go on']);
    // The copy, under the fork's own folder, whole lines only; the source's transcript as it was.
    const copy = join(configDir(fork), 'projects', slug(record.cwd), `${uuid}.jsonl`);
    expect(readFileSync(copy, 'utf8')).toBe(sourceBefore.slice(0, sourceBefore.lastIndexOf('\n') + 1));
    expect(readFileSync(sourceFile, 'utf8')).toBe(sourceBefore);

    // The source's conversation by its uuid is still the source's, though the fork holds a copy.
    const resumed = await cs(['resume', uuid]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`conversation ${uuid} is in session "src"`);
    expect(sandbox.records().at(-1)?.env.CLAUDE_SESSION_ID).toBe(source);
  });

  it('a fork whose Claude ended before forking is forked again by resume, then continued', async () => {
    expect((await cs(['new', '-n', 'src', '-w'])).code).toBe(0);
    const [source] = sandbox.sessionIds() as [string];
    const uuid = (transcripts(source)[0] as string).split('/')[1]?.replace('.jsonl', '');
    // The real Claude writes its forked transcript only at the first prompt.
    expect((await cs(['fork', 'src', '-n', 'alt'], { FAKE_CLAUDE_NO_WRITE: '1' })).code).toBe(0);
    const again = await cs(['resume', 'alt']);
    expect(again.code, again.stderr).toBe(0);
    expect(sandbox.records().at(-1)?.argv.slice(2)).toEqual(['--resume', uuid, '--fork-session']);
    // Now it has its own conversation (the fake writes one at every start).
    expect((await cs(['resume', 'alt'])).code).toBe(0);
    expect(sandbox.records().at(-1)?.argv.slice(2)).toEqual(['--continue']);
  });

  it('a source in the checkout itself gets a fork in a worktree from its branch; outside git, only with --no-worktree', async () => {
    expect((await cs(['new', '-n', 'plain'])).code).toBe(0);
    writeFileSync(join(repo, 'README'), 'changed\n');
    const forked = await cs(['fork', 'plain', '-d', '--no-wait', '--json'], {}, sandbox.home);
    expect(forked.code, forked.stderr).toBe(0);
    expect(forked.stderr).toContain(
      `claude-session: ${repo} has 1 uncommitted change, which the fork does not get: it starts from the last commit of main (commit first to take them along)`,
    );
    const json = JSON.parse(forked.stdout);
    expect(json.worktree).toEqual({
      path: join(sandbox.root, 'worktrees', json.id, 'app'),
      branch: `claude-session/${json.id.slice(0, 8)}`,
      base: 'main',
    });
    await sandbox.killSessions();

    const folder = join(sandbox.dir, 'notes');
    mkdirSync(folder);
    expect((await cs(['new', '-n', 'notes'], {}, folder)).code).toBe(0);
    const before = snapshot(join(sandbox.root, 'sessions'));
    const refused = await cs(['fork', 'notes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^claude-session: session "notes" \([0-9a-f]{8}\) works in .*\/notes, which is not in a git repository, so a fork cannot have its own worktree: `claude-session fork notes --no-worktree` forks the conversation in that same folder\n$/,
    );
    expect(snapshot(join(sandbox.root, 'sessions'))).toBe(before);
    const same = await cs(['fork', 'notes', '--no-worktree', '-n', 'notes2']);
    expect(same.code, same.stderr).toBe(0);
    expect(sandbox.records().find((claude) => claude.env.CLAUDE_SESSION_NAME === 'notes2')?.cwd).toBe(folder);
    const record = sandbox.sessionRecord(
      sandbox.sessionIds().find((id) => sandbox.sessionRecord(id).name === 'notes2') as string,
    );
    expect(record.worktree).toBeUndefined();
  });

  it('refuses clearly, and leaves nothing behind: no conversation, a shared worktree, its own --resume, a taken name', async () => {
    expect((await cs(['new', '-n', 'empty', '-w'], { FAKE_CLAUDE_NO_WRITE: '1' })).code).toBe(0);
    expect((await cs(['new', '-n', 'src', '-w'])).code).toBe(0);
    const before = snapshot(sandbox.root);
    const branches = git(repo, 'branch', '--list');
    const cases: [string[], number, RegExp][] = [
      [
        ['fork', 'empty'],
        1,
        /has no conversation to fork yet: give it a prompt first \(`claude-session attach empty`\)$/,
      ],
      [
        ['fork', 'src', '--no-worktree'],
        2,
        /has its own worktree \(.*\), which a fork may not share: leave out --no-worktree$/,
      ],
      [['fork', 'src', '--', '--continue'], 2, /leave out your own --continue, --resume or --session-id$/],
      [['fork', 'src', '-n', 'empty'], 1, /a session named "empty" exists/],
      [['fork', 'nosuch'], 1, /no session/],
      [['fork', 'src', '-w', '-bad'], 2, /invalid branch name/],
      [['fork', 'src', 'stray'], 2, /unexpected "stray": arguments for Claude go after --/],
    ];
    for (const [args, code, message] of cases) {
      const result = await cs(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(code);
      expect(result.stderr.trimEnd().split('\n').at(-1)).toMatch(message);
    }
    expect(snapshot(sandbox.root)).toBe(before);
    expect(git(repo, 'branch', '--list')).toBe(branches);
  });

  it("resume finds a conversation kept outside the session's folder (Claude's own -w) by its uuid", async () => {
    expect((await cs(['new', '-n', 'own'])).code).toBe(0);
    const [id] = sandbox.sessionIds() as [string];
    const projects = join(configDir(id), 'projects');
    const [file] = readdirSync(join(projects, slug(repo)));
    // Where Claude 2.1.332 keeps a `claude -w foo` conversation: its worktree's folder.
    renameSync(join(projects, slug(repo)), join(projects, slug(join(repo, '.claude', 'worktrees', 'foo'))));
    const resumed = await cs(['resume', 'own']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toContain('no conversation');
    expect(sandbox.records().at(-1)?.argv.slice(2)).toEqual(['--resume', file?.replace('.jsonl', '')]);
  });
});
