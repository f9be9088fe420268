import { PROTECTED } from '../configdir/protect.js';
import { tildify } from '../core/format.js';
import { checkMemoryCap, checkUpdate } from './host-checks.js';
import type { Finding, HealthFacts } from './model.js';
import { privacyFinding } from './privacy.js';
import { checkSessionDirs, sessionChecks } from './session-checks.js';
import { tmuxChecks } from './tmux-checks.js';
import { worktreeChecks } from './worktree-checks.js';

/**
 * The doctor's checks: pure functions of the gathered facts (facts.ts), each returning findings. The
 * order is the order they are printed in: the installation, then the sessions, then the host.
 */
export function runChecks(facts: HealthFacts): Finding[] {
  return [
    ...checkClaude(facts),
    ...checkBase(facts),
    ...checkPermissions(facts),
    ...checkProtection(facts),
    ...checkLogin(facts),
    ...sessionChecks(facts),
    ...worktreeChecks(facts),
    ...tmuxChecks(facts),
    ...checkMemoryCap(facts),
    ...checkUpdate(facts),
  ];
}

export function worst(findings: readonly Finding[]): Finding['status'] {
  if (findings.some((finding) => finding.status === 'fail')) return 'fail';
  return findings.some((finding) => finding.status === 'warn') ? 'warn' : 'ok';
}

export function checkClaude(facts: HealthFacts): Finding[] {
  const { claude } = facts;
  const check = 'claude';
  if (!claude.path) {
    if (claude.installsOnStart) {
      return [
        {
          check,
          status: 'warn',
          message:
            'Claude Code not found (no CLAUDE_SESSION_CLAUDE, nothing in the managed store, no `claude` on PATH)',
          fix: 'the first `claude-session` installs the latest version; or install it now with `claude-session update`',
        },
      ];
    }
    const [message, fix] = splitProblem(claude.problem ?? 'Claude Code not found');
    return [{ check, status: 'fail', message, fix }];
  }
  const where = `${tildify(claude.path, facts.home)} (${claude.source})`;
  if (claude.version === null) {
    return [
      {
        check,
        status: 'fail',
        message: `Claude Code at ${where} does not answer \`--version\``,
        fix: `see what \`${claude.path} --version\` says; reinstall it (\`claude-session update\`, or set CLAUDE_SESSION_CLAUDE)`,
      },
    ];
  }
  return [{ check, status: 'ok', message: `Claude Code ${claude.version}: ${where}` }];
}

/** "what happened: what to do" (how the tool words its errors) as a message and a fix. */
function splitProblem(problem: string): [string, string | undefined] {
  const at = problem.indexOf(': ');
  return at === -1 ? [problem, undefined] : [problem.slice(0, at), problem.slice(at + 2)];
}

export function checkBase(facts: HealthFacts): Finding[] {
  const { base } = facts;
  const dir = tildify(base.dir, facts.home);
  if (base.exists) return [{ check: 'base', status: 'ok', message: `base config: ${dir} (${base.source})` }];
  return [
    {
      check: 'base',
      status: 'fail',
      message: `base config dir ${dir} does not exist: sessions have nothing to share tools from`,
      fix:
        base.source === 'CLAUDE_CONFIG_DIR'
          ? 'set CLAUDE_CONFIG_DIR to your Claude config dir, or unset it'
          : `run \`claude\` once, or \`mkdir -m 700 ${base.dir}\``,
    },
  ];
}

export function checkRoot(facts: HealthFacts): Finding[] {
  const root = tildify(facts.root, facts.home);
  const check = 'permissions';
  if (!facts.rootStat) {
    return facts.rootIsExplicit
      ? [
          {
            check,
            status: 'fail',
            message: `session root ${root} does not exist`,
            fix: `mkdir -m 700 ${facts.root}, or change CLAUDE_SESSION_ROOT / "root"`,
          },
        ]
      : [
          {
            check,
            status: 'ok',
            message: `session root ${root} does not exist yet (the first session makes it)`,
          },
        ];
  }
  if (facts.rootStat.kind !== 'dir') {
    return [
      {
        check,
        status: 'fail',
        message: `session root ${root} is not a directory`,
        fix: 'choose another root',
      },
    ];
  }
  const findings: Finding[] = [];
  for (const stat of [facts.rootStat, facts.sessionsDirStat]) {
    const finding = stat && privacyFinding(check, facts, stat, 'session root', false);
    if (finding) findings.push(finding);
  }
  if (facts.sessionsProblem) {
    const [message, fix] = splitProblem(facts.sessionsProblem);
    findings.push({ check, status: 'fail', message, fix });
  }
  return findings;
}

