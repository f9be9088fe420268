import type { Stats } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { changeableBy, changeableItself, isWithin, privateGroup, type Trust } from './protect-path.js';

const ME = 1000;
const MY_GROUP = 1000;
const trust: Trust = { uid: ME, isPrivateGroup: (gid) => gid === MY_GROUP };
const stat = (uid: number, mode: number, gid = 100) => ({ uid, mode, gid }) as Stats;

describe('who else could change a path', () => {
  it.each([
    ['ours, 0755', stat(ME, 0o40755), stat(ME, 0o100644), undefined],
    ["root's, 0755", stat(0, 0o40755), stat(ME, 0o100644), undefined],
    ["another user's", stat(1001, 0o40755), stat(ME, 0o100644), 'belongs to another user (uid 1001)'],
    ['group-writable', stat(ME, 0o40775), stat(ME, 0o100644), 'is writable by its group (gid 100)'],
    ['writable by our private group', stat(ME, 0o40775, MY_GROUP), stat(ME, 0o100644), undefined],
    [
      'world-writable, our group',
      stat(ME, 0o40777, MY_GROUP),
      stat(ME, 0o100644),
      'is writable by other users',
    ],
    ['world-writable', stat(ME, 0o40777), stat(ME, 0o100644), 'is writable by other users'],
    ['sticky (/tmp), our entry', stat(0, 0o41777), stat(ME, 0o40755), undefined],
    ["sticky (/tmp), root's entry", stat(0, 0o41777), stat(0, 0o40755), undefined],
    [
      "sticky (/tmp), another user's entry",
      stat(0, 0o41777),
      stat(1001, 0o40755),
      'is writable by other users',
    ],
    [
      "sticky but another user's",
      stat(1001, 0o41777),
      stat(ME, 0o40755),
      'belongs to another user (uid 1001)',
    ],
  ])('an entry in a directory that is %s', (_, dir, entry, expected) => {
    expect(changeableBy(dir, entry, trust)).toBe(expected);
  });

  it('a link target itself: sticky does not help, its owner and write bits count', () => {
    expect(changeableItself(stat(ME, 0o40755), trust)).toBeUndefined();
    expect(changeableItself(stat(ME, 0o41777), trust)).toBe('is writable by other users');
    expect(changeableItself(stat(1001, 0o40555), trust)).toBe('belongs to another user (uid 1001)');
  });

  it('privateGroup: our primary group only when it is named like us and lists no members', () => {
    const groups = 'root:x:0:\nstaff:x:50:alice,bob\nalice:x:1000:\nteam:x:1001:alice\n';
    expect(privateGroup(groups, 'alice', 1000)).toBe(1000);
    expect(privateGroup(groups, 'alice', 50)).toBeUndefined();
    expect(privateGroup(groups, 'alice', 1001)).toBeUndefined();
    expect(privateGroup(groups, 'bob', 1000)).toBeUndefined();
    expect(privateGroup(undefined, 'alice', 1000)).toBeUndefined();
  });

  it('isWithin: a path and what lies below it, never a sibling with a longer name', () => {
    expect(isWithin('/home/u', '/home/u')).toBe(true);
    expect(isWithin('/home/u/.claude', '/home/u')).toBe(true);
    expect(isWithin('/home/u2', '/home/u')).toBe(false);
    expect(isWithin('/anything', '/')).toBe(true);
  });
});
