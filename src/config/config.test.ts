import { describe, expect, it } from 'vitest';
import { configFilePath, loadSettings, parseConfig } from './config.js';

describe('config', () => {
  it('finds the config file through CLAUDE_SESSION_CONFIG, XDG_CONFIG_HOME, or ~/.config', () => {
    expect(configFilePath({ CLAUDE_SESSION_CONFIG: '/c.json' }, '/h')).toBe('/c.json');
    expect(configFilePath({ XDG_CONFIG_HOME: '/x' }, '/h')).toBe('/x/claude-sessions/config.json');
    expect(configFilePath({}, '/h')).toBe('/h/.config/claude-sessions/config.json');
  });

  it('takes the root from the environment before the file, and defaults to ~/.claude-sessions', () => {
    expect(loadSettings({ CLAUDE_SESSION_CONFIG: '/nonexistent.json' }, '/h')).toMatchObject({
      root: '/h/.claude-sessions',
      rootIsExplicit: false,
      protectShared: 'readonly',
    });
    expect(
      loadSettings({ CLAUDE_SESSION_CONFIG: '/nonexistent.json', CLAUDE_SESSION_ROOT: '~/s' }, '/h'),
    ).toMatchObject({
      root: '/h/s',
      rootIsExplicit: true,
    });
  });

  it('validates the file', () => {
    expect(parseConfig('{"root":"/r","protectShared":"off"}', 'f')).toEqual({
      root: '/r',
      protectShared: 'off',
    });
    expect(() => parseConfig('{"rooot":"/r"}', 'f')).toThrow(/config file f: .*allowed keys/);
    expect(() => parseConfig('[', 'f')).toThrow(/not valid JSON/);
  });
});
