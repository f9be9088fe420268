import { describe, expect, it } from 'vitest';
import { looksLikeIdPrefix } from './layout.js';
import { nameProblem } from './record.js';
import { resolveSession } from './resolve.js';

const sessions = [
  { id: 'aaaa1111-0000-4000-8000-000000000001', name: 'api' },
  { id: 'aaaa2222-0000-4000-8000-000000000002', name: null },
  { id: 'bbbb1111-0000-4000-8000-000000000003', name: 'aaaa' },
  // Names an older version allowed: another session's ID column, and a longer id prefix of it.
  { id: 'cccc3333-0000-4000-8000-000000000004', name: 'aaaa1111' },
  { id: 'dddd4444-0000-4000-8000-000000000005', name: 'AAAA2222-0000' },
  { id: 'eeee5555-0000-4000-8000-000000000006', name: 'ffff9999' },
];

describe('resolveSession', () => {
  it.each([
    ['aaaa1111-0000-4000-8000-000000000001', 0],
    ['api', 0],
    ['aaaa2', 1],
    ['AAAA2', 1],
    ['bbbb', 2],
    // An exact name wins over an id prefix shorter than the ID column.
    ['aaaa', 2],
    // From 8 characters on, an id prefix wins over a name: the ID column of `list` reaches its session.
    ['aaaa1111', 0],
    ['AAAA1111', 0],
    ['aaaa2222-0000', 1],
    ['AAAA2222-0000', 1],
    // A name that looks like an id still reaches its session while no id starts with it.
    ['ffff9999', 5],
    ['cccc3333', 3],
  ])('%s -> session %i', (query, index) => {
    expect(resolveSession(query, sessions)).toBe(sessions[index]);
  });

  it.each([
    // Under 4 characters, a prefix finds nothing: `resume a` never starts the session whose id begins so.
    ['b', /no session "b"/],
    ['aaa', /no session "aaa"/],
    ['zzz', /no session "zzz"/],
    ['../../etc', /invalid session id or name/],
    ['a/b', /invalid session id or name/],
    ['', /invalid session id or name/],
    ['x'.repeat(65), /invalid session id or name/],
  ])('%s is refused', (query, message) => {
    expect(() => resolveSession(query, sessions)).toThrow(message);
  });

  it('says so when 8 characters match two ids, whatever a name says', () => {
    const twins = [
      { id: 'abcdef01-0000-4000-8000-000000000001', name: null },
      { id: 'abcdef01-1111-4000-8000-000000000002', name: null },
      { id: 'abcdef02-0000-4000-8000-000000000003', name: 'abcdef01' },
    ];
    expect(() => resolveSession('abcdef01', twins)).toThrow(/matches 2 sessions/);
    expect(resolveSession('abcdef01-1', twins)).toBe(twins[1]);
    expect(() => resolveSession('abcd', twins)).toThrow(/matches 3 sessions/);
  });
});

describe('looksLikeIdPrefix', () => {
  it.each([
    ['7196b2e2', true],
    ['7196B2E2', true],
    ['7196b2e2-', true],
    ['7196b2e2-0c1d', true],
    ['7196b2e2-0c1d-4a2b-8c3d-0123456789ab', true],
    ['7196b2e', false],
    ['7196b2e2x', false],
    ['7196b2e20', false],
    ['7196b2e2-0c1d4', false],
    ['deadbeefcafe', false],
    ['7196b2e2-0c1d-4a2b-8c3d-0123456789ab0', false],
    ['api', false],
  ])('%s: %s', (text, expected) => {
    expect(looksLikeIdPrefix(text)).toBe(expected);
  });
});

describe('nameProblem', () => {
  it.each(['7196b2e2', 'DEADBEEF', 'deadbeef-12'])('refuses %s, which looks like an id', (name) => {
    expect(nameProblem(name)).toMatch(/looks like a session id/);
  });
  it.each(['api', 'cafe', 'deadbee', 'deadbeefx', 'deadbeefcafe', 'v1.2'])('takes %s', (name) => {
    expect(nameProblem(name)).toBeUndefined();
  });
});
