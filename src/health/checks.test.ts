import { describe, expect, it } from 'vitest';
import { SHARED_ENTRIES } from '../configdir/shared.js';
import { checkClaude, checkLogin, checkProtection, runChecks } from './checks.js';
import { checkMemoryCap, checkUpdate } from './host-checks.js';
import type { HealthFacts, LiveFacts, SessionFacts, TmuxServerFacts } from './model.js';
import { privacyFinding } from './privacy.js';
import { checkBaseWrites, checkProcess } from './session-checks.js';
import { checkHooks, checkLogout, checkTmux, checkTmuxServer, parseTmuxVersion } from './tmux-checks.js';
import { parseLogind } from './tmux-facts.js';

const HOME = '/home/u';
const ROOT = `${HOME}/.claude-sessions`;
const BASE = `${HOME}/.claude`;
const ID = '3f2a9c1e-0000-4000-8000-000000000001';
const DIR = `${ROOT}/sessions/${ID}`;
const SOCKET = `${ROOT}/tmux/socket`;
const NOW = Date.parse('2026-01-01T12:00:00Z');

function session(overrides: Partial<SessionFacts> = {}): SessionFacts {
  return {
    id: ID,
    name: 'api',
    dir: DIR,
    configDir: `${DIR}/config`,
    tmpDir: `${DIR}/tmp`,
    realConfigDir: `${DIR}/config`,
    problem: undefined,
    base: BASE,
    dirStat: { path: DIR, kind: 'dir', mode: 0o700, uid: 1000 },
    configStat: { path: `${DIR}/config`, kind: 'dir', mode: 0o700, uid: 1000 },
    links: SHARED_ENTRIES.map(({ name }) => ({
      name,
      state: 'linked' as const,
      kind: 'link' as const,
      actual: `${BASE}/${name}`,
      target: `${BASE}/${name}`,
    })),
    credentials: undefined,
    conversations: [],
    live: undefined,
    tmuxSocket: undefined,
    ...overrides,
  };
}

function live(overrides: Partial<LiveFacts> = {}): LiveFacts {
  return {
    pid: 4242,
    recordedAtMs: NOW - 60_000,
    env: {
      CLAUDE_CONFIG_DIR: `${DIR}/config`,
      CLAUDE_CODE_TMPDIR: `${DIR}/tmp`,
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_SESSION_ID: ID,
    },
    realConfigDir: `${DIR}/config`,
    launching: false,
    markers: [],
    ...overrides,
  };
}

function server(overrides: Partial<TmuxServerFacts> = {}): TmuxServerFacts {
  return {
    socket: SOCKET,
    exists: false,
    sessions: undefined,
    problem: undefined,
    pid: undefined,
    cgroup: undefined,
    ...overrides,
  };
}

function facts(overrides: Partial<HealthFacts> = {}): HealthFacts {
  return {
    nowMs: NOW,
    uid: 1000,
    home: HOME,
    root: ROOT,
    rootIsExplicit: false,
    rootStat: { path: ROOT, kind: 'dir', mode: 0o700, uid: 1000 },
    sessionsDirStat: { path: `${ROOT}/sessions`, kind: 'dir', mode: 0o700, uid: 1000 },
    sessionsProblem: undefined,
    base: { dir: BASE, exists: true, source: 'default' },
    protectShared: 'readonly',
    unlocked: false,
    unprotected: [],
    protectionRefused: [],
    claude: {
      path: '/usr/bin/claude',
      source: 'PATH',
      version: '2.1.332',
      problem: undefined,
      installsOnStart: true,
    },
    login: { kind: 'stored-token' },
    secrets: [{ path: `${ROOT}/credentials/oauth-token`, kind: 'file', mode: 0o600, uid: 1000 }],
    sessions: [session({ live: live() })],
    baseConversations: new Map([[BASE, new Map()]]),
    tmux: {
      path: '/usr/bin/tmux',
      version: 'tmux 3.4',
      installHint: 'sudo apt-get install tmux',
      mode: 'terminal',
      modeSource: 'default',
      servers: [server()],
    },
    logout: {
      systemd: true,
      user: 'u',
      logind: { killUserProcesses: false, explicit: false, killOnlyUsers: [], killExcludeUsers: ['root'] },
      linger: false,
      scope: 'own',
    },
    hooks: { settings: `${BASE}/settings.json`, disabled: false },
    memoryCap: {
      systemdRun: undefined,
      userManager: false,
      runtimeDir: '/run/user/1000',
      cgroup: 'v2',
      whenUnavailable: 'refuse',
      configured: undefined,
    },
    update: {
      checks: true,
      checkedAt: new Date(NOW - 3600_000).toISOString(),
      latest: '2.1.332',
      error: null,
      notified: null,
    },
    worktrees: { dir: '/home/u/.claude-sessions/worktrees', sessions: [], registrations: [], dirs: [] },
    ...overrides,
  };
}

