import { describe, expect, it } from 'vitest';
import { fitCells, safeText, textWidth } from './text.js';

describe('safeText', () => {
  it.each([
    ['plain', 'plain'],
    ['\u001b[31mred\u001b[0m', 'red'],
    ['\u001b[2J\u001b[Hcleared', 'cleared'],
    ['\u001b]0;evil title\u0007after', 'after'],
    ['\u001b]52;c;aGk=\u001b\\clip', 'clip'],
    ['\u001bPq#0;1;1\u001b\\dcs', 'dcs'],
    ['\u009b31m8-bit csi', '8-bit csi'],
    ['\u009d0;t\u009cosc8', 'osc8'],
    ['a\u0007b\u0008c\rd\ne', 'a?b?c?d?e'],
    ['tab\there', 'tab    here'],
    ['\u001b', ''],
    ['\u001b[', ''],
    ['\u001b]unterminated', ''],
    ['\u007fdel', '?del'],
  ])('%j -> %j', (input, expected) => {
    expect(safeText(input)).toBe(expected);
  });

  it('leaves no ESC, BEL or C1 character in anything', () => {
    const nasty = '\u001b[?1049l\u001b[?25h\u001bc\u001b)0\u000e\u009b?1049h\u001b]8;;http://x\u001b\\x';
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for control characters
    expect(safeText(nasty)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('fitCells', () => {
  it.each([
    ['abc', 5, 'abc  '],
    ['abcdef', 4, 'abc…'],
    ['abcd', 4, 'abcd'],
    ['日本語', 4, '日… '],
    ['日本', 4, '日本'],
    ['x', 0, ''],
    ['\u001b[31mred', 3, 'red'],
  ])('%j in %i cells -> %j', (text, width, expected) => {
    expect(fitCells(text, width)).toBe(expected);
    if (width > 0) expect(textWidth(fitCells(text, width))).toBe(width);
  });
});
