import { describe, expect, it } from 'vitest';
import { literal } from './tmux.js';

describe('literal', () => {
  it.each([
    ['/home/u/project', '/home/u/project'],
    ['/home/u/odd;', '/home/u/odd\\;'],
    ['ends with \\;', 'ends with \\\\;'],
    [';', '\\;'],
    ['a;b', 'a;b'],
    ['', ''],
  ])('%j -> %j', (argument, expected) => {
    expect(literal(argument)).toBe(expected);
  });
});
