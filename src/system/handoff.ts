import { closeSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { encodePlan, type LaunchPlan } from './launch-plan.js';
import { childProcess } from './lazy.js';
import { identify, type ProcessIdentity } from './proc.js';

/**
 * The process that will become Claude. Started through bin/claude-session, that is the launcher shell,
 * which execs Claude and so keeps its pid and start time; started any other way, we spawn Claude below us.
 */
export function handOffAvailable(env: NodeJS.ProcessEnv): boolean {
  return env.CLAUDE_SESSION_HANDOFF === '3' && launcherIdentity(env) !== undefined;
}

export function launcherIdentity(env: NodeJS.ProcessEnv): ProcessIdentity | undefined {
  const pid = Number(env.CLAUDE_SESSION_LAUNCHER_PID);
  // Only our direct parent can be the launcher; anything else is a stale or forged variable.
  if (!Number.isInteger(pid) || pid !== process.ppid) return undefined;
  return identify(pid);
}

/** Gives the plan to the launcher shell and returns; it execs Claude once this process has exited. */
export function handOff(plan: LaunchPlan): void {
  const data = Buffer.from(encodePlan(plan));
  let offset = 0;
  while (offset < data.length) offset += writeSync(3, data, offset);
  // Close it so that nothing we start later holds the launcher's command substitution open.
  closeSync(3);
}

/** Runs Claude as our child, for when there is no launcher shell; resolves with its exit status. */
export function runChild(plan: LaunchPlan, onStart: (pid: number) => void): Promise<number> {
  const env = { ...process.env, ...plan.set };
  for (const name of plan.unset) delete env[name];
  delete env.CLAUDE_SESSION_HANDOFF;
  delete env.CLAUDE_SESSION_LAUNCHER_PID;
  const [command, ...args] = plan.argv;
  if (command === undefined) throw new Error('empty launch plan');
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn(command, args, { cwd: plan.cwd, env, stdio: 'inherit' });
    child.once('error', reject);
    if (child.pid !== undefined) onStart(child.pid);
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
    const handlers = signals.map((signal) => [signal, forward(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    child.once('exit', (code, signal) => {
      for (const [sig, handler] of handlers) process.off(sig, handler);
      resolve(code ?? 128 + (signal ? signalNumber(signal) : 1));
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 1;
}

/** Without the launcher shell: start the detached update check ourselves (the plan's `B` line). */
export function startBackgroundCheck(env: NodeJS.ProcessEnv): void {
  const entry = process.argv[1];
  if (!entry) return;
  childProcess()
    .spawn(process.execPath, [entry, 'update', '--background'], { detached: true, stdio: 'ignore', env })
    .unref();
}