const statuses = (findings: { status: string }[]) => findings.map((finding) => finding.status);

describe('runChecks', () => {
  it('finds nothing wrong in a healthy installation', () => {
    const findings = runChecks(facts());
    expect(findings.filter((finding) => finding.status !== 'ok')).toEqual([]);
    expect(findings.map((finding) => finding.check)).toEqual([
      'claude',
      'base',
      'permissions',
      'protection',
      'login',
      'shared-links',
      'session-env',
      'base-writes',
      'tmux',
      'logout',
      'hooks',
      'tmux-server',
      'memory-cap',
      'update',
    ]);
  });
});

describe('privacyFinding', () => {
  const check = (kind: 'dir' | 'file', mode: number, secret = false, uid = 1000) =>
    privacyFinding('permissions', facts(), { path: '/p', kind, mode, uid }, 'x', secret)?.status;
  it.each([
    ['dir', 0o700, false, undefined],
    ['dir', 0o750, false, 'warn'],
    ['dir', 0o755, false, 'warn'],
    ['dir', 0o770, false, 'fail'],
    ['dir', 0o703, false, 'fail'],
    ['file', 0o600, true, undefined],
    ['file', 0o640, true, 'fail'],
  ] as const)('%s %o (secret: %s) -> %s', (kind, mode, secret, expected) => {
    expect(check(kind, mode, secret)).toBe(expected);
  });
  it('fails on a path owned by someone else, with the chown to fix it', () => {
    const finding = privacyFinding(
      'permissions',
      facts(),
      { path: '/p', kind: 'dir', mode: 0o700, uid: 0 },
      'x',
      false,
    );
    expect(finding).toMatchObject({ status: 'fail', fix: 'sudo chown -R 1000 /p' });
  });
});

describe('checkProcess', () => {
  const run = (overrides: Partial<LiveFacts>) => {
    const state = live(overrides);
    return checkProcess(facts(), session({ live: state }), state)[0];
  };
  const env = live().env ?? {};
  it.each([
    ['launching', { launching: true, env: {} }, 'ok', 'is starting'],
    ['unreadable', { env: undefined }, 'warn', 'cannot read /proc/4242/environ'],
    [
      'lost',
      { env: { ...env, CLAUDE_CONFIG_DIR: undefined } },
      'fail',
      'runs without CLAUDE_CONFIG_DIR: it reads and writes ~/.claude',
    ],
    [
      'another',
      { env: { ...env, CLAUDE_CONFIG_DIR: '/x' }, realConfigDir: '/x' },
      'fail',
      'CLAUDE_CONFIG_DIR=/x, not its own',
    ],
    ['same by real path', { env: { ...env, CLAUDE_CONFIG_DIR: '/link/config' } }, 'ok', 'runs with its own'],
    ['updater', { env: { ...env, DISABLE_AUTOUPDATER: undefined } }, 'warn', 'DISABLE_AUTOUPDATER is not 1'],
    [
      'tmp',
      { env: { ...env, CLAUDE_CODE_TMPDIR: '/tmp' } },
      'warn',
      'CLAUDE_CODE_TMPDIR is not inside the session',
    ],
    [
      'id',
      { env: { ...env, CLAUDE_SESSION_ID: 'other' } },
      'warn',
      'CLAUDE_SESSION_ID names another session',
    ],
  ] as const)('%s', (_, overrides, status, text) => {
    const finding = run(overrides as Partial<LiveFacts>);
    expect(finding?.status).toBe(status);
    expect(finding?.message).toContain(text);
    if (status !== 'ok') expect(finding?.fix).toBeTruthy();
  });
});

