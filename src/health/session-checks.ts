import { tildify } from '../core/format.js';
import { shortId } from '../store/layout.js';
import type { Finding, HealthFacts, LiveFacts, SessionFacts } from './model.js';
import { privacyFinding } from './privacy.js';

/** Checks of every session (records, links, permissions) and of every live one (its process). */
export function sessionChecks(facts: HealthFacts): Finding[] {
  return [...checkRecords(facts), ...checkLinks(facts), ...checkProcesses(facts), ...checkBaseWrites(facts)];
}

export function label(session: SessionFacts): string {
  return `session ${shortId(session.id)}${session.name ? ` (${session.name})` : ''}`;
}

export function checkRecords(facts: HealthFacts): Finding[] {
  return facts.sessions.flatMap((session) =>
    session.problem
      ? [
          {
            check: 'records',
            status: 'fail' as const,
            session: session.id,
            message: `${label(session)}: ${session.problem}`,
            fix: `inspect ${session.dir}/session.json, or remove the session: rm -r ${session.dir}`,
          },
        ]
      : [],
  );
}

export function checkLinks(facts: HealthFacts): Finding[] {
  const findings: Finding[] = [];
  let checked = 0;
  for (const session of facts.sessions) {
    if (session.problem) continue;
    checked++;
    for (const link of session.links) {
      if (link.state === 'linked') continue;
      const path = `${session.configDir}/${link.name}`;
      const target = tildify(link.target, facts.home);
      const restart = session.live
        ? `end it, then \`claude-session resume ${shortId(session.id)}\` links it again`
        : `\`claude-session resume ${shortId(session.id)}\` links it again`;
      const base = { check: 'shared-links', session: session.id };
      if (link.state === 'not-a-link') {
        const what =
          link.kind === 'dir' ? 'a real directory' : link.kind === 'file' ? 'a real file' : 'not a link';
        findings.push({
          ...base,
          status: 'fail',
          message: `${label(session)}: ${link.name} is ${what}, not a link to ${target}: the session does not see your shared ${link.name}, and what it writes there stays in it`,
          fix: `move it aside (mv ${path} ${path}.local); then ${restart}`,
        });
      } else {
        findings.push({
          ...base,
          status: 'warn',
          message:
            link.state === 'missing'
              ? `${label(session)}: the link ${link.name} -> ${target} is missing`
              : `${label(session)}: ${link.name} points to ${link.actual ?? '?'}, not to ${target}`,
          fix: restart,
        });
      }
    }
  }
  if (findings.length === 0 && checked > 0) {
    findings.push({
      check: 'shared-links',
      status: 'ok',
      message: `shared links intact in ${checked} session(s)`,
    });
  }
  return findings;
}

export function checkSessionDirs(facts: HealthFacts): Finding[] {
  const findings: Finding[] = [];
  for (const session of facts.sessions) {
    for (const [stat, what] of [
      [session.dirStat, 'session dir'],
      [session.configStat, 'config dir'],
    ] as const) {
      if (!stat) continue;
      if (stat.kind !== 'dir') {
        findings.push({
          check: 'permissions',
          status: 'fail',
          session: session.id,
          message: `${label(session)}: ${what} ${tildify(stat.path, facts.home)} is a ${stat.kind}, not a directory`,
          fix: `inspect it; remove the session with rm -r ${session.dir} if it is not yours`,
        });
        continue;
      }
      const finding = privacyFinding(
        'permissions',
        facts,
        stat,
        `${label(session)}: ${what}`,
        false,
        session.id,
      );
      if (finding) findings.push(finding);
    }
    if (session.credentials?.kind === 'file') {
      const finding = privacyFinding(
        'permissions',
        facts,
        session.credentials,
        `${label(session)}: login copy`,
        true,
        session.id,
      );
      if (finding) findings.push(finding);
    }
  }
  return findings;
}

export function checkProcesses(facts: HealthFacts): Finding[] {
  const findings = facts.sessions.flatMap((session) =>
    session.live ? checkProcess(facts, session, session.live) : [],
  );
  return findings.length > 0
    ? findings
    : [{ check: 'session-env', status: 'ok', message: 'no session is running now' }];
}

/**
 * A live session's Claude must run with its own CLAUDE_CONFIG_DIR (else it reads and writes ~/.claude,
 * or another session's dir) and with our environment, as /proc/PID/environ says it started.
 */
