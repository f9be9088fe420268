import { tildify } from '../core/format.js';
import type { Finding, HealthFacts, PathFacts } from './model.js';

/**
 * A private path (the root, a session dir, a secret): ours, and no access for group or others. Others
 * able to write, or to read a secret, is a failure; others able to read a directory, a warning.
 */
export function privacyFinding(
  check: string,
  facts: HealthFacts,
  stat: PathFacts,
  what: string,
  secret: boolean,
  session?: string,
): Finding | undefined {
  const wanted = stat.kind === 'dir' ? 0o700 : 0o600;
  const path = tildify(stat.path, facts.home);
  const base = { check, ...(session ? { session } : {}) };
  if (facts.uid >= 0 && stat.uid !== facts.uid) {
    return {
      ...base,
      status: 'fail',
      message: `${what} ${path} is owned by uid ${stat.uid}, not by you (uid ${facts.uid})`,
      fix: `sudo chown -R ${facts.uid} ${stat.path}`,
    };
  }
  if ((stat.mode & 0o077) === 0) return undefined;
  const othersWrite = (stat.mode & 0o022) !== 0;
  const mode = stat.mode.toString(8).padStart(4, '0');
  return {
    ...base,
    status: secret || othersWrite ? 'fail' : 'warn',
    message: `${what} ${path} has mode ${mode}: ${othersWrite ? 'others can change it' : 'others can read it'} (wanted ${wanted.toString(8).padStart(4, '0')})`,
    fix: `chmod ${wanted.toString(8)} ${stat.path}`,
  };
}
