import { describe, expect, it } from 'vitest';
import { parseKeys } from './keys.js';

describe('parseKeys', () => {
  it.each([
    ['q', ['q']],
    ['\r', ['enter']],
    ['\u001b[A\u001b[B', ['up', 'down']],
    ['\u001b', ['escape']],
    ['\u001b[1;5A', []],
    ['ab\u007f', ['a', 'b', 'backspace']],
    ['\u0003', ['ctrl-c']],
    ['é😀', ['é', '😀']],
    ['\u001b[6~x', ['pagedown', 'x']],
  ])('%j -> %j', (input, keys) => {
    expect(parseKeys(input)).toEqual(keys);
  });
});