export function checkProcess(facts: HealthFacts, session: SessionFacts, live: LiveFacts): Finding[] {
  const base = { check: 'session-env', session: session.id };
  const who = `${label(session)} (pid ${live.pid})`;
  const restart = `end it (kill ${live.pid}), then \`claude-session resume ${shortId(session.id)}\``;
  if (live.launching) return [{ ...base, status: 'ok', message: `${who} is starting` }];
  if (!live.env) {
    return [
      {
        ...base,
        status: 'warn',
        message: `${who}: cannot read /proc/${live.pid}/environ (another user's process?)`,
        fix: "run doctor as the session's user",
      },
    ];
  }
  const configDir = live.env.CLAUDE_CONFIG_DIR;
  if (configDir === undefined) {
    return [
      {
        ...base,
        status: 'fail',
        message: `${who} runs without CLAUDE_CONFIG_DIR: it reads and writes ${tildify(`${facts.home}/.claude`, facts.home)}, not its own ${tildify(session.configDir, facts.home)}`,
        fix: restart,
      },
    ];
  }
  const own =
    configDir === session.configDir ||
    (live.realConfigDir !== undefined && live.realConfigDir === session.realConfigDir);
  if (!own) {
    return [
      {
        ...base,
        status: 'fail',
        message: `${who} runs with CLAUDE_CONFIG_DIR=${configDir}, not its own ${session.configDir}`,
        fix: restart,
      },
    ];
  }
  const problems: string[] = [];
  if (live.env.DISABLE_AUTOUPDATER !== '1')
    problems.push('DISABLE_AUTOUPDATER is not 1 (it runs its own updater, #95570)');
  const tmp = live.env.CLAUDE_CODE_TMPDIR;
  if (tmp === undefined || (tmp !== session.tmpDir && !tmp.startsWith(`${session.dir}/`))) {
    problems.push(
      "CLAUDE_CODE_TMPDIR is not inside the session (its sockets mix with other sessions' in /tmp)",
    );
  }
  if (live.env.CLAUDE_SESSION_ID !== session.id) {
    problems.push(
      live.env.CLAUDE_SESSION_ID === undefined
        ? 'CLAUDE_SESSION_ID is missing'
        : 'CLAUDE_SESSION_ID names another session',
    );
  }
  if (problems.length > 0) {
    return [{ ...base, status: 'warn', message: `${who}: ${problems.join('; ')}`, fix: restart }];
  }
  return [
    { ...base, status: 'ok', message: `${who} runs with its own CLAUDE_CONFIG_DIR and our environment` },
  ];
}

/** Markers older than the process (a crashed earlier process with the same pid) do not count. */
const MARKER_SLACK_MS = 5_000;

/**
 * Evidence that a session wrote into the base: Claude's own marker `sessions/<pid>.json` for a live
 * session's pid in the base or ~/.claude (that process uses it as its config dir now), and conversation
 * ids of a session's transcripts that the base's transcripts or history.jsonl also name (ids are random
 * UUIDs: a match means the same conversation is in both places).
 */
export function checkBaseWrites(facts: HealthFacts): Finding[] {
  const findings: Finding[] = [];
  for (const session of facts.sessions) {
    const live = session.live;
    for (const marker of live?.markers ?? []) {
      if (!live || marker.startedAtMs < live.recordedAtMs - MARKER_SLACK_MS) continue;
      findings.push({
        check: 'base-writes',
        status: 'fail',
        session: session.id,
        message: `${label(session)} (pid ${live.pid}) is writing into ${tildify(marker.path, facts.home).replace(/\/sessions\/[^/]+$/, '')}: Claude's marker ${tildify(marker.path, facts.home)} names its process${marker.sessionId ? ` (conversation ${marker.sessionId})` : ''}`,
        fix: `end it (kill ${live.pid}), then \`claude-session resume ${shortId(session.id)}\``,
      });
    }
    const inBase = session.base ? facts.baseConversations.get(session.base) : undefined;
    const shared = inBase ? session.conversations.filter((id) => inBase.has(id)) : [];
    if (inBase && shared.length > 0) {
      const where = [...new Set(shared.map((id) => tildify(inBase.get(id) ?? '', facts.home)))];
      findings.push({
        check: 'base-writes',
        status: 'warn',
        session: session.id,
        message: `${label(session)}: ${shared.length} of its conversation(s) are also in the base (${where.slice(0, 3).join(', ')}${where.length > 3 ? ', ...' : ''})`,
        fix: 'a session process without its own CLAUDE_CONFIG_DIR wrote them (or they were copied by hand): check its next start with `claude-session doctor`; remove the base copies if you did not put them there',
      });
    }
  }
  if (findings.length === 0) {
    findings.push({
      check: 'base-writes',
      status: 'ok',
      message: "no conversation of our sessions in the base's history or projects",
    });
  }
  return findings;
}
