import { describe, expect, it } from 'vitest';
import { resolveSession } from './resolve.js';

const sessions = [
  { id: 'aaaa1111-0000-4000-8000-000000000001', name: 'api' },
  { id: 'aaaa2222-0000-4000-8000-000000000002', name: null },
  { id: 'bbbb1111-0000-4000-8000-000000000003', name: 'aaaa' },
];

describe('resolveSession', () => {
  it.each([
    ['aaaa1111-0000-4000-8000-000000000001', 0],
    ['api', 0],
    ['aaaa2', 1],
    ['AAAA2', 1],
    ['b', 2],
    // An exact name wins over an id prefix.
    ['aaaa', 2],
  ])('%s -> session %i', (query, index) => {
    expect(resolveSession(query, sessions)).toBe(sessions[index]);
  });

  it.each([
    ['aaa', /matches 2 sessions \(aaaa1111 \(api\), aaaa2222\)/],
    ['zzz', /no session "zzz"/],
    ['../../etc', /invalid session id or name/],
    ['a/b', /invalid session id or name/],
    ['', /invalid session id or name/],
    ['x'.repeat(65), /invalid session id or name/],
  ])('%s is refused', (query, message) => {
    expect(() => resolveSession(query, sessions)).toThrow(message);
  });
});