export function checkSecrets(facts: HealthFacts): Finding[] {
  return facts.secrets.flatMap((stat) => {
    const finding = privacyFinding('permissions', facts, stat, 'login secret', true);
    return finding ? [finding] : [];
  });
}

/** The root, the login secrets and every session dir: ours and private; one line when all are. */
export function checkPermissions(facts: HealthFacts): Finding[] {
  const findings = [...checkRoot(facts), ...checkSecrets(facts), ...checkSessionDirs(facts)];
  if (findings.length === 0 && facts.rootStat?.kind === 'dir') {
    findings.push({
      check: 'permissions',
      status: 'ok',
      message: `the root, ${facts.sessions.length} session dir(s)${facts.secrets.length > 0 ? ' and the login secrets' : ''} are yours and private`,
    });
  }
  return findings;
}

export function checkProtection(facts: HealthFacts): Finding[] {
  const check = 'protection';
  const names = PROTECTED.join(', ');
  if (facts.protectShared === 'off') {
    return [
      {
        check,
        status: 'ok',
        message: `protection is off ("protectShared": "off"): sessions may change the shared ${names}`,
      },
    ];
  }
  if (facts.uid === 0) {
    return [
      {
        check,
        status: 'warn',
        message:
          'running as root: root ignores permission bits, so nothing protects the shared tools from sessions',
        fix: 'run claude-session as an ordinary user',
      },
    ];
  }
  if (facts.unlocked) {
    return [
      {
        check,
        status: 'warn',
        message: 'shared tools are unlocked (`claude-session shared unlock`): sessions can change them',
        fix: 'claude-session shared lock',
      },
    ];
  }
  const findings: Finding[] = facts.protectionRefused.map((refusal) => ({
    check,
    status: 'warn',
    message: `not protected: shared ${refusal.name} ${refusal.reason}; claude-session changes no mode there`,
    fix: refusal.fix,
  }));
  if (facts.unprotected.length > 0) {
    findings.push({
      check,
      status: 'warn',
      message: `writable by sessions: ${facts.unprotected.join(', ')} in ${tildify(facts.base.dir, facts.home)}`,
      fix: 'claude-session shared lock (the next session start also protects them)',
    });
  }
  if (findings.length > 0) return findings;
  return [{ check, status: 'ok', message: `shared ${names} are read-only ("protectShared": "readonly")` }];
}

export function checkLogin(facts: HealthFacts): Finding[] {
  const { login } = facts;
  const check = 'login';
  if (login.kind === 'environment') {
    return [{ check, status: 'ok', message: `sessions log in with ${login.variable} from your environment` }];
  }
  if (login.kind === 'stored-token') {
    return [
      { check, status: 'ok', message: 'sessions log in with the token stored by `claude-session login`' },
    ];
  }
  if (login.kind === 'none') {
    return [
      {
        check,
        status: 'warn',
        message: 'no login found: every new session will ask you to log in',
        fix: 'claude-session login (or set ANTHROPIC_API_KEY)',
      },
    ];
  }
  const copies = facts.sessions.filter((session) => session.credentials?.kind === 'file');
  if (copies.length === 0) {
    return [
      {
        check,
        status: 'ok',
        message: `sessions share your /login credentials (${tildify(login.credentials ?? '', facts.home)}) through links`,
      },
    ];
  }
  return [
    {
      check,
      status: 'warn',
      message: `${copies.length} session(s) hold a private copy of your /login credentials instead of the link (Claude's save replaces it, #76561): a token refresh in one can log the others out`,
      fix: 'claude-session login (a stored token is never refreshed); the next session start also relinks them',
    },
  ];
}
