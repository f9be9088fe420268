import { describe, expect, it } from 'vitest';
import { mergeSettings, sessionClaudeSettings } from '../configdir/claude-settings.js';
import { sessionPaths } from '../store/layout.js';
import { encodePlan } from '../system/launch-plan.js';
import { choosesConversation, paneLaunchPlan, planLaunch, takeUserSettings } from './plan.js';

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
      hook: '/pkg/libexec/hook',
    });
    expect(plan.argv).toEqual(['/bin/claude', '--settings', paths.claudeSettings, '-p', 'hi']);
    expect(plan.set).toMatchObject({
      CLAUDE_CONFIG_DIR: paths.configDir,
      CLAUDE_CODE_TMPDIR: paths.tmpDir,
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_SESSION_ID: '11111111-2222-4333-8444-555555555555',
      CLAUDE_CODE_OAUTH_TOKEN: 't',
      CLAUDE_SESSION_HOOK: '/pkg/libexec/hook',
    });
    // A name inherited from a parent session must not stick to an unnamed one, nor its tmux.
    expect(plan.unset).toEqual([
      'CLAUDE_SESSION_NAME',
      'CLAUDE_SESSION_TMUX',
      'CLAUDE_SESSION_TMUX_BIN',
      'CLAUDE_SESSION_TMUX_MESSAGE',
      'CLAUDE_SESSION_NOTIFY',
    ]);
  });

  it('tells the hook about tmux and the notification command for a session in tmux', () => {
    const plan = planLaunch({
      paths,
      id: '11111111-2222-4333-8444-555555555555',
      name: 'api',
      cwd: '/work',
      claude: '/bin/claude',
      args: [],
      loginEnv: {},
      background: false,
      hook: '/pkg/libexec/hook',
      tmux: {
        socket: '/r/tmux/socket',
        binary: '/usr/bin/tmux',
        message: false,
        notifyCommand: 'notify-send',
      },
    });
    expect(plan.set).toMatchObject({
      CLAUDE_SESSION_NAME: 'api',
      CLAUDE_SESSION_TMUX: '/r/tmux/socket',
      CLAUDE_SESSION_TMUX_BIN: '/usr/bin/tmux',
      CLAUDE_SESSION_TMUX_MESSAGE: '0',
      CLAUDE_SESSION_NOTIFY: 'notify-send',
    });
    expect(plan.unset).toEqual([]);
  });
});

describe('paneLaunchPlan', () => {
  it("carries the caller's whole environment except the pane's own, and the plan's changes win", () => {
    const plan = {
      cwd: '/w',
      set: { CLAUDE_CONFIG_DIR: '/c', PATH: '/session/bin' },
      unset: ['CLAUDE_SESSION_NAME'],
      argv: ['/bin/claude'],
      background: true,
    };
    const pane = paneLaunchPlan(plan, {
      PATH: '/usr/bin',
      SECRET: 'a\nb',
      TERM: 'xterm',
      TMUX: '/tmp/x,1,0',
      CLAUDE_SESSION_NAME: 'parent',
      CLAUDE_SESSION_HANDOFF: '3',
      'BAD-NAME': 'x',
    });
    expect(pane).toEqual({
      cwd: '/w',
      set: { PATH: '/session/bin', SECRET: 'a\nb', CLAUDE_CONFIG_DIR: '/c' },
      unset: [],
      argv: ['/bin/claude'],
      background: false,
    });
  });
});

describe('sessionClaudeSettings', () => {
  it('runs the state hook through a constant command, never a path built into a shell string', () => {
    const text = JSON.stringify(sessionClaudeSettings());
    const commands = [...text.matchAll(/"command":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));
    expect(commands.length).toBeGreaterThan(5);
    for (const command of commands)
      expect(command).toMatch(/^"\$\{CLAUDE_SESSION_HOOK:-true\}" (working|waiting|idle)( prompt)?$/);
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

describe("the user's own --settings", () => {
  it('are taken out of the arguments, in order, in both spellings', () => {
    expect(
      takeUserSettings(['-p', 'x', '--settings', 'a.json', '--settings={"b":1}', '--model', 'opus']),
    ).toEqual({
      args: ['-p', 'x', '--model', 'opus'],
      sources: ['a.json', '{"b":1}'],
    });
    expect(takeUserSettings(['--settings'])).toEqual({ args: ['--settings'], sources: [] });
  });

  it("merge with the session's: later keys win, hooks add up, the session's hooks always stay", () => {
    const ours = { disableDeepLinkRegistration: 'disable', hooks: { Stop: [{ hooks: ['ours'] }] } };
    const merged = mergeSettings(ours, [
      { model: 'opus', hooks: { Stop: [{ hooks: ['first'] }], PreToolUse: [{ hooks: ['pre'] }] } },
      { model: 'sonnet', disableDeepLinkRegistration: 'enable', hooks: 'nonsense' },
    ]);
    expect(merged).toEqual({
      disableDeepLinkRegistration: 'enable',
      model: 'sonnet',
      hooks: { Stop: [{ hooks: ['first'] }, { hooks: ['ours'] }], PreToolUse: [{ hooks: ['pre'] }] },
    });
  });
});