describe('checkBaseWrites', () => {
  const marker = (startedAtMs: number) => ({
    path: `${BASE}/sessions/4242.json`,
    sessionId: 'c1',
    startedAtMs,
  });
  it('fails on a marker of the live process in the base, not on an older one of a reused pid', () => {
    const recent = facts({ sessions: [session({ live: live({ markers: [marker(NOW - 30_000)] }) })] });
    expect(statuses(checkBaseWrites(recent))).toEqual(['fail']);
    const stale = facts({ sessions: [session({ live: live({ markers: [marker(NOW - 3600_000)] }) })] });
    expect(statuses(checkBaseWrites(stale))).toEqual(['ok']);
  });
  it("warns when the base's transcripts or history name a session's conversation", () => {
    const inBase = new Map([[BASE, new Map([['c1', `${BASE}/history.jsonl`]])]]);
    const findings = checkBaseWrites(
      facts({ sessions: [session({ conversations: ['c1', 'c2'] })], baseConversations: inBase }),
    );
    expect(statuses(findings)).toEqual(['warn']);
    expect(findings[0]?.message).toContain(
      '1 of its conversation(s) are also in the base (~/.claude/history.jsonl)',
    );
  });
});

describe('installation checks', () => {
  it('claude: missing is a warning when the first start installs it, a failure otherwise', () => {
    const missing = { path: undefined, source: undefined, version: null, installsOnStart: true } as const;
    expect(statuses(checkClaude(facts({ claude: { ...missing, problem: 'x' } })))).toEqual(['warn']);
    const failed = checkClaude(
      facts({
        claude: {
          ...missing,
          installsOnStart: false,
          problem: 'Claude Code (`claude`) not found on PATH: install it',
        },
      }),
    );
    expect(failed).toEqual([
      {
        check: 'claude',
        status: 'fail',
        message: 'Claude Code (`claude`) not found on PATH',
        fix: 'install it',
      },
    ]);
    expect(statuses(checkClaude(facts({ claude: { ...facts().claude, version: null } })))).toEqual(['fail']);
  });
  it('protection: root, unlocked and writable entries are warnings; off is a choice', () => {
    expect(statuses(checkProtection(facts({ uid: 0 })))).toEqual(['warn']);
    expect(checkProtection(facts({ unlocked: true }))[0]?.fix).toBe('claude-session shared lock');
    expect(checkProtection(facts({ unprotected: ['skills'] }))[0]?.message).toContain(
      'writable by sessions: skills',
    );
    expect(statuses(checkProtection(facts({ protectShared: 'off', uid: 0 })))).toEqual(['ok']);
  });
  it('protection: each entry left alone behind an unsafe link is a warning with its fix', () => {
    const refused = {
      name: 'agents',
      reason:
        'leads through /srv/team, which is writable by its group: another user could point it at your own files',
      fix: "make /srv/team (and every directory on the way) yours or root's and not writable by group or others, or replace /home/u/.claude/agents with a copy",
    };
    const findings = checkProtection(facts({ protectionRefused: [refused], unprotected: ['skills'] }));
    expect(statuses(findings)).toEqual(['warn', 'warn']);
    expect(findings[0]?.message).toBe(
      `not protected: shared agents ${refused.reason}; claude-session changes no mode there`,
    );
    expect(findings[0]?.fix).toBe(refused.fix);
    expect(statuses(checkProtection(facts({ protectionRefused: [refused], uid: 0 })))).toEqual(['warn']);
  });
  it('login: private copies of shared /login credentials are a warning with `claude-session login`', () => {
    const credentials = {
      path: `${DIR}/config/.credentials.json`,
      kind: 'file',
      mode: 0o600,
      uid: 1000,
    } as const;
    const shared = facts({ login: { kind: 'shared-login', credentials: `${BASE}/.credentials.json` } });
    expect(statuses(checkLogin(shared))).toEqual(['ok']);
    const detached = checkLogin({ ...shared, sessions: [session({ credentials })] });
    expect(detached[0]).toMatchObject({
      status: 'warn',
      fix: expect.stringMatching(/^claude-session login/),
    });
    expect(statuses(checkLogin(facts({ login: { kind: 'none' } })))).toEqual(['warn']);
  });
  it('memory cap: says what is available; a configured cap that cannot work fails', () => {
    const cap = facts().memoryCap;
    expect(checkMemoryCap(facts())[0]?.message).toContain('not available here: systemd-run not found');
    const noManager = { ...cap, systemdRun: '/usr/bin/systemd-run' };
    expect(checkMemoryCap(facts({ memoryCap: noManager }))[0]?.message).toContain('no systemd user manager');
    expect(statuses(checkMemoryCap(facts({ memoryCap: { ...noManager, configured: '600M' } })))).toEqual([
      'fail',
    ]);
    expect(statuses(checkMemoryCap(facts({ memoryCap: { ...noManager, userManager: true } })))).toEqual([
      'ok',
    ]);
  });
  it('update: the last error is a warning', () => {
    const update = { ...facts().update, error: 'registry: no answer within 5 s' };
    expect(checkUpdate(facts({ update }))[0]).toMatchObject({
      status: 'warn',
      message: 'the last update check (1h ago) failed: registry: no answer within 5 s',
    });
  });
});

