import { formatAge } from '../core/format.js';
import { memoryCapProblem } from '../system/memory-cap.js';
import type { Finding, HealthFacts } from './model.js';

/** Checks of the host: what sessions can rely on around them (tmux's are in tmux-checks.ts). */
export function checkMemoryCap(facts: HealthFacts): Finding[] {
  const cap = facts.memoryCap;
  const check = 'memory-cap';
  const cgroup = cap.cgroup === 'unknown' ? 'cgroups unknown' : `cgroup ${cap.cgroup}`;
  if (cap.systemdRun && cap.userManager) {
    return [
      {
        check,
        status: 'ok',
        message: `memory caps available: systemd user scopes (--memory-max, "limits.memoryMax"; ${cgroup})${cap.configured ? `, set to ${cap.configured}` : ''}`,
      },
    ];
  }
  const why = memoryCapProblem(cap) as string;
  if (cap.configured && cap.whenUnavailable === 'warn') {
    return [
      {
        check,
        status: 'warn',
        message: `"limits.memoryMax" is ${cap.configured}, but memory caps are not available here: ${why}; sessions start without it ("limits.memoryMaxUnavailable": "warn")`,
        fix: 'log in through systemd (`loginctl enable-linger $USER`), or remove "limits.memoryMax" from the config file',
      },
    ];
  }
  if (cap.configured) {
    return [
      {
        check,
        status: 'fail',
        message: `"limits.memoryMax" is ${cap.configured}, but memory caps are not available here: ${why}; sessions cannot start`,
        fix: 'remove "limits.memoryMax" from the config file, set "limits.memoryMaxUnavailable": "warn", or log in through systemd (`loginctl enable-linger $USER`)',
      },
    ];
  }
  return [
    { check, status: 'ok', message: `memory caps (--memory-max) not available here: ${why} (${cgroup})` },
  ];
}

export function checkUpdate(facts: HealthFacts): Finding[] {
  const { update } = facts;
  const check = 'update';
  if (!update.checks) {
    return [
      {
        check,
        status: 'ok',
        message: 'update checks are off (CLAUDE_SESSION_NO_UPDATE=1 or "update": {"check": false})',
      },
    ];
  }
  const when = update.checkedAt ? formatAge(Date.parse(update.checkedAt), facts.nowMs) : undefined;
  if (!when)
    return [{ check, status: 'ok', message: 'no update check yet (the next session start runs one)' }];
  if (update.error) {
    return [
      {
        check,
        status: 'warn',
        message: `the last update check (${when}) failed: ${update.error}`,
        fix: `claude-session update --check tries again; ${facts.root}/update.log has the history`,
      },
    ];
  }
  return [
    {
      check,
      status: 'ok',
      message: `last update check ${when}${update.latest ? `: latest ${update.latest}` : ''}`,
    },
  ];
}
