import { describe, expect, it } from 'vitest';
import { choosesConversation, encodePlan, planLaunch } from './launch.js';
import { sessionPaths } from './layout.js';

const paths = sessionPaths('/r', '11111111-2222-4333-8444-555555555555');

describe('planLaunch', () => {
  it('gives Claude the session environment and our settings before the user arguments', () => {
    const plan = planLaunch({
      paths,
      id: '11111111-2222-4333-8444-555555555555',
      name: null,
      cwd: '/work',
      claude: '/bin/claude',
      args: ['-p', 'hi'],
      loginEnv: { CLAUDE_CODE_OAUTH_TOKEN: 't' },
      background: false,
    });
    expect(plan.argv).toEqual(['/bin/claude', '--settings', paths.claudeSettings, '-p', 'hi']);
    expect(plan.set).toMatchObject({
      CLAUDE_CONFIG_DIR: paths.configDir,
      CLAUDE_CODE_TMPDIR: paths.tmpDir,
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_SESSION_ID: '11111111-2222-4333-8444-555555555555',
      CLAUDE_CODE_OAUTH_TOKEN: 't',
    });
    // A name inherited from a parent session must not stick to an unnamed one.
    expect(plan.unset).toEqual(['CLAUDE_SESSION_NAME']);
  });
});

describe('encodePlan', () => {
  it('writes one line per value, with backslashes doubled and newlines escaped', () => {
    const text = encodePlan({
      cwd: '/a\nb',
      set: { X: 'c\\d' },
      unset: ['Y'],
      argv: ['e', ''],
      background: true,
    });
    expect(text).toBe('#claude-session-plan 1\nB update --background\nC /a\\nb\nU Y\nE X=c\\\\d\nA e\nA \n');
  });
});

describe('choosesConversation', () => {
  it.each([
    [['-c'], true],
    [['--resume', 'x'], true],
    [['--resume=x'], true],
    [['-r'], true],
    [['--session-id', 'x'], true],
    [['-p', 'continue please'], false],
    [[], false],
  ])('%j -> %s', (args, expected) => {
    expect(choosesConversation(args)).toBe(expected);
  });
});