describe('parseTmuxVersion', () => {
  it.each([
    ['tmux 3.3a', [3, 3]],
    ['tmux 3.0', [3, 0]],
    ['tmux 2.9a\n', [2, 9]],
    ['tmux next-3.6', [3, 6]],
    ['tmux master', undefined],
    ['tmux openbsd-7.4', undefined],
  ] as const)('%j -> %j', (text, expected) => {
    expect(parseTmuxVersion(text)).toEqual(expected);
  });
});

describe('checkTmux', () => {
  const missing = { path: undefined, version: undefined };
  it.each([
    ['found', {}, 'ok', 'tmux 3.4: /usr/bin/tmux (mode: terminal)', undefined],
    ['3.0', { version: 'tmux 3.0a' }, 'ok', 'tmux 3.0a', undefined],
    ['unknown version text', { version: 'tmux master' }, 'ok', 'tmux master', undefined],
    ['older than 3.0', { version: 'tmux 2.9a' }, 'warn', 'older than tmux 3.0', 'upgrade tmux to 3.0'],
    ['silent', { version: undefined }, 'warn', 'does not answer `tmux -V`', '/usr/bin/tmux -V'],
    [
      'missing, terminal mode',
      missing,
      'warn',
      'tmux not found on PATH: tmux mode and --detach are unavailable',
      'install: sudo apt-get install tmux',
    ],
    [
      'missing, no package manager known',
      { ...missing, installHint: 'install tmux with your package manager' },
      'warn',
      'tmux not found on PATH',
      'install tmux with your package manager',
    ],
    [
      'missing, tmux mode from the config file',
      { ...missing, mode: 'tmux', modeSource: `${HOME}/.config/claude-sessions/config.json` },
      'fail',
      '"mode": "tmux" in ~/.config/claude-sessions/config.json): a plain `claude-session` fails',
      '"mode": "terminal" in ~/.config/claude-sessions/config.json',
    ],
    [
      'missing, tmux mode from the environment',
      { ...missing, mode: 'tmux', modeSource: 'CLAUDE_SESSION_MODE' },
      'fail',
      'CLAUDE_SESSION_MODE=tmux',
      'install: sudo apt-get install tmux; or run sessions in the terminal (unset CLAUDE_SESSION_MODE)',
    ],
  ] as const)('%s', (_, overrides, status, text, fix) => {
    const [finding, ...rest] = checkTmux(facts({ tmux: { ...facts().tmux, ...overrides } }));
    expect(rest).toEqual([]);
    expect(finding?.status).toBe(status);
    expect(finding?.message).toContain(text);
    if (fix) expect(finding?.fix).toContain(fix);
    expect(finding?.fix ?? '').not.toContain('install: install');
  });
});

