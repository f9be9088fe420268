import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commit, GIT_ENV, git, makeRepo, writeFiles } from './support/git.js';
import { CLI, Sandbox, waitFor } from './support/sandbox.js';
import { startTmux, type TmuxSession } from './support/tmux.js';

// list, show, diff and merge of sessions with a worktree of their own (issue 12), with real git.

let sandbox: Sandbox;
let repo: string;
let panes: TmuxSession[] = [];
beforeEach(() => {
  sandbox = new Sandbox();
  repo = makeRepo(join(sandbox.dir, 'repo'), {
    'README.md': 'hello\n',
    'src/app.js': 'console.log(1)\n',
    '.gitignore': 'node_modules/\n',
  });
});
afterEach(async () => {
  for (const pane of panes) await pane.kill();
  panes = [];
  await sandbox.killSessions();
  sandbox.cleanup();
});

const cs = (args: string[], env: Record<string, string> = {}) =>
  sandbox.run(args, { cwd: repo, env: { ...GIT_ENV, ...env } });

/** A session started with `new --worktree` (the fake Claude ends at once): its id and worktree. */
async function start(name: string, extra: string[] = [], cwd = repo): Promise<{ id: string; path: string }> {
  const result = await sandbox.run(['new', '-w', '--name', name, ...extra, '--', '-p', 'hi'], {
    cwd,
    env: GIT_ENV,
  });
  expect(result.stderr).not.toContain('internal error');
  expect(result.code).toBe(0);
  const id = sandbox.sessionIds().find((each) => sandbox.sessionRecord(each).name === name) as string;
  const worktree = sandbox.sessionRecord(id).worktree as { path: string };
  return { id, path: worktree.path };
}

interface Listed {
  name: string | null;
  state: string;
  cwd: string;
  worktree: Record<string, unknown> | null;
}

async function listJson(): Promise<Map<string | null, Listed>> {
  const result = await cs(['list', '--json']);
  expect(result.stderr).not.toContain('internal error');
  expect(result.code).toBe(0);
  return new Map((JSON.parse(result.stdout) as Listed[]).map((view) => [view.name, view]));
}

const clean = {
  dirty: false,
  untracked: 0,
  changed: 0,
  stashes: 0,
  locked: false,
  problem: null,
  detail: null,
};

