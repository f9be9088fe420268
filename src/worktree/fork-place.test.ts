import { describe, expect, it } from 'vitest';
import { type ForkPlace, type ForkSource, forkPlace } from './fork-place.js';

const WT = '/root/.claude-sessions/worktrees/1234/app';
const existing = new Set(['/src/app', '/src/app/web', WT, `${WT}/web`, '/src/app/.claude/worktrees/foo']);
const exists = (dir: string) => existing.has(dir);

describe('forkPlace', () => {
  const worktree = { repo: '/src/app', path: WT };
  const cases: [string, ForkSource, ForkPlace][] = [
    [
      'a worktree of ours, at its top: trusted as the checkout is',
      { cwd: WT, worktree },
      { from: WT, trustFrom: '/src/app' },
    ],
    [
      'a worktree of ours, in a subfolder: as that subfolder of the checkout',
      { cwd: `${WT}/web`, worktree, lastCwd: '/elsewhere' },
      { from: `${WT}/web`, trustFrom: '/src/app/web' },
    ],
    [
      'a cwd outside its worktree (a record edited by hand): the checkout itself',
      { cwd: '/src/app/web', worktree },
      { from: '/src/app/web', trustFrom: '/src/app' },
    ],
    [
      'a plain session',
      { cwd: '/src/app', lastCwd: '/src/app' },
      { from: '/src/app', trustFrom: '/src/app' },
    ],
    [
      "started with Claude's own -w: where its conversation went",
      { cwd: '/src/app', lastCwd: '/src/app/.claude/worktrees/foo' },
      { from: '/src/app/.claude/worktrees/foo', trustFrom: '/src/app/.claude/worktrees/foo' },
    ],
    [
      "Claude's -w worktree gone (it removes an unchanged one at exit)",
      { cwd: '/src/app', lastCwd: '/src/app/.claude/worktrees/bar' },
      { from: '/src/app', trustFrom: '/src/app' },
    ],
    ['its directory gone', { cwd: '/gone', lastCwd: '/gone/too' }, { missing: '/gone' }],
  ];
  it.each(cases)('%s', (_, source, place) => {
    expect(forkPlace(source, exists)).toEqual(place);
  });

  it('says so when the worktree is gone', () => {
    expect(
      forkPlace({ cwd: '/nowhere/app', worktree: { repo: '/src/app', path: '/nowhere/app' } }, exists),
    ).toEqual({
      missing: '/nowhere/app',
    });
  });
});
