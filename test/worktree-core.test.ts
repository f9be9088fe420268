import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, UserError } from '../src/core/errors.js';
import { git } from '../src/system/git.js';
import {
  createWorktree,
  discardNewWorktree,
  planWorktree,
  type WorktreePlan,
} from '../src/worktree/create.js';
import { copyIncluded } from '../src/worktree/include.js';
import { inspectWorktree } from '../src/worktree/inspect.js';
import { backupRef, parseWorktreeList, type WorktreeRecord, workAtRisk } from '../src/worktree/model.js';
import {
  describeRemoval,
  removeInspected,
  removeWorktree,
  type WorktreeRemoval,
} from '../src/worktree/remove.js';
import { findRepository, type Repository } from '../src/worktree/repository.js';
import { chownTree, ordinaryUser } from './support/user.js';
import { bundleWorkers, mkfifo, type Workers } from './support/worktree-procs.js';

// Real git in temporary repositories: the worktree core as `new --worktree`, list, rm and cleanup use it.

const TMP = realpathSync(mkdtempSync(join(tmpdir(), 'cs-worktree-')));
chmodSync(TMP, 0o755); // an ordinary user runs some of it
const HOME = join(TMP, 'home');
mkdirSync(HOME);
writeFileSync(join(HOME, '.gitconfig'), '[protocol "file"]\n\tallow = always\n');
chmodSync(HOME, 0o755);

/** The tests' environment: no git config of the machine's, a fixed identity. */
const ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: join(HOME, '.gitconfig'),
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** Runs git where a test sets things up; its output, or a thrown error saying what failed. */
function g(cwd: string, ...args: string[]): string {
  const result = git(cwd, args, { env: ENV });
  if (!result.ok) throw new Error(`git ${args.join(' ')} in ${cwd}: ${result.stderr}`);
  return result.stdout.trim();
}

