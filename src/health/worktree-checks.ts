import { tildify } from '../core/format.js';
import { shortId } from '../store/layout.js';
import type { Finding, HealthFacts, SessionWorktreeFacts } from './model.js';

/**
 * Sessions' worktrees (removed or moved by hand, their branch or repository gone, locked) and what git or
 * our worktrees dir hold that no session accounts for. Doctor only says how to fix each (a prune, a
 * remove): it changes nothing itself.
 */
export function worktreeChecks(facts: HealthFacts): Finding[] {
  const findings = [...checkSessionWorktrees(facts), ...checkRegistrations(facts)];
  const { sessions, registrations, dirs } = facts.worktrees;
  if (findings.length === 0 && (sessions.length > 0 || registrations.length > 0 || dirs.length > 0)) {
    findings.push({
      check: 'worktrees',
      status: 'ok',
      message: `${sessions.length} session worktree(s) in place; no stale worktree registrations`,
    });
  }
  return findings;
}

function who(session: SessionWorktreeFacts): string {
  return `session ${shortId(session.id)}${session.name ? ` (${session.name})` : ''}`;
}

export function checkSessionWorktrees(facts: HealthFacts): Finding[] {
  const findings: Finding[] = [];
  for (const session of facts.worktrees.sessions) {
    const { record } = session;
    const path = tildify(session.path, facts.home);
    const handle = session.name ?? shortId(session.id);
    const base = { check: 'worktrees', status: 'warn' as const, session: session.id };
    const fix = worktreeFix(session, handle);
    if (session.problem) {
      findings.push({ ...base, message: `${who(session)}: ${session.detail ?? session.problem}`, fix });
    } else if (session.locked !== null) {
      findings.push({
        ...base,
        message: `${who(session)}: its worktree ${path} is locked (${session.locked || 'git worktree lock'}): rm and cleanup leave it`,
        fix: `once nothing uses it: git -C ${record.repo} worktree unlock ${session.path}`,
      });
    }
  }
  return findings;
}

function worktreeFix(session: SessionWorktreeFacts, handle: string): string {
  const { record } = session;
  switch (session.problem) {
    case 'missing':
      return `\`claude-session rm ${handle}\` removes the session (its branch ${record.branch} stays while it holds commits found nowhere else)`;
    case 'moved':
      return `put it back: git -C ${record.repo} worktree move ${session.path} ${record.path} (\`rm\` leaves it where it is now)`;
    case 'repo-missing':
      return `put the repository back at ${record.repo}; or \`claude-session rm --force ${handle}\` removes the session and leaves the worktree's files in ${record.path}`;
    case 'not-a-worktree':
      return `look at what ${session.path} holds; \`claude-session rm --force ${handle}\` removes the session and leaves the dir in place`;
    case 'branch-missing':
      return `\`git -C ${session.path} status\` shows what is there; \`git -C ${session.path} branch ${record.branch} COMMIT\` brings the branch back, or \`claude-session rm --force ${handle}\` saves the files to a backup ref first`;
    default:
      return `see what \`git -C ${session.path} status\` says`;
  }
}

/**
 * Git's registrations inside our worktrees dir that no session accounts for: a worktree whose dir is
 * gone (prunable), or one whose session was removed by hand; and dirs there that no session and no
 * repository accounts for.
 */
export function checkRegistrations(facts: HealthFacts): Finding[] {
  const { registrations, dirs, sessions } = facts.worktrees;
  const findings: Finding[] = [];
  const check = 'worktree-registrations';
  const ours = new Set(sessions.map((session) => session.path));
  const sessionOf = (path: string) => dirs.find((dir) => path.startsWith(`${dir.path}/`));
  for (const registration of registrations) {
    const path = tildify(registration.path, facts.home);
    if (registration.prunable !== null) {
      findings.push({
        check,
        status: 'warn',
        message: `git still lists the worktree ${path} in ${registration.repo}, but its dir is gone (${registration.prunable})`,
        fix: `git -C ${registration.repo} worktree prune`,
      });
      continue;
    }
    const dir = sessionOf(registration.path);
    if (ours.has(registration.path) || !dir || dir.session) continue;
    findings.push({
      check,
      status: 'warn',
      message: `the worktree ${path} of ${registration.repo} belongs to no session (session ${shortId(dir.id)} is gone)`,
      fix: `look at what it holds (git -C ${registration.path} status); once nothing in it is yours: git -C ${registration.repo} worktree remove ${registration.path} (its branch stays)`,
    });
  }
  for (const dir of dirs) {
    if (dir.session || registrations.some((registration) => registration.path.startsWith(`${dir.path}/`)))
      continue;
    findings.push({
      check,
      status: 'warn',
      message: `${tildify(dir.path, facts.home)} is left from session ${shortId(dir.id)}, which is gone, and no repository lists it as a worktree`,
      fix: `look at what it holds; once nothing in it is yours: rm -r ${dir.path}`,
    });
  }
  return findings;
}
