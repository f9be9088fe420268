import { describe, expect, it } from 'vitest';
import { formatAge, formatBytes, printable, table, tildify } from './format.js';

describe('format', () => {
  it.each([
    [undefined, '-'],
    [0, '0B'],
    [1023, '1023B'],
    [1536, '1.5K'],
    [20 * 1024 * 1024, '20M'],
  ])('formatBytes(%s) = %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it.each([
    [0, '0s ago'],
    [59_000, '59s ago'],
    [60_000, '1m ago'],
    [3 * 3600_000, '3h ago'],
    [3 * 86400_000, '3d ago'],
  ])('formatAge(now - %i) = %s', (ago, text) =>
    expect(formatAge(1_000_000_000 - ago, 1_000_000_000)).toBe(text),
  );

  it('shortens HOME and hides control characters', () => {
    expect(tildify('/home/u/x', '/home/u')).toBe('~/x');
    expect(tildify('/home/uu', '/home/u')).toBe('/home/uu');
    expect(printable('a\u001b[31mb\n')).toBe('a?[31mb?');
  });

  it('aligns columns', () => {
    expect(table(['A', 'LONG'], [['xx', 'y']])).toBe('A   LONG\nxx  y\n');
  });
});
