import { statSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from './claude-binary.js';

/** What a memory cap (a systemd user scope with MemoryMax) needs here, found without starting anything. */
export interface MemoryCapSupport {
  systemdRun: string | undefined;
  /** A user manager answers: systemd-run --user connects to `systemd/private` or the user bus there. */
  userManager: boolean;
  runtimeDir: string;
}

export function memoryCapSupport(env: NodeJS.ProcessEnv): MemoryCapSupport {
  const runtimeDir = env.XDG_RUNTIME_DIR || `/run/user/${process.getuid?.() ?? 0}`;
  let systemdRun: string | undefined;
  try {
    systemdRun = findExecutable('systemd-run', env);
  } catch {}
  const isSocket = (path: string) => {
    try {
      return statSync(path).isSocket();
    } catch {
      return false;
    }
  };
  const userManager = isSocket(join(runtimeDir, 'systemd', 'private')) || isSocket(join(runtimeDir, 'bus'));
  return { systemdRun, userManager, runtimeDir };
}

/** Why a cap cannot be set here, or undefined when it can. */
export function memoryCapProblem(support: MemoryCapSupport): string | undefined {
  if (!support.systemdRun) return 'systemd-run not found';
  if (!support.userManager)
    return `no systemd user manager answers (no ${support.runtimeDir}/systemd/private)`;
  return undefined;
}
