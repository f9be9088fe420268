import { describe, expect, it } from 'vitest';
import { budgetState } from './budget.js';

describe('budgetState', () => {
  it.each([
    ['no budget', 3, undefined, 'none'],
    ['no budget, unknown cost', null, undefined, 'none'],
    ['no budget, nothing spent', 0, undefined, 'none'],
    ['nothing spent', 0, 5, 'ok'],
    ['under 80 %', 3.99, 5, 'ok'],
    ['just under 80 %', 3.999999, 5, 'ok'],
    ['exactly 80 %', 4, 5, 'warn'],
    ['between 80 and 100 %', 4.5, 5, 'warn'],
    ['just under 100 %', 4.999999, 5, 'warn'],
    ['exactly 100 %', 5, 5, 'over'],
    ['past 100 %', 12, 5, 'over'],
    ['a small budget, at 80 %', 0.008, 0.01, 'warn'],
    ['a small budget, over', 0.0100001, 0.01, 'over'],
    ['unknown cost with a budget: never over by a guess', null, 5, 'ok'],
    ['a cost that is not a number counts as unknown', Number.NaN, 5, 'ok'],
  ] as const)('%s: cost %s, budget %s -> %s', (_what, cost, budget, expected) => {
    expect(budgetState(cost, budget)).toBe(expected);
  });
});
