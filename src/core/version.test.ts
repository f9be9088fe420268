import { describe, expect, it } from 'vitest';
import { compareVersions, isPackageName, newest, parseVersion } from './version.js';

describe('versions', () => {
  it.each(['0.0.0', '1.2.3', '2.1.332', '999999999.0.1'])('accepts %s', (text) => {
    expect(parseVersion(text)).toBeDefined();
  });
  it.each([
    '1.2',
    '1.2.3.4',
    'v1.2.3',
    '01.2.3',
    '1.2.3-beta',
    ' 1.2.3',
    '1.2.3 ',
    '1.2.3 && touch /tmp/x',
    '1.0.0 --prefix=/etc',
    '../../x',
    'x'.repeat(10_000),
    '1.2.3\n',
    '',
  ])('refuses %j', (text) => {
    expect(parseVersion(text)).toBeUndefined();
  });
  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 1, {}, ['1.2.3']]) expect(parseVersion(value)).toBeUndefined();
  });
  it('compares numerically', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBe(1);
    expect(compareVersions('2.1.332', '2.1.332')).toBe(0);
    expect(newest(['1.2.0', '1.10.0', 'junk', '1.9.0'])).toBe('1.10.0');
  });
  it.each([
    ['@anthropic-ai/claude-code', true],
    ['left-pad', true],
    ['@a/b c', false],
    ['--registry=x', false],
    ['@a/b@1', false],
    ['../x', false],
  ])('package name %s -> %s', (name, ok) => {
    expect(isPackageName(name)).toBe(ok);
  });
});