describe('checkLogout', () => {
  const logout = facts().logout;
  const kills = { ...logout.logind, killUserProcesses: true, explicit: true };
  const inLogin = '/user.slice/user-1000.slice/session-4.scope';
  const inScope = '/user.slice/user-1000.slice/user@1000.service/app.slice/run-r1.scope';
  it.each([
    ['not systemd', { systemd: false }, {}, 'ok', 'no systemd here'],
    ['no tmux', { logind: kills }, { path: undefined }, 'ok', 'no tmux'],
    [
      'logind keeps processes',
      {},
      {},
      'ok',
      'keeps processes at logout (KillUserProcesses=no (the default))',
    ],
    ['excluded user', { logind: kills, user: 'root' }, {}, 'ok', 'KillUserProcesses=yes, but not for root'],
    [
      'other users only',
      { logind: { ...kills, killOnlyUsers: ['alice'] } },
      {},
      'ok',
      'but not for u (KillOnlyUsers=alice',
    ],
    ['no linger', { logind: kills }, {}, 'warn', 'tmux sessions are killed when you log out'],
    [
      'linger, server from before',
      { logind: kills, linger: true },
      { servers: [server({ exists: true, sessions: [], pid: 77, cgroup: inLogin })] },
      'warn',
      'our running tmux server (pid 77) started in your login session',
    ],
    [
      'linger, no scope',
      { logind: kills, linger: true, scope: 'unavailable' },
      {},
      'warn',
      'a new tmux server would start in your login session',
    ],
    [
      'linger, scope disabled',
      { logind: kills, linger: true, scope: 'disabled' },
      {},
      'warn',
      'CLAUDE_SESSION_NO_SCOPE=1',
    ],
    [
      'linger and a scope',
      { logind: kills, linger: true },
      { servers: [server({ exists: true, sessions: [], pid: 77, cgroup: inScope })] },
      'ok',
      'lingering is on for u: our tmux server runs in its own systemd user scope',
    ],
  ] as const)('%s', (_, logoutOverrides, tmuxOverrides, status, text) => {
    const findings = checkLogout(
      facts({
        logout: { ...logout, ...(logoutOverrides as Partial<HealthFacts['logout']>) },
        tmux: { ...facts().tmux, ...(tmuxOverrides as Partial<HealthFacts['tmux']>) },
      }),
    );
    expect(statuses(findings)).toEqual([status]);
    expect(findings[0]?.message).toContain(text);
    if (status !== 'ok') expect(findings[0]?.fix).toBeTruthy();
  });
  it('says how to make the user linger', () => {
    const findings = checkLogout(facts({ logout: { ...logout, logind: kills } }));
    expect(findings[0]?.fix).toBe(
      '`loginctl enable-linger u` (our tmux server then starts in its own systemd user scope)',
    );
  });
});

