import { tildify } from '../core/format.js';
import { shortId } from '../store/layout.js';
import type { Finding, HealthFacts, TmuxServerFacts } from './model.js';
import { label } from './session-checks.js';

/** Checks of what sessions in tmux rely on: tmux, surviving logout, Claude's hooks, our tmux server. */
export function tmuxChecks(facts: HealthFacts): Finding[] {
  return [...checkTmux(facts), ...checkLogout(facts), ...checkHooks(facts), ...checkTmuxServer(facts)];
}

/** The tmux version with features we use; older ones are not tested. */
const MINIMUM: [number, number] = [3, 0];

/** Pure: [major, minor] of what `tmux -V` prints ("tmux 3.3a", "tmux next-3.6"); undefined for others. */
export function parseTmuxVersion(text: string): [number, number] | undefined {
  const match = /^tmux (?:next-)?(\d+)\.(\d+)/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** "install: sudo apt-get install tmux", not "install: install tmux with your package manager". */
function install(hint: string): string {
  return hint.startsWith('install ') ? hint : `install: ${hint}`;
}

export function checkTmux(facts: HealthFacts): Finding[] {
  const { tmux } = facts;
  const check = 'tmux';
  if (!tmux.path) {
    if (tmux.mode === 'tmux') {
      return [
        {
          check,
          status: 'fail',
          message: `tmux not found on PATH, but the mode is tmux (${tmux.modeSource === 'CLAUDE_SESSION_MODE' ? 'CLAUDE_SESSION_MODE=tmux' : `"mode": "tmux" in ${tildify(tmux.modeSource, facts.home)}`}): a plain \`claude-session\` fails`,
          fix: `${install(tmux.installHint)}; or run sessions in the terminal (${tmux.modeSource === 'CLAUDE_SESSION_MODE' ? 'unset CLAUDE_SESSION_MODE' : `"mode": "terminal" in ${tildify(tmux.modeSource, facts.home)}`})`,
        },
      ];
    }
    return [
      {
        check,
        status: 'warn',
        message:
          'tmux not found on PATH: tmux mode and --detach are unavailable (a session in the terminal ends when an SSH connection drops)',
        fix: install(tmux.installHint),
      },
    ];
  }
  const where = tildify(tmux.path, facts.home);
  if (tmux.version === undefined) {
    return [
      {
        check,
        status: 'warn',
        message: `tmux at ${where} does not answer \`tmux -V\``,
        fix: `see what \`${tmux.path} -V\` says; reinstall it (${tmux.installHint})`,
      },
    ];
  }
  const version = parseTmuxVersion(tmux.version);
  if (version && (version[0] < MINIMUM[0] || (version[0] === MINIMUM[0] && version[1] < MINIMUM[1]))) {
    return [
      {
        check,
        status: 'warn',
        message: `${tmux.version} at ${where} is older than tmux ${MINIMUM.join('.')}: sessions in tmux may not start, attach or take \`send\``,
        fix: `upgrade tmux to ${MINIMUM.join('.')} or later (${tmux.installHint}, from a newer release of your system)`,
      },
    ];
  }
  return [{ check, status: 'ok', message: `${tmux.version}: ${where} (mode: ${tmux.mode})` }];
}

/**
 * systemd-logind with KillUserProcesses=yes ends every process of a login when it ends, our tmux server
 * with them, unless the user lingers and the server runs in a user scope of its own (launch/in-tmux.ts).
 */
export function checkLogout(facts: HealthFacts): Finding[] {
  const { logout, tmux } = facts;
  const check = 'logout';
  if (!logout.systemd) {
    return [
      {
        check,
        status: 'ok',
        message: 'no systemd here (no /run/systemd/system): logind does not end tmux sessions at logout',
      },
    ];
  }
  if (!tmux.path) return [{ check, status: 'ok', message: 'no tmux: no tmux session to outlive a logout' }];
  const { logind, user } = logout;
  const setting = `KillUserProcesses=${logind.killUserProcesses ? 'yes' : 'no'}${logind.explicit ? '' : ' (the default)'}`;
  if (!logind.killUserProcesses) {
    return [{ check, status: 'ok', message: `logind keeps processes at logout (${setting})` }];
  }
  if (
    logind.killExcludeUsers.includes(user) ||
    (logind.killOnlyUsers.length > 0 && !logind.killOnlyUsers.includes(user))
  ) {
    return [
      {
        check,
        status: 'ok',
        message: `logind has ${setting}, but not for ${user} (KillOnlyUsers=${logind.killOnlyUsers.join(' ')}, KillExcludeUsers=${logind.killExcludeUsers.join(' ')})`,
      },
    ];
  }
  if (!logout.linger) {
    return [
      {
        check,
        status: 'warn',
        message: `tmux sessions are killed when you log out: logind has ${setting} and lingering is off for ${user}`,
        fix: `\`loginctl enable-linger ${user}\` (our tmux server then starts in its own systemd user scope)`,
      },
    ];
  }
  const server = tmux.servers[0];
  if (server?.pid !== undefined && server.cgroup && /\/session-[^/]+\.scope$/.test(server.cgroup)) {
    return [
      {
        check,
        status: 'warn',
        message: `our running tmux server (pid ${server.pid}) started in your login session (${server.cgroup}), before lingering or without a user scope: it and its sessions end when you log out`,
        fix: 'end its sessions when convenient (`claude-session kill <name>`): the next session in tmux starts a server in its own user scope',
      },
    ];
  }
  if (logout.scope !== 'own') {
    return [
      {
        check,
        status: 'warn',
        message: `lingering is on for ${user}, but a new tmux server would start in your login session and end at logout: ${logout.scope === 'disabled' ? 'CLAUDE_SESSION_NO_SCOPE=1' : 'no systemd user scope to start it in (no XDG_RUNTIME_DIR, no systemd-run, or no user manager)'}`,
        fix:
          logout.scope === 'disabled'
            ? 'unset CLAUDE_SESSION_NO_SCOPE'
            : 'log in through systemd (ssh or a console login, not su) so that $XDG_RUNTIME_DIR/systemd/private exists',
      },
    ];
  }
  return [
    {
      check,
      status: 'ok',
      message: `logind has ${setting}, but lingering is on for ${user}: our tmux server runs in its own systemd user scope and outlives logout`,
    },
  ];
}

/** Sessions' live state (working, waiting, idle) comes from Claude's hooks (libexec/hook). */
export function checkHooks(facts: HealthFacts): Finding[] {
  const settings = tildify(facts.hooks.settings, facts.home);
  if (facts.hooks.disabled) {
    return [
      {
        check: 'hooks',
        status: 'warn',
        message: `"disableAllHooks": true in ${settings}: sessions' hooks do not run, so \`list\`, \`wait\` and \`send\` cannot see whether Claude works, waits or is idle`,
        fix: `remove "disableAllHooks" from ${settings} (every session shares it)`,
      },
    ];
  }
  return [
    {
      check: 'hooks',
      status: 'ok',
      message: "Claude's hooks are on: sessions report whether Claude works, waits or is idle",
    },
  ];
}

/**
 * Our tmux server and the live sessions in it: a socket no server answers on is left over (harmless:
 * tmux replaces it), but a live session whose tmux session is gone cannot be attached, sent to or waited on.
 */
export function checkTmuxServer(facts: HealthFacts): Finding[] {
  const check = 'tmux-server';
  const servers = new Map(facts.tmux.servers.map((server) => [server.socket, server]));
  const inTmux = facts.sessions.filter((session) => session.live && session.tmuxSocket);
  const findings: Finding[] = [];
  for (const session of inTmux) {
    const socket = session.tmuxSocket as string;
    const server = servers.get(socket);
    if (server?.sessions?.includes(session.id)) continue;
    findings.push({
      check,
      status: 'warn',
      session: session.id,
      message: `${label(session)} (pid ${session.live?.pid}) runs, but ${missing(server, socket, facts.home)}: it cannot be attached, sent to or waited on`,
      fix: `claude-session kill ${shortId(session.id)} (then \`claude-session attach ${shortId(session.id)}\` resumes it in tmux)`,
    });
  }
  const ours = facts.tmux.servers[0];
  if (!ours) return findings;
  const socket = tildify(ours.socket, facts.home);
  const live = inTmux.filter((session) => session.tmuxSocket === ours.socket).length;
  if (!ours.exists) {
    findings.push({ check, status: 'ok', message: `our tmux server is not running (no ${socket})` });
  } else if (ours.sessions) {
    findings.push({
      check,
      status: 'ok',
      message: `our tmux server (${socket}${ours.pid ? `, pid ${ours.pid}` : ''}) answers: ${ours.sessions.length} tmux session(s), ${live} of them live sessions of ours`,
    });
  } else if (live === 0 && facts.tmux.path) {
    findings.push({
      check,
      status: 'ok',
      message: `stale socket ${socket}: the tmux server that made it has ended (${ours.problem}); the next session in tmux replaces it`,
      fix: `nothing to do (or rm ${ours.socket})`,
    });
  }
  return findings;
}

function missing(server: TmuxServerFacts | undefined, socket: string, home: string): string {
  const where = tildify(socket, home);
  if (!server?.exists) return `the socket of its tmux server, ${where}, is gone`;
  if (!server.sessions) return `its tmux server (${where}) does not answer (${server.problem})`;
  return `its tmux server (${where}) has no tmux session for it`;
}
