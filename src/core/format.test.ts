import { describe, expect, it } from 'vitest';
import { fitColumns, formatAge, formatBytes, printable, table, tildify } from './format.js';

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

describe('fitColumns', () => {
  const header = ['ID', 'PID', 'STARTED', 'COST', 'DIRECTORY'];
  const rows = [['3f2a9c1e', '41234', '20m ago', '$5.20/5 !', '~/src/a-long-directory-name-here']];
  // Widths 8, 5, 7, 9 (each + 2) and the directory's first 20: 57.
  it.each([
    [80, [0, 1, 2, 3, 4]],
    [57, [0, 1, 2, 3, 4]],
    [56, [0, 2, 3, 4]],
    [50, [0, 2, 3, 4]],
    [49, [0, 3, 4]],
    [10, [0, 3, 4]],
  ])('%i columns keep %j', (width, kept) => {
    expect(fitColumns(header, rows, width, ['PID', 'STARTED'])).toEqual(kept);
  });

  it('never drops the last column, nor one not named', () => {
    expect(fitColumns(header, rows, 1, ['DIRECTORY', 'NOPE', 'ID'])).toEqual([1, 2, 3, 4]);
  });
});
