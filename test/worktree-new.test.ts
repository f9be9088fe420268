import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commit, git, makeRepo } from './support/git.js';
import { Sandbox } from './support/sandbox.js';
import { ordinaryUser } from './support/user.js';

let sandbox: Sandbox;
let repo: string;
beforeEach(() => {
  sandbox = new Sandbox();
  repo = makeRepo(join(sandbox.dir, 'repo'), {
    'README.md': 'hello\n',
    '.gitignore': '.env\nnode_modules/\n',
    '.worktreeinclude': '.env\nREADME.md\n',
    'src/app/main.js': 'console.log(1)\n',
  });
  writeFileSync(join(repo, '.env'), 'SECRET=1\n');
});
afterEach(async () => {
  await sandbox.killSessions();
  sandbox.cleanup();
});

const worktreesDir = () => join(sandbox.root, 'worktrees');
const worktreeList = (dir = repo) => git(dir, 'worktree', 'list', '--porcelain');
const branches = (dir = repo) => git(dir, 'branch', '--format=%(refname:short)').split('\n').sort();

/** Nothing of a refused start is left: no session, no worktree, no new branch, git's list unchanged. */
function expectNothingLeft(before: { list: string; branches: string[] }, dir = repo): void {
  expect(sandbox.sessionIds()).toEqual([]);
  expect(existsSync(worktreesDir()) ? readdirSync(worktreesDir()) : []).toEqual([]);
  expect(worktreeList(dir)).toBe(before.list);
  expect(branches(dir)).toEqual(before.branches);
}

function trustInBase(folder: string): void {
  const path = join(sandbox.home, '.claude.json');
  const json = JSON.parse(readFileSync(path, 'utf8'));
  json.projects = { [folder]: { hasTrustDialogAccepted: true } };
  writeFileSync(path, JSON.stringify(json));
}

