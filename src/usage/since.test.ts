import { describe, expect, it } from 'vitest';
import { parseSince } from './since.js';

const now = new Date('2026-12-03T12:00:00.000Z');

describe('parseSince', () => {
  it.each([
    ['a day: from local midnight', '2026-12-01', new Date(2026, 11, 1).getTime()],
    ['a local time', '2026-12-01T09:30', new Date(2026, 11, 1, 9, 30).getTime()],
    ['a local time with seconds', '2026-12-01T09:30:15.5', new Date(2026, 11, 1, 9, 30, 15, 500).getTime()],
    ['a time in UTC', '2026-12-01T09:30:00Z', Date.parse('2026-12-01T09:30:00Z')],
    ['a time with an offset', '2026-12-01T09:30:00+05:45', Date.parse('2026-12-01T03:45:00Z')],
    ['a duration in days', '7d', now.getTime() - 7 * 86_400_000],
    ['a duration in hours', '24h', now.getTime() - 86_400_000],
    ['a time in the future (nothing is after it)', '2099-01-01', new Date(2099, 0, 1).getTime()],
  ])('%s: %s', (_what, text, expected) => {
    expect(parseSince(text, now)).toBe(expected);
  });

  it.each([
    'yesterday',
    '',
    '2026-02-30',
    '2026-13-01',
    '2026-12-1',
    '1w',
    '-7d',
    '7 d',
    '2026-12-01 09:00',
    '99999999d',
  ])('refuses %j with exit status 2 and examples', (text) => {
    expect(() => parseSince(text, now)).toThrow(/^--since ".*": give a day \(2026-12-01\), a time/);
    try {
      parseSince(text, now);
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(2);
    }
  });
});