let serial = 0;
function fresh(name: string): string {
  const dir = join(TMP, `${++serial}`, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A repository with one commit on main: a.txt, b.txt, a .gitignore (*.log, .env, local/). */
function makeRepo(name = 'project'): string {
  const dir = fresh(name);
  // Copied from one made once: a test's set-up then costs no git at all.
  cpSync(TEMPLATE, dir, { recursive: true });
  return dir;
}

const TEMPLATE = join(TMP, 'template');
mkdirSync(TEMPLATE);
g(TEMPLATE, 'init', '-q', '-b', 'main');
writeFileSync(join(TEMPLATE, 'a.txt'), 'a\n');
writeFileSync(join(TEMPLATE, 'b.txt'), 'b\n');
writeFileSync(join(TEMPLATE, '.gitignore'), '*.log\n.env\nlocal/\n');
g(TEMPLATE, 'add', '.');
g(TEMPLATE, 'commit', '-q', '-m', 'first');

function commit(dir: string, file: string, text: string, message = `change ${file}`): string {
  writeFileSync(join(dir, file), text);
  g(dir, 'add', '--', file);
  g(dir, 'commit', '-q', '-m', message);
  return g(dir, 'rev-parse', 'HEAD');
}

const branchExists = (repo: string, branch: string) =>
  git(repo, ['rev-parse', '--verify', '-q', `refs/heads/${branch}`], { env: ENV }).ok;

/** What findRepository/planWorktree throw: the UserError, for its message and exit code. */
function refusal(action: () => unknown): UserError {
  try {
    action();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

interface Session {
  repo: Repository;
  plan: WorktreePlan;
  record: WorktreeRecord;
  worktreesDir: string;
  locksDir: string;
  id: string;
}

/** A session's worktree made as `new --worktree` makes it, in its own root. */
function newWorktree(
  repoDir: string,
  options: { branch?: string; base?: string | null; id?: string; root?: string } = {},
): Session {
  const root = options.root ?? fresh('root');
  const worktreesDir = join(root, 'worktrees');
  const locksDir = join(root, 'locks');
  const id = options.id ?? `id-${serial}`;
  const repo = findRepository(repoDir, ENV);
  const plan = planWorktree({
    repo,
    id,
    branch: options.branch ?? `claude-session/s${serial}`,
    base: options.base ?? null,
    worktreesDir,
    env: ENV,
  });
  createWorktree(plan, locksDir, ENV);
  return { repo, plan, record: plan.record, worktreesDir, locksDir, id };
}

const remove = (session: Session, more: { force?: boolean; dryRun?: boolean } = {}) =>
  removeWorktree(session.record, {
    id: session.id,
    worktreesDir: session.worktreesDir,
    force: more.force ?? false,
    dryRun: more.dryRun,
    env: ENV,
  });

let workers: Workers;
beforeAll(async () => {
  workers = await bundleWorkers();
});
afterAll(() => {
  workers?.close();
  rmSync(TMP, { recursive: true, force: true });
});

describe('findRepository', () => {
  it('refuses a folder outside any repository', () => {
    const error = refusal(() => findRepository(fresh('plain'), ENV));
    expect(error.message).toMatch(/is not inside a git repository: cd into one/);
    expect(error.exitCode).toBe(EXIT.USAGE);
  });

  it('refuses a bare repository', () => {
    const dir = fresh('bare.git');
    g(dir, 'init', '-q', '--bare', '-b', 'main');
    expect(refusal(() => findRepository(dir, ENV)).message).toMatch(
      /is a bare repository: start the session/,
    );
  });

  it('refuses the inside of a .git folder', () => {
    const repo = makeRepo();
    expect(refusal(() => findRepository(join(repo, '.git'), ENV)).message).toMatch(
      /inside a git directory, not a checkout/,
    );
  });

  it('refuses an unborn HEAD', () => {
    const dir = fresh('empty');
    g(dir, 'init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'a'), 'a');
    const error = refusal(() => findRepository(dir, ENV));
    expect(error.message).toMatch(/has no commit yet: commit once/);
    expect(error.exitCode).toBe(EXIT.USAGE);
  });

  it('refuses a submodule, naming its superproject', () => {
    const inner = makeRepo('inner');
    const outer = makeRepo('outer');
    g(outer, 'submodule', 'add', '-q', inner, 'sub');
    g(outer, 'commit', '-q', '-m', 'sub');
    const error = refusal(() => findRepository(join(outer, 'sub'), ENV));
    expect(error.message).toContain(
      `${join(outer, 'sub')} is a submodule of ${outer}: start the session in ${outer}`,
    );
  });

  it('finds the top, the branch and the head; the prefix of a subfolder', () => {
    const repo = makeRepo();
    mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
    const found = findRepository(join(repo, 'src', 'deep'), ENV);
    expect(found).toMatchObject({
      top: repo,
      main: repo,
      gitDir: join(repo, '.git'),
      branch: 'main',
      head: g(repo, 'rev-parse', 'HEAD'),
      prefix: 'src/deep',
    });
    expect(findRepository(repo, ENV).prefix).toBe('');
  });

  it('from a linked worktree, main is the main checkout and the git dir the common one', () => {
    const repo = makeRepo();
    const linked = join(fresh('elsewhere'), 'linked');
    g(repo, 'worktree', 'add', '-q', '-b', 'side', linked);
    const found = findRepository(linked, ENV);
    expect(found).toMatchObject({ top: linked, main: repo, gitDir: join(repo, '.git'), branch: 'side' });
    expect(found.worktrees.map((entry) => entry.path)).toEqual([repo, linked]);
  });

  it('a file named HEAD (git cannot tell it from the revision) changes nothing', () => {
    const repo = makeRepo();
    writeFileSync(join(repo, 'HEAD'), 'a file\n');
    expect(findRepository(repo, ENV)).toMatchObject({ top: repo, branch: 'main', prefix: '' });
  });

  it('a detached HEAD has no branch', () => {
    const repo = makeRepo();
    g(repo, 'checkout', '-q', '--detach');
    expect(findRepository(repo, ENV).branch).toBeNull();
  });

  it('a path with spaces and unicode', () => {
    const repo = makeRepo('my prøject ✓');
    mkdirSync(join(repo, 'sub dir'));
    const found = findRepository(join(repo, 'sub dir'), ENV);
    expect(found).toMatchObject({ top: repo, main: repo, prefix: 'sub dir' });
  });

  it('ignores GIT_DIR and friends of the caller (a session started from a git hook)', () => {
    const repo = makeRepo();
    const other = makeRepo('other');
    const found = findRepository(repo, { ...ENV, GIT_DIR: join(other, '.git'), GIT_WORK_TREE: other });
    expect(found.top).toBe(repo);
  });

  const user = ordinaryUser();
  it.skipIf(!user)('refuses a repository it cannot write in (as an ordinary user)', async () => {
    const repo = makeRepo();
    chownTree(join(TMP, `${serial}`), user as NonNullable<typeof user>);
    chmodSync(join(repo, '.git'), 0o555);
    const { code, output } = await workers.run(
      { action: 'find', cwd: repo },
      { env: ENV, asUser: user as NonNullable<typeof user> },
    );
    expect(code).toBe(1);
    expect(output.error).toBe(
      `--worktree: cannot write in ${join(repo, '.git')} (a read-only file system, or not yours): a worktree is registered there; start the session without --worktree`,
    );
    // And the same repository, writable again, is found (the refusal was the permission, not the user).
    chmodSync(join(repo, '.git'), 0o755);
    const again = await workers.run({ action: 'find', cwd: repo }, { env: ENV, asUser: user });
    expect(again.output.error).toBeUndefined();
  });
});

describe.skipIf(process.getuid?.() !== 0)('findRepository as another user than its owner', () => {
  it("refuses a repository git will not read for its owner's sake (safe.directory), saying how", async () => {
    const repo = makeRepo();
    const user = ordinaryUser() as NonNullable<ReturnType<typeof ordinaryUser>>;
    const { code, output } = await workers.run({ action: 'find', cwd: repo }, { env: ENV, asUser: user });
    expect(code).toBe(1);
    expect(output.error).toBe(
      `--worktree: git will not work in ${repo}: it belongs to another user (git's safe.directory): start the session as its owner, or trust it with \`git config --global --add safe.directory ${repo}\``,
    );
  });
});

describe('planWorktree', () => {
  const plan = (repoDir: string, branch: string, base: string | null = null, cwd = repoDir) => {
    const worktreesDir = join(fresh('root'), 'worktrees');
    const result = planWorktree({
      repo: findRepository(cwd, ENV),
      id: 'id1',
      branch,
      base,
      worktreesDir,
      env: ENV,
    });
    return { result, worktreesDir };
  };

  it('a new branch from HEAD, writing nothing', () => {
    const repo = makeRepo();
    mkdirSync(join(repo, 'sub'));
    const { result, worktreesDir } = plan(repo, 'claude-session/x', null, join(repo, 'sub'));
    const path = join(worktreesDir, 'id1', 'project');
    expect(result).toEqual({
      record: {
        repo,
        gitDir: join(repo, '.git'),
        path,
        branch: 'claude-session/x',
        base: 'main',
        baseCommit: g(repo, 'rev-parse', 'HEAD'),
        createdBranch: true,
      },
      startAt: g(repo, 'rev-parse', 'HEAD'),
      cwd: join(path, 'sub'),
      source: repo,
    });
    expect(existsSync(worktreesDir)).toBe(false);
    expect(branchExists(repo, 'claude-session/x')).toBe(false);
  });

  it('refuses a detached HEAD without --base, and takes one with it', () => {
    const repo = makeRepo();
    const first = g(repo, 'rev-parse', 'HEAD');
    commit(repo, 'a.txt', 'a2\n');
    g(repo, 'checkout', '-q', '--detach');
    const error = refusal(() => plan(repo, 'x'));
    expect(error.message).toMatch(/HEAD is detached at [0-9a-f]{7} in .*: give --base REF/);
    expect(error.exitCode).toBe(EXIT.USAGE);
    expect(plan(repo, 'x', 'HEAD~1').result.record).toMatchObject({ base: 'HEAD~1', baseCommit: first });
  });

  it('an existing branch checked out nowhere is used as it is', () => {
    const repo = makeRepo();
    g(repo, 'branch', 'feature');
    const { result } = plan(repo, 'feature');
    expect(result.startAt).toBeNull();
    expect(result.record).toMatchObject({ branch: 'feature', createdBranch: false, base: 'main' });
  });

  it.each([
    [
      'an existing branch with --base',
      'feature',
      'main',
      /branch feature exists already, and --base is for a new branch/,
    ],
    ['a branch checked out in the main checkout', 'main', null, /branch main is already checked out at \//],
    ['an unknown --base', 'new', 'no-such-ref', /--base "no-such-ref" names no commit in /],
    ['a --base that looks like an option', 'new', '--all', /invalid --base "--all"/],
    ['a branch that looks like an option', '-f', null, /invalid branch name "-f": it may not start with '-'/],
    ['a branch with a space', 'a b', null, /invalid branch name "a b"/],
    ['a branch with ..', 'a..b', null, /invalid branch name "a..b"/],
    ['a branch git refuses (HEAD)', 'HEAD', null, /git refuses the branch name "HEAD"/],
    ['a component ending in .lock', 'a.lock/b', null, /git refuses the branch name "a.lock\/b"/],
  ])('refuses %s', (_, branch, base, why) => {
    const repo = makeRepo();
    g(repo, 'branch', 'feature');
    const error = refusal(() => plan(repo, branch, base));
    expect(error.message).toMatch(why);
    expect(error.message).toMatch(/^--worktree: /);
    expect(error.message).not.toContain('\n');
    expect(error.exitCode).toBe(EXIT.USAGE);
  });

  it('refuses a branch checked out in another linked worktree', () => {
    const repo = makeRepo();
    const other = join(fresh('other'), 'w');
    g(repo, 'worktree', 'add', '-q', '-b', 'taken', other);
    expect(refusal(() => plan(repo, 'taken')).message).toContain(
      `branch taken is already checked out at ${other}`,
    );
  });
});

describe('createWorktree, then inspectWorktree', () => {
  it('a clean worktree: nothing at risk', async () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    expect(existsSync(join(session.record.path, 'a.txt'))).toBe(true);
    const state = await inspectWorktree(session.record, ENV);
    expect(state).toMatchObject({
      problem: null,
      path: session.record.path,
      head: session.record.branch,
      headCommit: session.record.baseCommit,
      branchCommit: session.record.baseCommit,
      changed: 0,
      untracked: 0,
      ahead: 0,
      behind: 0,
      unpushedCount: 0,
      stashes: [],
      locked: null,
    });
    expect(workAtRisk(state)).toEqual([]);
  });

  it('a dirty tracked file', async () => {
    const session = newWorktree(makeRepo());
    writeFileSync(join(session.record.path, 'a.txt'), 'changed\n');
    const state = await inspectWorktree(session.record, ENV);
    expect(state).toMatchObject({ changed: 1, untracked: 0, examples: ['a.txt'] });
    expect(workAtRisk(state)).toEqual(['1 file with uncommitted changes (a.txt)']);
  });

  it('an untracked file', async () => {
    const session = newWorktree(makeRepo());
    mkdirSync(join(session.record.path, 'new dir'));
    writeFileSync(join(session.record.path, 'new dir', 'n.txt'), 'n\n');
    const state = await inspectWorktree(session.record, ENV);
    expect(state).toMatchObject({ changed: 0, untracked: 1, examples: ['new dir/n.txt'] });
    expect(workAtRisk(state)).toEqual(['1 untracked file (new dir/n.txt)']);
  });

  it('an ignored file only is not work', async () => {
    const session = newWorktree(makeRepo());
    writeFileSync(join(session.record.path, 'debug.log'), 'noise\n');
    mkdirSync(join(session.record.path, 'local'));
    writeFileSync(join(session.record.path, 'local', 'cache'), 'x\n');
    const state = await inspectWorktree(session.record, ENV);
    expect(state).toMatchObject({ changed: 0, untracked: 0, problem: null });
    expect(workAtRisk(state)).toEqual([]);
  });

  it('an unpushed commit', async () => {
    const session = newWorktree(makeRepo());
    const sha = commit(session.record.path, 'c.txt', 'c\n', 'add c');
    const state = await inspectWorktree(session.record, ENV);
    expect(state).toMatchObject({
      ahead: 1,
      behind: 0,
      unpushedCount: 1,
      unpushed: [{ sha, subject: 'add c' }],
      branchCommit: sha,
    });
    expect(workAtRisk(state)).toEqual([`1 commit on no other branch or remote (${sha.slice(0, 7)} add c)`]);
  });

  it('a commit pushed to a remote-tracking branch is not at risk', async () => {
    const repo = makeRepo();
    const remote = fresh('remote.git');
    g(remote, 'init', '-q', '--bare', '-b', 'main');
    g(repo, 'remote', 'add', 'origin', remote);
    const session = newWorktree(repo);
    commit(session.record.path, 'c.txt', 'c\n');
    g(session.record.path, 'push', '-q', 'origin', session.record.branch);
    const state = await inspectWorktree(session.record, ENV);
    expect(state).toMatchObject({ ahead: 1, unpushedCount: 0 });
    expect(workAtRisk(state)).toEqual([]);
  });

  it('a commit merged into its base is not at risk; the base moving on counts as behind', async () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    commit(session.record.path, 'c.txt', 'c\n');
    g(repo, 'merge', '-q', '--ff-only', session.record.branch);
    commit(repo, 'd.txt', 'd\n');
    const state = await inspectWorktree(session.record, ENV);
    expect(state).toMatchObject({ ahead: 0, behind: 1, unpushedCount: 0 });
    expect(workAtRisk(state)).toEqual([]);
  });

  it('a stash made on its branch (and not one made elsewhere)', async () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    writeFileSync(join(repo, 'a.txt'), 'main wip\n');
    g(repo, 'stash', '-q');
    expect((await inspectWorktree(session.record, ENV)).stashes).toEqual([]);
    writeFileSync(join(session.record.path, 'a.txt'), 'wip\n');
    g(session.record.path, 'stash', '-q');
    const state = await inspectWorktree(session.record, ENV);
    // The one made there is stash@{0} now; the main checkout's is stash@{1}.
    expect(state).toMatchObject({ changed: 0, stashes: ['stash@{0}'] });
    expect(workAtRisk(state)).toEqual(['1 stash made there']);
  });

  it('locked', async () => {
    const session = newWorktree(makeRepo());
    g(session.record.repo, 'worktree', 'lock', '--reason', 'claude pid 42', session.record.path);
    const state = await inspectWorktree(session.record, ENV);
    expect(state.locked).toBe('claude pid 42');
    expect(workAtRisk(state)).toEqual(['it is locked (claude pid 42)']);
  });

  it('removed by hand: missing, and says how to prune', async () => {
    const session = newWorktree(makeRepo());
    rmSync(session.record.path, { recursive: true });
    const state = await inspectWorktree(session.record, ENV);
    expect(state.problem).toBe('missing');
    expect(state.detail).toContain('worktree prune');
    expect(workAtRisk(state)).toEqual([]);
  });

  it('moved with `git worktree move`: moved, inspected where it is now', async () => {
    const session = newWorktree(makeRepo());
    writeFileSync(join(session.record.path, 'a.txt'), 'changed\n');
    const to = join(fresh('moved'), 'here');
    g(session.record.repo, 'worktree', 'move', session.record.path, to);
    const state = await inspectWorktree(session.record, ENV);
    expect(state).toMatchObject({ problem: 'moved', path: to, changed: 1 });
    expect(state.detail).toBe(`the worktree was moved to ${to}`);
  });

  it('its branch deleted', async () => {
    const session = newWorktree(makeRepo());
    g(session.record.path, 'checkout', '-q', '--detach');
    g(session.record.repo, 'branch', '-q', '-D', session.record.branch);
    const state = await inspectWorktree(session.record, ENV);
    expect(state).toMatchObject({ problem: 'branch-missing', branchCommit: null, head: null });
    expect(workAtRisk(state)).toEqual([]);
  });

  it('its branch deleted with commits only on the detached HEAD: those are at risk', async () => {
    const session = newWorktree(makeRepo());
    g(session.record.path, 'checkout', '-q', '--detach');
    g(session.record.repo, 'branch', '-q', '-D', session.record.branch);
    const sha = commit(session.record.path, 'c.txt', 'c\n', 'on detached');
    const state = await inspectWorktree(session.record, ENV);
    expect(state).toMatchObject({ problem: 'branch-missing', unpushedCount: 1, headCommit: sha });
  });

  it('the repository deleted: repo-missing, and nothing may go', async () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    rmSync(repo, { recursive: true });
    const state = await inspectWorktree(session.record, ENV);
    expect(state.problem).toBe('repo-missing');
    expect(workAtRisk(state)).toHaveLength(1);
  });

  it('no longer a worktree (a plain folder where it was): not-a-worktree', async () => {
    const session = newWorktree(makeRepo());
    g(session.record.repo, 'worktree', 'remove', session.record.path);
    mkdirSync(session.record.path);
    const state = await inspectWorktree(session.record, ENV);
    expect(state.problem).toBe('not-a-worktree');
  });

  it('a root reached through a symbolic link: not mistaken for a moved worktree', async () => {
    const repo = makeRepo();
    const real = fresh('real-root');
    const root = join(TMP, `${serial}`, 'linked-root');
    symlinkSync(real, root);
    const session = newWorktree(repo, { root });
    const state = await inspectWorktree(session.record, ENV);
    expect(state.problem).toBeNull();
    expect(state.path).toBe(session.record.path);
    const removal = await remove(session);
    expect(removal).toMatchObject({ refused: null, worktree: 'removed', branch: 'deleted' });
    expect(existsSync(join(real, 'worktrees', session.id))).toBe(false);
  });

  it('ten at once in one repository, from ten processes: ten worktrees', async () => {
    const repo = makeRepo();
    const root = fresh('root');
    const jobs = Array.from({ length: 10 }, (_, i) => ({
      action: 'create',
      cwd: repo,
      id: `id${i}`,
      branch: `claude-session/c${i}`,
      worktreesDir: join(root, 'worktrees'),
      locksDir: join(root, 'locks'),
    }));
    const results = await Promise.all(jobs.map((job) => workers.run(job, { env: ENV })));
    expect(results.map((result) => result.output.error ?? null)).toEqual(jobs.map(() => null));
    expect(results.map((result) => result.code)).toEqual(jobs.map(() => 0));
    const listed = parseWorktreeList(g(repo, 'worktree', 'list', '--porcelain', '-z'));
    expect(listed.map((entry) => entry.branch).sort()).toEqual(
      ['main', ...jobs.map((job) => job.branch)].sort(),
    );
    for (const job of jobs)
      expect(existsSync(join(root, 'worktrees', job.id, 'project', 'a.txt'))).toBe(true);
  });
});

describe('removeWorktree', () => {
  /** Every kind of work, each made in a worktree of its own. */
  const kinds: [string, (session: Session) => void, RegExp][] = [
    [
      'a dirty file',
      (s) => writeFileSync(join(s.record.path, 'a.txt'), 'x\n'),
      /1 file with uncommitted changes/,
    ],
    [
      'an untracked file',
      (s) => writeFileSync(join(s.record.path, 'n.txt'), 'n\n'),
      /1 untracked file \(n.txt\)/,
    ],
    [
      'an unpushed commit',
      (s) => commit(s.record.path, 'c.txt', 'c\n'),
      /1 commit on no other branch or remote/,
    ],
    [
      'a stash',
      (s) => {
        writeFileSync(join(s.record.path, 'a.txt'), 'x\n');
        g(s.record.path, 'stash', '-q');
      },
      /1 stash made there/,
    ],
    [
      'a lock',
      (s) => g(s.record.repo, 'worktree', 'lock', '--reason', 'busy', s.record.path),
      /it is locked \(busy\)/,
    ],
  ];

  it.each(kinds)('refuses with %s, and leaves everything', async (_, makeWork, why) => {
    const session = newWorktree(makeRepo());
    makeWork(session);
    const before = g(session.record.path, 'status', '--porcelain=v2', '--untracked-files=all');
    const branchBefore = g(session.record.repo, 'rev-parse', session.record.branch);
    const removal = await remove(session);
    expect(removal.refused).toMatch(/holds work that would be lost: /);
    expect(removal.refused).toMatch(why);
    expect(removal).toMatchObject({ worktree: 'left', branch: 'kept', backup: null });
    expect(g(session.record.path, 'status', '--porcelain=v2', '--untracked-files=all')).toBe(before);
    expect(g(session.record.repo, 'rev-parse', session.record.branch)).toBe(branchBefore);
    expect(
      git(session.record.repo, ['rev-parse', '-q', '--verify', backupRef(session.id)], { env: ENV }).ok,
    ).toBe(false);
  });

  it('a dry run changes nothing', async () => {
    const session = newWorktree(makeRepo());
    const removal = await remove(session, { dryRun: true });
    expect(removal).toMatchObject({ refused: null, worktree: 'removed', branch: 'deleted' });
    expect(existsSync(session.record.path)).toBe(true);
    expect(branchExists(session.record.repo, session.record.branch)).toBe(true);
  });

  it('clean and merged: the worktree, its folder and its branch go', async () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    commit(session.record.path, 'c.txt', 'c\n');
    g(repo, 'merge', '-q', '--ff-only', session.record.branch);
    const removal = await remove(session);
    expect(removal).toMatchObject({ refused: null, atRisk: [], worktree: 'removed', branch: 'deleted' });
    expect(existsSync(session.record.path)).toBe(false);
    expect(existsSync(join(session.worktreesDir, session.id))).toBe(false);
    expect(branchExists(repo, session.record.branch)).toBe(false);
    expect(
      g(repo, 'worktree', 'list', '--porcelain')
        .split('\n')
        .filter((l) => l.startsWith('worktree ')),
    ).toEqual([`worktree ${repo}`]);
  });

  it('a branch that existed before the session stays', async () => {
    const repo = makeRepo();
    g(repo, 'branch', 'feature');
    const session = newWorktree(repo, { branch: 'feature' });
    const removal = await remove(session);
    expect(removal).toMatchObject({ refused: null, worktree: 'removed', branch: 'not-ours' });
    expect(branchExists(repo, 'feature')).toBe(true);
  });

  it('a branch that existed before, with commits of its own: not refused, the branch stays', async () => {
    const repo = makeRepo();
    g(repo, 'branch', 'feature');
    const session = newWorktree(repo, { branch: 'feature' });
    const sha = commit(session.record.path, 'c.txt', 'c\n');
    const removal = await remove(session);
    expect(removal).toMatchObject({ refused: null, atRisk: [], worktree: 'removed', branch: 'not-ours' });
    expect(g(repo, 'rev-parse', 'feature')).toBe(sha);
  });

  it('removed by hand: pruned, its branch deleted', async () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    rmSync(session.record.path, { recursive: true });
    const removal = await remove(session);
    expect(removal).toMatchObject({ refused: null, worktree: 'absent', branch: 'deleted' });
    expect(g(repo, 'worktree', 'list', '--porcelain')).not.toContain(session.record.path);
    expect(branchExists(repo, session.record.branch)).toBe(false);
  });

  it('--force: the dirty and untracked files are saved in the backup ref first', async () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    writeFileSync(join(session.record.path, 'a.txt'), 'dirty\n');
    mkdirSync(join(session.record.path, 'deep', 'er'), { recursive: true });
    writeFileSync(join(session.record.path, 'deep', 'er', 'new.txt'), 'untracked\n');
    writeFileSync(join(session.record.path, 'debug.log'), 'ignored\n');
    const removal = await remove(session, { force: true });
    expect(removal.refused).toBeNull();
    expect(removal.atRisk).toHaveLength(2);
    expect(removal.backup?.ref).toBe(`refs/claude-session/backup/${session.id}`);
    const ref = backupRef(session.id);
    expect(g(repo, 'rev-parse', ref)).toBe(removal.backup?.commit);
    expect(g(repo, 'show', `${ref}:a.txt`)).toBe('dirty');
    expect(g(repo, 'show', `${ref}:deep/er/new.txt`)).toBe('untracked');
    expect(g(repo, 'show', `${ref}:b.txt`)).toBe('b');
    expect(git(repo, ['cat-file', '-e', `${ref}:debug.log`], { env: ENV }).ok).toBe(false);
    expect(g(repo, 'rev-parse', `${ref}^`)).toBe(session.record.baseCommit);
    expect(removal).toMatchObject({ worktree: 'removed', branch: 'deleted' });
    expect(existsSync(session.record.path)).toBe(false);
    // The temporary index is gone too.
    expect(existsSync(join(repo, '.git', `claude-session-index-${session.id}`))).toBe(false);
  });

  it('--force keeps a branch with commits found nowhere else', async () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    const sha = commit(session.record.path, 'c.txt', 'c\n');
    const removal = await remove(session, { force: true });
    expect(removal).toMatchObject({ refused: null, worktree: 'removed', branch: 'kept', backup: null });
    expect(removal.keptReason).toBe('it has 1 commit on no other branch');
    expect(g(repo, 'rev-parse', session.record.branch)).toBe(sha);
  });

  it('--force removes a locked worktree', async () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    g(repo, 'worktree', 'lock', session.record.path);
    const removal = await remove(session, { force: true });
    expect(removal).toMatchObject({ refused: null, worktree: 'removed', branch: 'deleted' });
    expect(existsSync(session.record.path)).toBe(false);
  });

  it('a commit made between the look and the removal keeps the branch', async () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    const state = await inspectWorktree(session.record, ENV);
    expect(workAtRisk(state)).toEqual([]);
    const late = commit(session.record.path, 'late.txt', 'late\n');
    const removal = removeInspected(session.record, state, {
      id: session.id,
      worktreesDir: session.worktreesDir,
      force: false,
      env: ENV,
    });
    expect(removal.branch).toBe('kept');
    expect(removal.keptReason).toMatch(/git would not delete it/);
    expect(g(repo, 'rev-parse', session.record.branch)).toBe(late);
  });

  it('a worktree moved outside the worktrees folder is left there, with its branch', async () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    const to = join(fresh('moved'), 'here');
    g(repo, 'worktree', 'move', session.record.path, to);
    const removal = await remove(session);
    expect(removal).toMatchObject({ refused: null, worktree: 'left', branch: 'kept' });
    expect(removal.leftReason).toBe(`it was moved to ${to}, outside claude-session's worktrees: left there`);
    expect(existsSync(join(to, 'a.txt'))).toBe(true);
    expect(branchExists(repo, session.record.branch)).toBe(true);
  });

  it('a worktree moved inside the worktrees folder is removed from where it is', async () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    const to = join(session.worktreesDir, 'elsewhere');
    g(repo, 'worktree', 'move', session.record.path, to);
    const removal = await remove(session);
    expect(removal).toMatchObject({ refused: null, worktree: 'removed', branch: 'deleted' });
    expect(existsSync(to)).toBe(false);
    expect(branchExists(repo, session.record.branch)).toBe(false);
  });

  it('the repository gone: everything is left, nothing thrown', async () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    rmSync(repo, { recursive: true });
    const removal = await remove(session, { force: true });
    expect(removal.worktree).toBe('left');
    expect(existsSync(session.record.path)).toBe(true);
  });
});

