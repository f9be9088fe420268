import type { Services } from '../config/services.js';
import { printable } from '../core/format.js';
import { runChecks } from '../health/checks.js';
import { gatherFacts } from '../health/facts.js';
import type { Finding } from '../health/model.js';

export interface DoctorOptions {
  json: boolean;
}

const MARK: Record<Finding['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** Pure: the findings as lines for people, each problem followed by its fix, then a summary. */
export function formatFindings(findings: readonly Finding[]): string {
  const lines: string[] = [];
  for (const finding of findings) {
    lines.push(printable(`${MARK[finding.status]}  ${finding.message}`));
    if (finding.fix && finding.status !== 'ok') lines.push(printable(`      fix: ${finding.fix}`));
  }
  const count = (status: Finding['status']) => findings.filter((finding) => finding.status === status).length;
  const [fails, warns] = [count('fail'), count('warn')];
  lines.push(
    fails + warns === 0
      ? `all ${findings.length} checks ok`
      : `${fails} problem(s), ${warns} warning(s), ${count('ok')} ok`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * `claude-session doctor`: checks the installation and every session, live ones down to their process's
 * environment. Changes nothing. Exit status 1 when any finding is a failure.
 */
export async function doctor(services: Services, options: DoctorOptions): Promise<number> {
  const findings = runChecks(await gatherFacts(services));
  const ok = !findings.some((finding) => finding.status === 'fail');
  services.out(options.json ? `${JSON.stringify({ ok, findings }, null, 2)}\n` : formatFindings(findings));
  return ok ? 0 : 1;
}