/** What a refused merge must leave: the checkout's HEAD, index, files and git state as they were. */
function checkoutState(dir = repo) {
  return {
    head: git(dir, 'rev-parse', 'HEAD'),
    status: git(dir, 'status', '--porcelain=v2', '--untracked-files=all'),
    files: git(dir, 'ls-files', '-s'),
    mergeHead: existsSync(join(dir, '.git', 'MERGE_HEAD')),
    branches: git(dir, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads'),
  };
}

describe('list and show', () => {
  it("show each worktree's branch and state: clean, dirty, untracked, ahead, behind; no BRANCH column without one", async () => {
    await sandbox.run(['new', '--name', 'plain', '--', '-p', 'hi'], { cwd: repo });
    const plainList = await cs(['list']);
    expect(plainList.stdout.split('\n')[0]).not.toContain('BRANCH');

    const behind = await start('behind');
    commit(repo, { 'MAIN.md': 'on main\n' }, 'main moves on');
    const cleanOne = await start('clean');
    const dirty = await start('dirty');
    writeFiles(dirty.path, { 'README.md': 'changed\n', 'src/app.js': 'console.log(2)\n' });
    const untracked = await start('untracked', [], join(repo, 'src'));
    writeFiles(untracked.path, { 'src/new.js': 'new\n', 'node_modules/x.js': 'ignored\n' });
    const ahead = await start('ahead');
    commit(ahead.path, { 'a.txt': 'one\n' }, 'first');
    commit(ahead.path, { 'b.txt': 'two\nlines\n' }, 'second');

    const views = await listJson();
    const tree = (session: { id: string; path: string }, name: string) => ({
      path: session.path,
      repo,
      branch: `claude-session/${name}`,
      base: 'main',
    });
    expect(views.get('plain')?.worktree).toBeNull();
    expect(views.get('clean')?.worktree).toEqual({
      ...tree(cleanOne, 'clean'),
      ...clean,
      ahead: 0,
      behind: 0,
      unpushed: 0,
    });
    expect(views.get('behind')?.worktree).toEqual({
      ...tree(behind, 'behind'),
      ...clean,
      ahead: 0,
      behind: 1,
      unpushed: 0,
    });
    expect(views.get('dirty')?.worktree).toEqual({
      ...tree(dirty, 'dirty'),
      ...clean,
      dirty: true,
      changed: 2,
      ahead: 0,
      behind: 0,
      unpushed: 0,
    });
    // Ignored files (node_modules/) are not counted; the session runs in the subfolder it was started in.
    expect(views.get('untracked')?.worktree).toEqual({
      ...tree(untracked, 'untracked'),
      ...clean,
      untracked: 1,
      ahead: 0,
      behind: 0,
      unpushed: 0,
    });
    expect(views.get('untracked')?.cwd).toBe(join(untracked.path, 'src'));
    expect(views.get('ahead')?.worktree).toEqual({
      ...tree(ahead, 'ahead'),
      ...clean,
      ahead: 2,
      behind: 0,
      unpushed: 2,
    });

    const table = (await cs(['list'])).stdout.split('\n');
    expect(table[0]).toMatch(/^ID +NAME +STATE +WHERE +STARTED +ACTIVE +PID +RSS +DISK +BRANCH +DIRECTORY$/);
    const row = (name: string) => table.find((line) => line.includes(` ${name} `)) ?? '';
    expect(row('plain')).toMatch(/ - +\S+repo$/);
    expect(row('clean')).toMatch(/ claude-session\/clean +\S+\/repo$/);
    expect(row('behind')).toContain(' claude-session/behind -1 ');
    expect(row('dirty')).toContain(' claude-session/dirty ~2 ');
    // DIRECTORY is the repository (and the subfolder), not the long worktree path.
    expect(row('untracked')).toMatch(/ claude-session\/untracked \?1 +\S+\/repo\/src$/);
    expect(row('ahead')).toContain(' claude-session/ahead +2 ');
    expect(table.join('\n')).not.toContain(join(sandbox.root, 'worktrees'));

    const shown = await cs(['show', 'ahead']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(
      [
        'worktree:',
        `  path:          ${ahead.path}`,
        `  repository:    ${repo}`,
        '  branch:        claude-session/ahead (based on main)',
        '  uncommitted:   none',
        '  commits:       2 ahead of main, 0 behind',
        '  diff:          2 files changed, +3 -0 against main (committed and not)',
        '  unpushed:      2 commits on no other branch or remote',
      ].join('\n'),
    );
    const dirtyShown = await cs(['show', 'dirty']);
    expect(dirtyShown.stdout).toContain('  uncommitted:   2 changed files\n');
    expect(dirtyShown.stdout).toContain('  diff:          2 files changed, +2 -2 against main');
    const json = JSON.parse((await cs(['show', 'ahead', '--json'])).stdout);
    expect(json.worktree).toEqual({
      ...views.get('ahead')?.worktree,
      diff: { files: 2, insertions: 3, deletions: 0 },
    });
    expect(JSON.parse((await cs(['show', 'plain', '--json'])).stdout).worktree).toBeNull();
    expect((await cs(['show', 'plain'])).stdout).not.toContain('worktree:');
  });

  it('report a worktree removed or moved by hand and a repository deleted, without failing; list --watch goes on', async () => {
    const gone = await start('gone');
    const moved = await start('moved');
    const other = makeRepo(join(sandbox.dir, 'other'));
    const lost = await start('lost', [], other);
    rmSync(gone.path, { recursive: true, force: true });
    git(repo, 'worktree', 'move', moved.path, join(sandbox.dir, 'moved-here'));
    rmSync(other, { recursive: true, force: true });

    const views = await listJson();
    expect(views.get('gone')?.worktree).toMatchObject({
      path: gone.path,
      problem: 'missing',
      detail: expect.stringContaining(`the worktree ${gone.path} was removed by hand`),
    });
    expect(views.get('moved')?.worktree).toMatchObject({
      path: join(sandbox.dir, 'moved-here'),
      problem: 'moved',
      dirty: false,
      untracked: 0,
    });
    expect(views.get('lost')?.worktree).toMatchObject({
      path: lost.path,
      repo: other,
      problem: 'repo-missing',
      detail: expect.stringContaining(`the repository ${other} is gone`),
    });

    const table = await cs(['list']);
    expect(table.code).toBe(0);
    expect(table.stderr).toBe('');
    expect(table.stdout).toContain('claude-session/gone (missing)');
    expect(table.stdout).toContain('claude-session/moved (moved)');
    expect(table.stdout).toContain('claude-session/lost (repo-missing)');

    for (const [name, problem] of [
      ['gone', 'missing: the worktree'],
      ['moved', 'moved: the worktree was moved to'],
      ['lost', `repo-missing: the repository ${other} is gone`],
    ] as const) {
      const shown = await cs(['show', name]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(`\n  problem:       ${problem}`);
    }
    const lostShown = (await cs(['show', 'lost'])).stdout;
    expect(lostShown).not.toContain('  uncommitted:');
    expect(lostShown).not.toContain('  diff:');

    const pane = await startTmux({ cmd: [CLI, 'list', '--watch'], env: sandbox.env(GIT_ENV), cwd: repo });
    panes.push(pane);
    await pane.waitFor(/claude-session\/lost \(repo-missing\)/);
    // It redraws: a new worktree session appears in the running watch.
    await start('later');
    await pane.waitFor(/claude-session\/later/);
    await pane.keys('C-c');
    await waitFor(async () => (await pane.exitStatus()) !== null);
  });
});

describe('diff', () => {
  it('shows what the session changed against its base, committed and not, names untracked files and passes git diff its arguments', async () => {
    const session = await start('work');
    commit(session.path, { 'src/app.js': 'console.log("committed")\n' }, 'in the session');
    writeFiles(session.path, { 'README.md': 'uncommitted\n', 'notes.txt': 'untracked\n' });
    // The base moving on after the session started is not the session's change.
    commit(repo, { 'MAIN.md': 'main only\n' }, 'main moves on');

    const result = await cs(['diff', 'work']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('+console.log("committed")');
    expect(result.stdout).toContain('-hello\n+uncommitted');
    expect(result.stdout).not.toContain('MAIN.md');
    expect(result.stdout).not.toContain('\x1b[');
    expect(result.stderr).toBe(
      `claude-session: 1 untracked file is not in the diff: notes.txt (\`git -C ${session.path} add -N FILE\` puts one in)\n`,
    );

    const stat = await cs(['diff', 'work', '--', '--stat']);
    expect(stat.code).toBe(0);
    expect(stat.stdout).toMatch(/README\.md +\| 2 \+-\n src\/app\.js +\| 2 \+-\n 2 files changed/);
    const only = await cs(['diff', 'work', '--', '--name-only', '--', 'src/']);
    expect(only.stdout).toBe('src/app.js\n');

    const json = JSON.parse((await cs(['diff', 'work', '--json'])).stdout);
    expect(json).toEqual({
      id: session.id,
      name: 'work',
      path: session.path,
      branch: 'claude-session/work',
      base: 'main',
      mergeBase: git(session.path, 'merge-base', 'main', 'HEAD'),
      files: [
        { path: 'README.md', insertions: 1, deletions: 1 },
        { path: 'src/app.js', insertions: 1, deletions: 1 },
      ],
      insertions: 2,
      deletions: 2,
      untracked: ['notes.txt'],
    });
  });

  it('refuses, in one line, a session without a worktree, one whose worktree is gone, --output and words before --', async () => {
    await sandbox.run(['new', '--name', 'plain', '--', '-p', 'hi'], { cwd: repo });
    const gone = await start('gone');
    const session = await start('work');
    rmSync(gone.path, { recursive: true, force: true });
    const written = join(sandbox.dir, 'written.diff');
    const cases: [string[], number, RegExp][] = [
      [
        ['diff', 'plain'],
        1,
        /^claude-session: session "plain" \(\w{8}\) has no worktree of its own \(it was started without --worktree\): nothing to diff; its directory is /,
      ],
      [
        ['diff', 'gone'],
        1,
        /^claude-session: session "gone" \(\w{8}\): missing: the worktree .* was removed by hand/,
      ],
      [
        ['diff', 'work', '--', `--output=${written}`],
        2,
        /^claude-session: git diff's --output writes a file/,
      ],
      [['diff', 'work', '--', '--stat', '--output', written], 2, /--output writes a file/],
      [
        ['diff', 'work', 'HEAD'],
        2,
        /^claude-session: unexpected "HEAD": arguments for git diff go after --$/,
      ],
      [['diff', 'work', '--json', '--', '--stat'], 2, /--json prints a summary/],
      [['diff', 'nobody'], 1, /^claude-session: no session "nobody"/],
    ];
    for (const [args, code, message] of cases) {
      const result = await cs(args);
      expect({ args, code: result.code }).toEqual({ args, code });
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(message);
    }
    expect(existsSync(written)).toBe(false);
    expect(session.path).toBeTruthy();
  });

  it("pages in git's pager on a terminal, in the user's language", async () => {
    const session = await start('long');
    const lines = Array.from({ length: 80 }, (_, i) => `ligne numéro ${i}`).join('\n');
    writeFiles(session.path, { 'README.md': `${lines}\n` });
    // sh only reports the exit status (tmux does not always learn it): CLI is its $0, not shell text.
    const pane = await startTmux({
      cmd: ['/bin/sh', '-c', '"$0" diff long; echo "exit status $?"', CLI],
      env: sandbox.env({ ...GIT_ENV, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', PAGER: 'less' }),
      cwd: repo,
      height: 20,
    });
    panes.push(pane);
    // The pager holds the screen (the diff is longer than it), and shows the letters as they are.
    const screen = await pane.waitFor(/\+ligne numéro 1\b/);
    expect(screen).not.toContain('<C3><A9>');
    expect(screen).not.toContain('ligne numéro 79');
    expect(screen).not.toContain('exit status');
    await pane.keys('q');
    await pane.waitFor(/^exit status 0$/m);
  });
});

describe('merge', () => {
  it("brings the session's commits into its base branch in the main checkout, once", async () => {
    const session = await start('fix');
    commit(session.path, { 'src/app.js': 'console.log("fixed")\n' }, 'fix it');
    const tip = commit(session.path, { 'TEST.md': 'tested\n' }, 'test it');
    // Untracked files in the main checkout do not stop a merge.
    writeFileSync(join(repo, 'scratch.txt'), 'mine\n');
    const before = git(repo, 'rev-parse', 'HEAD');

    const result = await cs(['merge', 'fix']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const merge = git(repo, 'rev-parse', 'HEAD');
    expect(result.stdout).toBe(
      `merged claude-session/fix into main in ${repo}: 2 commits, merge commit ${merge.slice(0, 12)}\n`,
    );
    // --no-ff: a merge commit, its parents the old main and the session's tip.
    expect(git(repo, 'rev-list', '--parents', '-n', '1', 'HEAD')).toBe(`${merge} ${before} ${tip}`);
    expect(git(repo, 'log', '-1', '--format=%s')).toBe("Merge branch 'claude-session/fix' into main");
    expect(readFileSync(join(repo, 'src', 'app.js'), 'utf8')).toBe('console.log("fixed")\n');
    expect(git(repo, 'status', '--porcelain')).toBe('?? scratch.txt');
    // The session and its worktree stay without --rm; its commits are now on main.
    expect(existsSync(session.path)).toBe(true);
    expect((await listJson()).get('fix')?.worktree).toMatchObject({ ahead: 0, behind: 1, unpushed: 0 });
    const audit = readFileSync(join(sandbox.root, 'audit.log'), 'utf8');
    expect(audit).toContain('"action":"merged"');

    const again = await cs(['merge', 'fix']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `claude-session: cannot merge session "fix" (${session.id.slice(0, 8)}): nothing to merge: claude-session/fix has no commits that main lacks (nothing was changed)\n`,
    );
  });

  it('refuses a dirty main checkout, a dirty session, a conflict, a base that is no branch or not checked out, changing nothing', async () => {
    const session = await start('fix');
    const label = `"fix" (${session.id.slice(0, 8)})`;
    commit(session.path, { 'README.md': 'from the session\n' }, 'session edit');
    const refused = async (args: string[], message: RegExp) => {
      const before = checkoutState();
      const result = await cs(args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(message);
      expect(result.stderr.trim()).toMatch(/\(nothing was changed\)$/);
      expect(checkoutState()).toEqual(before);
      expect(
        existsSync(join(sandbox.root, 'audit.log'))
          ? readFileSync(join(sandbox.root, 'audit.log'), 'utf8')
          : '',
      ).not.toContain('"merged"');
    };

    // The main checkout has uncommitted changes to a tracked file.
    writeFiles(repo, { 'src/app.js': 'work in progress\n' });
    await refused(
      ['merge', 'fix'],
      new RegExp(
        `^claude-session: cannot merge session ${label.replace(/[()]/g, '\\$&')}: ${repo}/? has uncommitted changes to 1 tracked file \\(src/app\\.js\\): commit or stash them there first`,
      ),
    );
    git(repo, 'checkout', '--', 'src/app.js');

    // The session's worktree has work that would not be in the merge.
    writeFiles(session.path, { 'src/app.js': 'not committed\n', 'new.txt': 'untracked\n' });
    await refused(
      ['merge', 'fix'],
      /has 1 file with uncommitted changes and 1 untracked file \(.*\), which would not be in the merge: commit them there first/,
    );
    git(session.path, 'checkout', '--', 'src/app.js');
    rmSync(join(session.path, 'new.txt'));

    // A conflict: found beforehand, the files named.
    commit(repo, { 'README.md': 'from main\n' }, 'main edit');
    await refused(
      ['merge', 'fix'],
      /: merging claude-session\/fix into main conflicts in README\.md: resolve it in the session \(`git -C \S+ merge main` or ask Claude to\), commit, then merge again/,
    );
    git(repo, 'reset', '-q', '--hard', 'HEAD~1');

    // A hook that stops the merge half-way: the merge is aborted, no MERGE_HEAD left.
    const hook = join(repo, '.git', 'hooks', 'pre-merge-commit');
    writeFileSync(hook, '#!/bin/sh\necho "hook says no" >&2\nexit 1\n', { mode: 0o755 });
    await refused(['merge', 'fix'], /git stopped the merge \(.*\): it was aborted/);
    rmSync(hook);

    // No checkout has the base branch checked out.
    git(repo, 'switch', '-q', '-c', 'elsewhere');
    await refused(
      ['merge', 'fix'],
      new RegExp(
        `: no checkout of ${repo} has main checked out: \`git -C ${repo} switch main\`, then merge again`,
      ),
    );
    git(repo, 'switch', '-q', 'main');

    // A session based on a commit has no branch to merge into.
    const detached = await start('detached', ['--base', git(repo, 'rev-parse', 'HEAD')]);
    commit(detached.path, { 'x.txt': 'x\n' }, 'x');
    await refused(
      ['merge', 'detached'],
      /: its base [0-9a-f]{12} is not a branch \(the session started from a commit or tag\)/,
    );

    // A session without a worktree.
    await sandbox.run(['new', '--name', 'plain', '--', '-p', 'hi'], { cwd: repo });
    const plain = await cs(['merge', 'plain']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/has no worktree of its own .*: nothing to merge/);

    // After all that, the merge goes through.
    expect((await cs(['merge', 'fix'])).code).toBe(0);
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('from the session\n');
  });

  it('--rm then removes the session with its worktree and branch, and is refused before merging for a running session', async () => {
    const session = await start('fix');
    const tip = commit(session.path, { 'fix.txt': 'fixed\n' }, 'fix');
    const result = await cs(['merge', 'fix', '--rm', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toEqual({
      id: session.id,
      name: 'fix',
      branch: 'claude-session/fix',
      base: 'main',
      checkout: repo,
      commits: 1,
      mergeCommit: git(repo, 'rev-parse', 'HEAD'),
      removed: {
        complete: true,
        diskBytes: expect.any(Number),
        worktree: 'removed',
        branch: 'deleted',
        lines: [
          expect.stringMatching(/^removed session "fix" \(\w{8}\), /),
          `removed its worktree ${session.path}`,
          'deleted its branch claude-session/fix (nothing on it was only there)',
        ],
      },
    });
    expect(git(repo, 'rev-parse', 'HEAD^2')).toBe(tip);
    expect(sandbox.sessionIds()).toEqual([]);
    expect(existsSync(session.path)).toBe(false);
    expect(git(repo, 'branch', '--list', 'claude-session/*')).toBe('');
    expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain(session.path);

    // A running session: nothing is merged, nothing removed.
    const running = await start('live');
    commit(running.path, { 'live.txt': 'live\n' }, 'live');
    const child = spawn(CLI, ['resume', 'live', '--', '-p', 'long'], {
      cwd: repo,
      env: sandbox.env({ ...GIT_ENV, FAKE_CLAUDE_SLEEP_MS: '60000' }),
      stdio: 'ignore',
    });
    try {
      await waitFor(async () => (await listJson()).get('live')?.state === 'running');
      const before = checkoutState();
      const refused = await cs(['merge', 'live', '--rm']);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toMatch(
        /^claude-session: cannot merge session "live" \(\w{8}\): with --rm it must not run, and it is running \(pid \d+\): `claude-session kill live` first, or merge without --rm \(nothing was changed\)$/,
      );
      expect(checkoutState()).toEqual(before);
      expect(existsSync(running.path)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