describe('discardNewWorktree', () => {
  it('undoes a start: the worktree, its folder and the new branch go', () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    discardNewWorktree(session.plan, ENV);
    expect(existsSync(join(session.worktreesDir, session.id))).toBe(false);
    expect(branchExists(repo, session.record.branch)).toBe(false);
    expect(g(repo, 'worktree', 'list', '--porcelain')).not.toContain(session.record.path);
  });

  it('a branch that moved since is kept, and a branch the session did not make', () => {
    const repo = makeRepo();
    const moved = newWorktree(repo);
    const sha = commit(moved.record.path, 'c.txt', 'c\n');
    discardNewWorktree(moved.plan, ENV);
    expect(g(repo, 'rev-parse', moved.record.branch)).toBe(sha);
    g(repo, 'branch', 'feature');
    const found = newWorktree(repo, { branch: 'feature' });
    discardNewWorktree(found.plan, ENV);
    expect(branchExists(repo, 'feature')).toBe(true);
    expect(existsSync(found.record.path)).toBe(false);
  });
});

describe('copyIncluded', () => {
  it('copies ignored files the .worktreeinclude lists, and nothing else', () => {
    const repo = makeRepo();
    writeFileSync(
      join(repo, '.worktreeinclude'),
      '.env\nlocal/\ntracked.txt\nplain.txt\nlink.env\nfifo.env\n',
    );
    commit(repo, 'tracked.txt', 'tracked\n');
    g(repo, 'add', '.worktreeinclude');
    g(repo, 'commit', '-q', '-m', 'include');
    const session = newWorktree(repo);
    const to = session.record.path;
    writeFileSync(join(repo, '.env'), 'SECRET=1\n', { mode: 0o600 });
    chmodSync(join(repo, '.env'), 0o600);
    mkdirSync(join(repo, 'local', 'a', 'b'), { recursive: true });
    writeFileSync(join(repo, 'local', 'a', 'b', 'deep.json'), '{}\n');
    writeFileSync(join(repo, 'debug.log'), 'ignored, not listed\n');
    writeFileSync(join(repo, 'plain.txt'), 'listed, not ignored\n');
    writeFileSync(join(repo, 'tracked.txt'), 'a change in the main checkout\n');
    writeFileSync(join(repo, '.gitignore'), '*.log\n.env\nlocal/\n*.env\n');
    symlinkSync('/etc/passwd', join(repo, 'link.env'));
    mkfifo(join(repo, 'fifo.env'));
    const included = copyIncluded(repo, to, ENV);
    expect(included.copied.sort()).toEqual(['.env', 'local/a/b/deep.json']);
    // A FIFO is not even a candidate: git lists no FIFO among untracked files.
    expect(included.skipped).toEqual([
      'link.env: not a regular file (links, FIFOs and devices are not copied)',
    ]);
    expect(readFileSync(join(to, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(readFileSync(join(to, 'local', 'a', 'b', 'deep.json'), 'utf8')).toBe('{}\n');
    expect(readFileSync(join(to, 'tracked.txt'), 'utf8')).toBe('tracked\n');
    for (const absent of ['debug.log', 'plain.txt', 'link.env', 'fifo.env'])
      expect(existsSync(join(to, absent))).toBe(false);
  });

  it('never over a file the worktree has', () => {
    const repo = makeRepo();
    writeFileSync(join(repo, '.worktreeinclude'), '.env\n');
    const session = newWorktree(repo);
    writeFileSync(join(repo, '.env'), 'from main\n');
    writeFileSync(join(session.record.path, '.env'), 'the worktree own\n');
    const included = copyIncluded(repo, session.record.path, ENV);
    expect(included).toEqual({ copied: [], skipped: ['.env: the worktree has that file already'] });
    expect(readFileSync(join(session.record.path, '.env'), 'utf8')).toBe('the worktree own\n');
  });

  it('never through a folder that is a tracked link in the worktree', () => {
    const repo = makeRepo();
    const outside = fresh('outside');
    symlinkSync(outside, join(repo, 'conf'));
    g(repo, 'add', 'conf');
    g(repo, 'commit', '-q', '-m', 'conf is a link');
    const linked = g(repo, 'rev-parse', 'HEAD');
    // Main moves on: conf is a real folder there, holding an ignored file the include lists.
    g(repo, 'rm', '-q', 'conf');
    mkdirSync(join(repo, 'conf'));
    writeFileSync(join(repo, 'conf', 'keep.txt'), 'k\n');
    writeFileSync(join(repo, '.gitignore'), '*.log\n.env\nlocal/\nconf/secret.env\n');
    writeFileSync(join(repo, '.worktreeinclude'), 'conf/secret.env\n');
    g(repo, 'add', '.');
    g(repo, 'commit', '-q', '-m', 'conf is a folder');
    writeFileSync(join(repo, 'conf', 'secret.env'), 'SECRET\n');
    const session = newWorktree(repo, { base: linked });
    const included = copyIncluded(repo, session.record.path, ENV);
    expect(included).toEqual({
      copied: [],
      skipped: ['conf/secret.env: conf in the worktree is not a folder'],
    });
    expect(existsSync(join(outside, 'secret.env'))).toBe(false);
  });

  it('no .worktreeinclude: nothing', () => {
    const repo = makeRepo();
    const session = newWorktree(repo);
    writeFileSync(join(repo, '.env'), 'x\n');
    expect(copyIncluded(repo, session.record.path, ENV)).toEqual({ copied: [], skipped: [] });
  });
});

describe('describeRemoval', () => {
  const record: WorktreeRecord = {
    repo: '/home/u/project',
    gitDir: '/home/u/project/.git',
    path: '/r/worktrees/id1/project',
    branch: 'claude-session/x',
    base: 'main',
    baseCommit: 'c'.repeat(40),
    createdBranch: true,
  };
  const removal = (more: Partial<WorktreeRemoval>): WorktreeRemoval => ({
    refused: null,
    atRisk: [],
    worktree: 'removed',
    leftReason: null,
    branch: 'deleted',
    keptReason: null,
    backup: null,
    toSave: null,
    stashes: 0,
    ...more,
  });
  it.each<[string, Partial<WorktreeRemoval>, string[]]>([
    [
      'all gone',
      {},
      [
        'removed its worktree /r/worktrees/id1/project',
        'deleted its branch claude-session/x (nothing on it was only there)',
      ],
    ],
    [
      'forced, with files and commits',
      {
        backup: { ref: 'refs/claude-session/backup/id1', commit: 'd'.repeat(40) },
        branch: 'kept',
        keptReason: 'it has 2 commits on no other branch',
        stashes: 2,
      },
      [
        // Saved first, then removed; a branch of them, since `checkout -- .` would overwrite the checkout's files.
        'saved its uncommitted and untracked files as commit dddddddddddd in refs/claude-session/backup/id1 (`git -C /home/u/project branch claude-session/x-saved dddddddddddd` puts them on a branch)',
        'removed its worktree /r/worktrees/id1/project',
        'kept its branch claude-session/x: it has 2 commits on no other branch',
        'its 2 stashes stay in `git stash list`',
      ],
    ],
    [
      'left where it was moved',
      {
        worktree: 'left',
        leftReason: 'it was moved to /x, outside',
        branch: 'kept',
        keptReason: null,
        stashes: 1,
      },
      [
        'left its worktree: it was moved to /x, outside',
        'kept its branch claude-session/x: it holds work',
        'its stash stays in `git stash list`',
      ],
    ],
    [
      'already gone, a branch not ours',
      { worktree: 'absent', branch: 'not-ours' },
      [
        'its worktree /r/worktrees/id1/project was gone already',
        'kept its branch claude-session/x: it existed before the session',
      ],
    ],
  ])('%s', (_, more, lines) => {
    expect(describeRemoval(record, removal(more))).toEqual(lines);
  });
});
