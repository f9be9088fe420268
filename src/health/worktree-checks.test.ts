import { describe, expect, it } from 'vitest';
import type { WorktreeRecord } from '../worktree/model.js';
import type { HealthFacts, SessionWorktreeFacts, WorktreeFacts } from './model.js';
import { worktreeChecks } from './worktree-checks.js';

const DIR = '/home/u/.claude-sessions/worktrees';
const ID = '3f2a9c1e-0000-4000-8000-000000000001';
const GONE = '7b7b7b7b-0000-4000-8000-000000000002';
const record: WorktreeRecord = {
  repo: '/src/shop',
  gitDir: '/src/shop/.git',
  path: `${DIR}/${ID}/shop`,
  branch: 'claude-session/fix',
  base: 'main',
  baseCommit: 'a'.repeat(40),
  createdBranch: true,
};
const session = (extra: Partial<SessionWorktreeFacts> = {}): SessionWorktreeFacts => ({
  id: ID,
  name: 'fix',
  record,
  problem: null,
  detail: null,
  path: record.path,
  locked: null,
  ...extra,
});
const ourDir = { id: ID, path: `${DIR}/${ID}`, session: true, gitDir: '/src/shop/.git' };
const goneDir = { id: GONE, path: `${DIR}/${GONE}`, session: false, gitDir: '/src/shop/.git' };
const registration = (path: string, prunable: string | null = null) => ({
  gitDir: '/src/shop/.git',
  repo: '/src/shop',
  path,
  prunable,
  locked: null,
});

function findings(worktrees: Partial<WorktreeFacts>) {
  const facts = {
    home: '/home/u',
    worktrees: { dir: DIR, sessions: [], registrations: [], dirs: [], ...worktrees },
  } as unknown as HealthFacts;
  return worktreeChecks(facts).map(({ check, status, message, fix }) => ({ check, status, message, fix }));
}

describe('worktreeChecks', () => {
  it('says nothing without worktrees, and one ok line when all are in place', () => {
    expect(findings({})).toEqual([]);
    expect(
      findings({ sessions: [session()], dirs: [ourDir], registrations: [registration(record.path)] }),
    ).toEqual([
      {
        check: 'worktrees',
        status: 'ok',
        message: '1 session worktree(s) in place; no stale worktree registrations',
        fix: undefined,
      },
    ]);
  });

  // [what, the session's state, message contains, fix contains]
  const cases: [string, Partial<SessionWorktreeFacts>, string, string][] = [
    [
      'removed by hand',
      { problem: 'missing', detail: `the worktree ${record.path} was removed` },
      `session 3f2a9c1e (fix): the worktree ${record.path} was removed`,
      '`claude-session rm fix` removes the session (its branch claude-session/fix stays while it holds commits',
    ],
    [
      'moved by hand',
      { problem: 'moved', detail: 'the worktree was moved to /tmp/x', path: '/tmp/x' },
      'moved to /tmp/x',
      `git -C /src/shop worktree move /tmp/x ${record.path}`,
    ],
    [
      'the repository gone',
      {
        problem: 'repo-missing',
        detail: 'the repository /src/shop is gone (no /src/shop/.git): it was moved or deleted',
      },
      'the repository /src/shop is gone',
      `put the repository back at /src/shop; or \`claude-session rm --force fix\` removes the session and leaves the worktree's files in ${record.path}`,
    ],
    [
      'its branch deleted',
      { problem: 'branch-missing', detail: 'its branch claude-session/fix was deleted' },
      'its branch claude-session/fix was deleted',
      `git -C ${record.path} branch claude-session/fix COMMIT`,
    ],
    [
      'no longer a worktree',
      { problem: 'not-a-worktree', detail: `${record.path} is no longer a worktree of /src/shop` },
      'is no longer a worktree',
      'leaves the dir in place',
    ],
    [
      'locked by a running Claude',
      { locked: 'claude agent (pid 4242)' },
      'is locked (claude agent (pid 4242)): rm and cleanup leave it',
      `git -C /src/shop worktree unlock ${record.path}`,
    ],
  ];
  it.each(cases)('a session worktree %s: a warning with its fix', (_what, state, message, fix) => {
    const [finding, ...rest] = findings({ sessions: [session(state)], dirs: [ourDir] });
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ check: 'worktrees', status: 'warn' });
    expect(finding?.message).toContain(message);
    expect(finding?.fix).toContain(fix);
  });

  it('finds stale registrations and leftover dirs, and only says how to prune or remove them', () => {
    const stale = registration(`${DIR}/${ID}/shop`, 'gitdir file points to non-existent location');
    const orphan = registration(`${DIR}/${GONE}/shop`);
    const unregistered = {
      ...goneDir,
      id: '9c9c9c9c-0000-4000-8000-000000000003',
      path: `${DIR}/9c9c9c9c-0000-4000-8000-000000000003`,
    };
    // A registration outside a session's dir that is fine, and our own session's: nothing to say.
    const result = findings({
      sessions: [session({ problem: 'missing', detail: 'the worktree was removed' })],
      registrations: [stale, orphan],
      dirs: [ourDir, goneDir, unregistered],
    });
    expect(result.filter((finding) => finding.check === 'worktree-registrations')).toEqual([
      {
        check: 'worktree-registrations',
        status: 'warn',
        message: `git still lists the worktree ~/.claude-sessions/worktrees/${ID}/shop in /src/shop, but its dir is gone (gitdir file points to non-existent location)`,
        fix: 'git -C /src/shop worktree prune',
      },
      {
        check: 'worktree-registrations',
        status: 'warn',
        message: `the worktree ~/.claude-sessions/worktrees/${GONE}/shop of /src/shop belongs to no session (session 7b7b7b7b is gone)`,
        fix: `look at what it holds (git -C ${DIR}/${GONE}/shop status); once nothing in it is yours: git -C /src/shop worktree remove ${DIR}/${GONE}/shop (its branch stays)`,
      },
      {
        check: 'worktree-registrations',
        status: 'warn',
        message: `~/.claude-sessions/worktrees/${unregistered.id} is left from session 9c9c9c9c, which is gone, and no repository lists it as a worktree`,
        fix: `look at what it holds; once nothing in it is yours: rm -r ${unregistered.path}`,
      },
    ]);
  });
});
