import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['7d', 7 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['30m', 30 * 60_000],
    ['90s', 90_000],
    ['0s', 0],
    ['36500d', 36_500 * 86_400_000],
  ])('%s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '7', 'd', '7 d', '7D', '1.5h', '-1d', '7days', '1w', '7d12h', '36501d', '9999999d', ' 7d'])(
    'refuses %j with exit status 2 and an example',
    (text) => {
      expect(() => parseDuration(text)).toThrow(
        /^--older-than ".*": give a whole number and a unit, e\.g\. 7d/,
      );
      try {
        parseDuration(text);
      } catch (error) {
        expect((error as { exitCode: number }).exitCode).toBe(2);
      }
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [45.9 * 86_400_000, '45d'],
    [86_400_000, '1d'],
    [23 * 3_600_000, '23h'],
    [90_000, '1m'],
    [59_999, '59s'],
    [0, '0s'],
    [-5000, '0s'],
    [Number.POSITIVE_INFINITY, 'ever'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
