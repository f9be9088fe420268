import { join } from 'node:path';
import { audit } from '../audit/audit.js';
import type { Services } from '../config/services.js';
import { resolveBase } from '../configdir/base.js';
import { ensureRoot } from '../configdir/prepare.js';
import {
  inspectTops,
  isUnlocked,
  lockShared,
  PROTECTED,
  type ProtectionScope,
  refusalLine,
  runsAsRoot,
  unlockShared,
} from '../configdir/protect.js';

const ROOT_LINE =
  'running as root, which ignores permission bits: read-only files do not protect the shared tools from sessions';

/** `shared status|lock|unlock`: the protection of the shared skills, agents and commands. */
export async function shared(
  services: Services,
  action: 'status' | 'lock' | 'unlock',
  json: boolean,
): Promise<number> {
  const settings = services.settings();
  const base = resolveBase(services.env, settings.home);
  ensureRoot(settings);
  const scope: ProtectionScope = { baseDir: base.dir, home: settings.home, root: settings.root };
  const root = runsAsRoot();
  if (action === 'lock' || action === 'unlock') {
    const report = action === 'lock' ? lockShared(scope) : unlockShared(scope);
    const problems = report.failed.length + report.refused.length;
    audit(settings.root, {
      action: 'protection-changed',
      outcome: problems > 0 ? 'failed' : 'ok',
      detail: `${action} ${base.dir} (${report.changed} paths changed${report.refused.length > 0 ? `; refused ${report.refused.map((refusal) => refusal.name).join(', ')}` : ''})`,
    });
    if (root) services.err(`claude-session: ${ROOT_LINE}\n`);
    for (const refusal of report.refused) {
      services.err(
        `claude-session: not protected: shared ${refusalLine(refusal)} (see \`claude-session doctor\`)\n`,
      );
    }
    for (const { path, reason } of report.failed)
      services.err(`claude-session: could not change ${path}: ${reason}\n`);
    const done = PROTECTED.filter((name) => !report.refused.some((refusal) => refusal.name === name));
    services.out(
      action === 'lock'
        ? `protected: ${done.map((name) => join(base.dir, name)).join(', ')} are read-only (${report.changed} paths changed)\n`
        : `unlocked: edit your shared entries in ${base.dir}, then run \`claude-session shared lock\` (${report.changed} paths changed)\n`,
    );
    return problems > 0 ? 1 : 0;
  }
  const tops = inspectTops(scope);
  const open = tops.filter((top) => top.state === 'writable').map((top) => top.name);
  const refused = tops.flatMap((top) =>
    top.state === 'refused' ? [{ name: top.name, reason: top.reason, fix: top.fix }] : [],
  );
  const unlocked = isUnlocked(settings.root);
  const status = {
    policy: settings.protectShared,
    base: base.dir,
    unlocked,
    root,
    writable: open,
    refused,
    protected:
      settings.protectShared === 'readonly' &&
      !unlocked &&
      !root &&
      open.length === 0 &&
      refused.length === 0,
  };
  if (json) {
    services.out(`${JSON.stringify(status, null, 2)}\n`);
    return 0;
  }
  services.out(`policy: ${status.policy}${unlocked ? ' (unlocked by `shared unlock`)' : ''}\n`);
  services.out(`base: ${status.base}\n`);
  if (root) services.out(`${ROOT_LINE}\n`);
  for (const refusal of refused) services.out(`not protected: shared ${refusalLine(refusal)}\n`);
  if (open.length > 0) {
    const later =
      settings.protectShared === 'readonly' && !unlocked && !root
        ? ' (protected at the next session start)'
        : '';
    services.out(`writable by sessions: ${open.join(', ')}${later}\n`);
  } else if (refused.length === 0) services.out('shared entries are read-only\n');
  return 0;
}