describe('new --worktree', () => {
  it('runs the session in a new worktree of the repository, in the subfolder the user was in', async () => {
    trustInBase(repo);
    const result = await sandbox.run(['new', '--worktree', '--name', 'fix', '--', '-p', 'hi'], {
      cwd: join(repo, 'src', 'app'),
    });
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(0);
    const [id] = sandbox.sessionIds();
    const path = join(worktreesDir(), id as string, 'repo');
    const record = sandbox.sessionRecord(id as string);
    expect(record.worktree).toEqual({
      repo,
      gitDir: join(repo, '.git'),
      path,
      branch: 'claude-session/fix',
      base: 'main',
      baseCommit: git(repo, 'rev-parse', 'HEAD'),
      createdBranch: true,
    });
    expect(record.cwd).toBe(join(path, 'src', 'app'));
    // Claude ran there, on the new branch.
    expect(sandbox.records()[0]?.cwd).toBe(join(path, 'src', 'app'));
    expect(git(path, 'symbolic-ref', '--short', 'HEAD')).toBe('claude-session/fix');
    // Private, like the sessions.
    expect(statSync(join(worktreesDir(), id as string)).mode & 0o777).toBe(0o700);
    // .worktreeinclude: the ignored file is copied, a tracked one it names is not copied over.
    expect(readFileSync(join(path, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(git(path, 'status', '--porcelain')).toBe('');
    // The user's checkout is untouched (no folder of ours inside it).
    expect(git(repo, 'status', '--porcelain', '--ignored')).toBe('!! .env');
    // The repository is trusted in the base, so its worktree is too.
    const claudeJson = JSON.parse(
      readFileSync(join(sandbox.root, 'sessions', id as string, 'config', '.claude.json'), 'utf8'),
    );
    expect(claudeJson.projects[path]).toEqual({ hasTrustDialogAccepted: true });
  });

  it('grants no trust for a worktree of a repository the user never trusted', async () => {
    trustInBase(join(sandbox.dir, 'elsewhere'));
    const result = await sandbox.run(['new', '-w', '--', '-p', 'hi'], { cwd: repo });
    expect(result.code).toBe(0);
    const [id] = sandbox.sessionIds();
    const claudeJson = JSON.parse(
      readFileSync(join(sandbox.root, 'sessions', id as string, 'config', '.claude.json'), 'utf8'),
    );
    const trusted = Object.entries(claudeJson.projects ?? {})
      .filter(([, settings]) => (settings as { hasTrustDialogAccepted?: boolean }).hasTrustDialogAccepted)
      .map(([folder]) => folder);
    expect(trusted).toEqual([join(sandbox.dir, 'elsewhere')]);
  });

  it('names the branch after the session id without a name, uses an existing branch as it is, and starts from --base', async () => {
    const first = await sandbox.run(['new', '-w', '--', '-p', 'hi'], { cwd: repo });
    expect(first.code).toBe(0);
    const [id] = sandbox.sessionIds();
    expect(sandbox.sessionRecord(id as string).worktree).toMatchObject({
      branch: `claude-session/${(id as string).slice(0, 8)}`,
    });

    const main = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'branch', 'feature');
    const feature = commit(repo, { 'later.txt': 'later\n' }, 'later on main');
    const existing = await sandbox.run(['new', '--worktree', 'feature', '--', '-p', 'hi'], { cwd: repo });
    expect(existing.stderr).not.toContain('internal error');
    expect(existing.code).toBe(0);
    const second = sandbox.sessionIds().find((other) => other !== id) as string;
    const record = sandbox.sessionRecord(second).worktree as { path: string; createdBranch: boolean };
    expect(record).toMatchObject({ branch: 'feature', createdBranch: false });
    expect(git(record.path, 'rev-parse', 'HEAD')).toBe(main);

    const based = await sandbox.run(['new', '-w', 'from-base', '--base', main, '--', '-p', 'hi'], {
      cwd: repo,
    });
    expect(based.code).toBe(0);
    const third = sandbox.sessionIds().find((other) => other !== id && other !== second) as string;
    const thirdRecord = sandbox.sessionRecord(third).worktree as {
      path: string;
      base: string;
      baseCommit: string;
    };
    expect(thirdRecord).toMatchObject({ base: main, baseCommit: main });
    expect(git(thirdRecord.path, 'rev-parse', 'HEAD')).toBe(main);
    expect(feature).not.toBe(main);
  });

  it('works with a path holding spaces and unicode', async () => {
    const odd = makeRepo(join(sandbox.dir, 'my répo ✓'));
    const result = await sandbox.run(['new', '-w', 'ünï-branch', '--', '-p', 'hi'], { cwd: odd });
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(0);
    const [id] = sandbox.sessionIds();
    const path = join(worktreesDir(), id as string, 'my répo ✓');
    expect(sandbox.records()[0]?.cwd).toBe(path);
    expect(git(path, 'symbolic-ref', '--short', 'HEAD')).toBe('ünï-branch');
  });

  it('gives every session a worktree with "worktree": true in the config, but not outside a repository or with --no-worktree', async () => {
    const config = join(sandbox.home, '.config', 'claude-sessions', 'config.json');
    mkdirSync(join(config, '..'), { recursive: true });
    writeFileSync(config, JSON.stringify({ worktree: { enabled: true, branchPrefix: 'agent/' } }));
    expect((await sandbox.run(['-n', 'one', '--', '-p', 'hi'], { cwd: repo })).code).toBe(0);
    expect((await sandbox.run(['-n', 'two', '--', '-p', 'hi'], { cwd: sandbox.dir })).code).toBe(0);
    expect((await sandbox.run(['-n', 'three', '--no-worktree', '--', '-p', 'hi'], { cwd: repo })).code).toBe(
      0,
    );
    const byName = new Map(
      sandbox.sessionIds().map((id) => {
        const record = sandbox.sessionRecord(id);
        return [record.name as string, record];
      }),
    );
    expect(byName.get('one')?.worktree).toMatchObject({ branch: 'agent/one' });
    expect(byName.get('two')?.worktree).toBeUndefined();
    expect(byName.get('three')?.worktree).toBeUndefined();
    expect(byName.get('three')?.cwd).toBe(repo);
  });

  it('runs the configured set-up command in the new worktree, and a failing one leaves nothing behind', async () => {
    const config = join(sandbox.home, '.config', 'claude-sessions', 'config.json');
    mkdirSync(join(config, '..'), { recursive: true });
    writeFileSync(config, JSON.stringify({ worktree: { setup: 'echo setting up; pwd > set-up-ran' } }));
    const ok = await sandbox.run(['new', '-w', '--', '-p', 'hi'], { cwd: repo });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('setting up');
    expect(ok.stdout).not.toContain('setting up');
    const [id] = sandbox.sessionIds();
    const path = join(worktreesDir(), id as string, 'repo');
    expect(readFileSync(join(path, 'set-up-ran'), 'utf8').trim()).toBe(path);

    writeFileSync(config, JSON.stringify({ worktree: { setup: 'echo broken >&2; exit 3' } }));
    await sandbox.killSessions();
    const before = { list: worktreeList(), branches: branches() };
    const ids = sandbox.sessionIds();
    const failed = await sandbox.run(['new', '-w', 'doomed', '--', '-p', 'hi'], { cwd: repo });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('broken');
    expect(failed.stderr).toMatch(/set-up command \(echo broken >&2; exit 3\) failed \(exit status 3\)/);
    expect(sandbox.sessionIds()).toEqual(ids);
    expect(readdirSync(worktreesDir())).toEqual(ids);
    expect(worktreeList()).toBe(before.list);
    expect(branches()).toEqual(before.branches);
    // --no-setup skips it.
    expect(
      (await sandbox.run(['new', '-w', 'quick', '--no-setup', '--', '-p', 'hi'], { cwd: repo })).code,
    ).toBe(0);
  });

  it('gives ten sessions started at the same moment in one repository ten worktrees', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sandbox.run(['new', '-w', '-n', `s${i}`, '--', '-p', 'hi'], { cwd: repo }),
      ),
    );
    for (const result of results) {
      expect(result.stderr).not.toMatch(/lock|internal error/);
      expect(result.code).toBe(0);
    }
    const ids = sandbox.sessionIds();
    expect(ids).toHaveLength(10);
    const paths = ids.map((id) => (sandbox.sessionRecord(id).worktree as { path: string }).path);
    expect(new Set(paths).size).toBe(10);
    for (const path of paths) expect(existsSync(join(path, 'README.md'))).toBe(true);
    expect(branches()).toEqual(
      ['main', ...Array.from({ length: 10 }, (_, i) => `claude-session/s${i}`)].sort(),
    );
  });
});

