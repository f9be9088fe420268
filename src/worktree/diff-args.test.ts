import { describe, expect, it } from 'vitest';
import { diffArgsProblem } from './diff-args.js';

describe('diffArgsProblem', () => {
  it.each([
    [[]],
    [['--stat']],
    [['--name-only', '--', 'src/']],
    [['-U10', '--word-diff', '--color=always']],
    [['--output-indicator-new=>']],
    [['--ours']],
    [['--', '--output']],
    [['-o']],
  ])('lets %j through', (args) => {
    expect(diffArgsProblem(args)).toBeUndefined();
  });

  it.each([
    [['--output=/tmp/x'], '--output'],
    [['--output', '/tmp/x'], '--output'],
    [['--stat', '--outp=/tmp/x'], '--outp'],
    [['--o=x'], '--o'],
  ])('refuses %j', (args, option) => {
    expect(diffArgsProblem(args)).toContain(`${option} writes a file`);
  });
});