describe('parseLogind', () => {
  const shipped = (kill: string) =>
    `# comment\n[Login]\n#NAutoVTs=6\n#KillUserProcesses=${kill}\n#KillOnlyUsers=\n#KillExcludeUsers=root\n`;
  it.each([
    ['nothing', [], false, false, ['root']],
    ['shipped, compiled default no', [shipped('no')], false, false, ['root']],
    ['shipped, compiled default yes', [shipped('yes')], true, false, ['root']],
    ['set in logind.conf', [`${shipped('no')}KillUserProcesses=yes\n`], true, true, ['root']],
    [
      'a drop-in wins',
      [`${shipped('no')}KillUserProcesses=yes\n`, '[Login]\nKillUserProcesses=no\n'],
      false,
      true,
      ['root'],
    ],
    [
      'the last drop-in wins',
      ['[Login]\nKillUserProcesses=no', '[Login]\nKillUserProcesses = on'],
      true,
      true,
      ['root'],
    ],
    [
      'an invalid value is ignored',
      ['[Login]\nKillUserProcesses=yes\nKillUserProcesses=maybe'],
      true,
      true,
      ['root'],
    ],
    ['another section', ['[Other]\nKillUserProcesses=yes'], false, false, ['root']],
    [
      'user lists add up; empty clears',
      ['[Login]\nKillExcludeUsers=\nKillExcludeUsers=alice', '[Login]\nKillExcludeUsers=bob  carol'],
      false,
      false,
      ['alice', 'bob', 'carol'],
    ],
    [
      'a commented line in a drop-in is no default',
      [shipped('no'), '[Login]\n#KillUserProcesses=yes'],
      false,
      false,
      ['root'],
    ],
  ] as const)('%s', (_, texts, kill, explicit, exclude) => {
    expect(parseLogind(texts)).toEqual({
      killUserProcesses: kill,
      explicit,
      killOnlyUsers: [],
      killExcludeUsers: exclude,
    });
  });
});

describe('checkHooks', () => {
  it.each([
    [false, 'ok', "Claude's hooks are on"],
    [true, 'warn', '"disableAllHooks": true in ~/.claude/settings.json'],
  ] as const)('disableAllHooks: %s -> %s', (disabled, status, text) => {
    const findings = checkHooks(facts({ hooks: { settings: `${BASE}/settings.json`, disabled } }));
    expect(statuses(findings)).toEqual([status]);
    expect(findings[0]?.message).toContain(text);
    if (disabled) {
      expect(findings[0]?.message).toContain('`list`, `wait` and `send` cannot see whether Claude works');
      expect(findings[0]?.fix).toContain('remove "disableAllHooks"');
    }
  });
});

describe('checkTmuxServer', () => {
  const inTmux = session({ live: live(), tmuxSocket: SOCKET });
  const inTerminal = session({ live: live() });
  const OTHER = '/tmp/claude-sessions-1000/abc.socket';
  const answering = server({ exists: true, sessions: [ID, 'other'], pid: 77 });
  const silent = server({ exists: true, problem: 'no server running on /x' });
  it.each([
    ['no server, no session in tmux', [server()], [inTerminal], ['ok'], 'our tmux server is not running'],
    [
      'a live session in it',
      [answering],
      [inTmux],
      ['ok'],
      'answers: 2 tmux session(s), 1 of them live sessions of ours',
    ],
    ['stale socket', [silent], [inTerminal], ['ok'], 'stale socket ~/.claude-sessions/tmux/socket'],
    ['stale socket, session ended', [silent], [session({ tmuxSocket: SOCKET })], ['ok'], 'stale socket'],
    [
      'silent server, live session',
      [silent],
      [inTmux],
      ['warn'],
      'its tmux server (~/.claude-sessions/tmux/socket) does not answer (no server running on /x)',
    ],
    [
      'tmux session gone',
      [server({ exists: true, sessions: ['other'] })],
      [inTmux],
      ['warn', 'ok'],
      'has no tmux session for it: it cannot be attached',
    ],
    ['socket gone', [server()], [inTmux], ['warn', 'ok'], 'the socket of its tmux server'],
    [
      'on the socket of a moved root',
      [server(), server({ socket: OTHER, exists: true, sessions: [ID] })],
      [session({ live: live(), tmuxSocket: OTHER })],
      ['ok'],
      'not running',
    ],
  ] as const)('%s', (_, servers, sessions, expected, text) => {
    const findings = checkTmuxServer(
      facts({ tmux: { ...facts().tmux, servers: [...servers] }, sessions: [...sessions] }),
    );
    expect(statuses(findings)).toEqual(expected);
    expect(findings[0]?.message).toContain(text);
    if (expected[0] === 'warn') {
      expect(findings[0]).toMatchObject({
        session: ID,
        fix: expect.stringMatching(/^claude-session kill 3f2a9c1e /),
      });
    }
  });
});
