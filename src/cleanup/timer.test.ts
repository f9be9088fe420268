import { describe, expect, it } from 'vitest';
import {
  CRON_MARKER,
  cronLine,
  hasCronLine,
  shellQuote,
  systemdUnits,
  timerEnvironment,
  withCronLine,
  withoutCronLine,
} from './timer.js';

const command = {
  entry: '/opt/claude sessions/bin/claude-session',
  args: ['cleanup', '--yes'],
  env: [['CLAUDE_SESSION_NODE', '/usr/bin/node']] as [string, string][],
};

describe('the crontab line', () => {
  it('runs the entry by its absolute path, with node named, quoted for sh, tagged', () => {
    expect(cronLine(command)).toBe(
      `23 4 * * * CLAUDE_SESSION_NODE=/usr/bin/node '/opt/claude sessions/bin/claude-session' cleanup --yes >/dev/null ${CRON_MARKER}`,
    );
  });

  it('replaces an earlier line of ours and keeps every other line', () => {
    const before = `MAILTO=me\n0 * * * * backup\n1 1 * * * old ${CRON_MARKER}\n`;
    const after = withCronLine(before, 'NEW');
    expect(after).toBe('MAILTO=me\n0 * * * * backup\nNEW\n');
    expect(withCronLine('', 'NEW')).toBe('NEW\n');
    expect(hasCronLine(before)).toBe(true);
    expect(withoutCronLine(before)).toBe('MAILTO=me\n0 * * * * backup\n');
    expect(withoutCronLine(`x ${CRON_MARKER}\n`)).toBe('');
    expect(hasCronLine('0 * * * * backup\n')).toBe(false);
  });

  it('refuses a path crontab would mangle', () => {
    expect(() => cronLine({ ...command, entry: '/opt/100%/bin/claude-session' })).toThrow(/contains "%"/);
    expect(() => cronLine({ ...command, entry: '/opt/a\nb' })).toThrow(/control character/);
  });
});

describe('the systemd units', () => {
  it('a oneshot service with the environment, and a daily persistent timer', () => {
    const { service, timer } = systemdUnits({
      ...command,
      env: [...command.env, ['CLAUDE_SESSION_ROOT', '/srv/100%"x"']],
    });
    expect(service).toContain('Type=oneshot\n');
    expect(service).toContain('Environment="CLAUDE_SESSION_NODE=/usr/bin/node"\n');
    expect(service).toContain('Environment="CLAUDE_SESSION_ROOT=/srv/100%%\\"x\\""\n');
    expect(service).toContain('ExecStart="/opt/claude sessions/bin/claude-session" "cleanup" "--yes"\n');
    expect(timer).toContain('OnCalendar=daily\n');
    expect(timer).toContain('Persistent=true\n');
    expect(timer).toContain('WantedBy=timers.target\n');
  });

  it('doubles $ in ExecStart, which systemd would expand', () => {
    const { service } = systemdUnits({ ...command, entry: '/home/$USER/bin/claude-session' });
    expect(service).toContain('ExecStart="/home/$$USER/bin/claude-session"');
  });
});

describe('timerEnvironment', () => {
  it('carries node and the variables that choose the root and the config', () => {
    const env = {
      CLAUDE_SESSION_ROOT: '/srv/s',
      PATH: '/bin',
      XDG_CONFIG_HOME: '/c',
      CLAUDE_SESSION_CONFIG: '',
    };
    expect(timerEnvironment(env, '/n/node')).toEqual([
      ['CLAUDE_SESSION_NODE', '/n/node'],
      ['CLAUDE_SESSION_ROOT', '/srv/s'],
      ['XDG_CONFIG_HOME', '/c'],
    ]);
  });
});

describe('shellQuote', () => {
  it.each([
    ['/usr/bin/node', '/usr/bin/node'],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$(rm -rf ~)', "'$(rm -rf ~)'"],
    ['', "''"],
  ])('%j', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });
});
