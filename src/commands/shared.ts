import { join } from 'node:path';
import { audit } from '../audit/audit.js';
import type { Services } from '../cli/services.js';
import { resolveBase } from '../session/base.js';
import { ensureRoot } from '../session/prepare.js';
import { isUnlocked, lockShared, PROTECTED, unlockShared, unprotectedEntries } from '../session/protect.js';

/** `shared status|lock|unlock`: the protection of the shared skills, agents and commands. */
export async function shared(
  services: Services,
  action: 'status' | 'lock' | 'unlock',
  json: boolean,
): Promise<number> {
  const settings = services.settings();
  const base = resolveBase(services.env, settings.home);
  ensureRoot(settings);
  if (action === 'lock' || action === 'unlock') {
    const report =
      action === 'lock' ? lockShared(settings.root, base.dir) : unlockShared(settings.root, base.dir);
    audit(settings.root, {
      action: 'protection-changed',
      outcome: report.failed.length > 0 ? 'failed' : 'ok',
      detail: `${action} ${base.dir} (${report.changed} paths changed)`,
    });
    for (const path of report.failed) services.err(`claude-session: could not change ${path} (not yours?)\n`);
    services.out(
      action === 'lock'
        ? `protected: ${PROTECTED.map((name) => join(base.dir, name)).join(', ')} are read-only (${report.changed} paths changed)\n`
        : `unlocked: edit your shared entries in ${base.dir}, then run \`claude-session shared lock\` (${report.changed} paths changed)\n`,
    );
    return report.failed.length > 0 ? 1 : 0;
  }
  const open = unprotectedEntries(base.dir);
  const status = {
    policy: settings.protectShared,
    base: base.dir,
    unlocked: isUnlocked(settings.root),
    writable: open,
    protected: settings.protectShared === 'readonly' && !isUnlocked(settings.root) && open.length === 0,
  };
  if (json) services.out(`${JSON.stringify(status, null, 2)}\n`);
  else {
    services.out(`policy: ${status.policy}${status.unlocked ? ' (unlocked by `shared unlock`)' : ''}\n`);
    services.out(`base: ${status.base}\n`);
    services.out(
      open.length === 0
        ? 'shared entries are read-only\n'
        : `writable by sessions: ${open.join(', ')}${settings.protectShared === 'readonly' && !status.unlocked ? ' (protected at the next session start)' : ''}\n`,
    );
  }
  return 0;
}
