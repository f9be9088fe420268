import { describe, expect, it } from 'vitest';
import { parseLaunch, parseResume } from './main.js';

describe('the launch fast path', () => {
  it.each([
    [[], { name: null, args: [] }],
    [['--', '-p', 'x'], { name: null, args: ['-p', 'x'] }],
    [['--name', 'a'], { name: 'a', args: [] }],
    [['-n', 'a', '--', '--name', 'b'], { name: 'a', args: ['--name', 'b'] }],
    [['--name=a', '--'], { name: 'a', args: [] }],
    [['list'], undefined],
    [['--help'], undefined],
    [['--name'], undefined],
    [['--name', 'a', '--name', 'b'], undefined],
    [['lsit', '--', 'x'], undefined],
  ])('parseLaunch(%j) = %j', (argv, expected) => {
    expect(parseLaunch(argv)).toEqual(expected);
  });

  it.each([
    [['resume', 'a'], { query: 'a', args: [] }],
    [['resume', 'a', '--', '-c'], { query: 'a', args: ['-c'] }],
    [['resume', '--help'], undefined],
    [['resume', 'a', '-x'], undefined],
    [['resume'], undefined],
    [['list', 'a'], undefined],
  ])('parseResume(%j) = %j', (argv, expected) => {
    expect(parseResume(argv)).toEqual(expected);
  });
});