describe('new --worktree refuses, in one line and leaving nothing behind', () => {
  it.each([
    ['outside a git repository', () => sandbox.dir, [], /not inside a git repository/],
    ['a bad branch name', () => repo, ['--worktree', 'a..b'], /invalid branch name "a\.\.b"/],
    ['a branch name starting with -', () => repo, ['--worktree=-x'], /may not start with '-'/],
    ['an unknown --base', () => repo, ['--worktree', '--base', 'nope'], /--base "nope" names no commit/],
    [
      '--base with an existing branch',
      () => repo,
      ['--worktree', 'main2', '--base', 'main'],
      /exists already, and --base is for a new branch/,
    ],
  ])('%s', async (_what, cwd, flags, message) => {
    if (flags.includes('main2')) git(repo, 'branch', 'main2');
    const before = { list: worktreeList(), branches: branches() };
    const result = await sandbox.run(['new', ...(flags.length ? flags : ['-w']), '--', '-p', 'hi'], {
      cwd: cwd(),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expectNothingLeft(before);
  });

  it('a branch checked out elsewhere, a detached HEAD, an unborn HEAD, a bare repository, a submodule', async () => {
    const gitState = () => ({ list: worktreeList(), branches: branches() });
    let state = gitState();
    let result = await sandbox.run(['new', '-w', 'main', '--', '-p', 'hi'], { cwd: repo });
    expect(result.stderr).toMatch(/branch main is already checked out at .*repo/);
    expectNothingLeft(state);

    git(repo, 'checkout', '-q', '--detach');
    state = gitState();
    result = await sandbox.run(['new', '-w', '--', '-p', 'hi'], { cwd: repo });
    expect(result.stderr).toMatch(/HEAD is detached at [0-9a-f]{7} .*: give --base REF/);
    expectNothingLeft(state);
    git(repo, 'checkout', '-q', 'main');

    const unborn = join(sandbox.dir, 'unborn');
    mkdirSync(unborn);
    git(unborn, 'init', '-q', '-b', 'main');
    result = await sandbox.run(['new', '-w', '--', '-p', 'hi'], { cwd: unborn });
    expect(result.stderr).toMatch(/has no commit yet: commit once/);
    expect(sandbox.sessionIds()).toEqual([]);

    const bare = join(sandbox.dir, 'bare.git');
    git(sandbox.dir, 'clone', '-q', '--bare', repo, bare);
    result = await sandbox.run(['new', '-w', '--', '-p', 'hi'], { cwd: bare });
    expect(result.stderr).toMatch(/is a bare repository/);
    expect(sandbox.sessionIds()).toEqual([]);

    const outer = makeRepo(join(sandbox.dir, 'outer'));
    git(outer, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', repo, 'inner');
    result = await sandbox.run(['new', '-w', '--', '-p', 'hi'], { cwd: join(outer, 'inner') });
    expect(result.stderr).toMatch(/is a submodule of .*outer: start the session in/);
    for (const output of [result.stderr]) expect(output.trim().split('\n')).toHaveLength(1);
    expect(sandbox.sessionIds()).toEqual([]);
    expect(existsSync(worktreesDir()) ? readdirSync(worktreesDir()) : []).toEqual([]);
  });

  it('a repository it cannot write in', async () => {
    const user = ordinaryUser();
    if (!user) return;
    // The sandbox belongs to the ordinary user; the repository stays root's, readable but not writable.
    const own = (path: string) => chownSync(path, user.uid, user.gid);
    for (const path of [sandbox.home, sandbox.base, join(sandbox.home, '.claude.json')]) own(path);
    for (const entry of readdirSync(sandbox.base, { recursive: true }))
      own(join(sandbox.base, entry as string));
    chmodSync(sandbox.dir, 0o755);
    git(repo, 'config', 'safe.directory', '*');
    const before = { list: worktreeList(), branches: branches() };
    const result = await sandbox.run(['new', '-w', '--', '-p', 'hi'], {
      cwd: repo,
      asUser: user,
      env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' },
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/cannot write in .*\.git \(a read-only file system, or not yours\)/);
    expectNothingLeft(before);
  });
});
