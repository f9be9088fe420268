// The launch plan and its wire format: the Node half of the protocol whose other half is `run_plan` in
// bin/claude-session (see docs/architecture.md). Pure.

/** What to run for a session: a pure description, carried out by system/handoff.ts. */
export interface LaunchPlan {
  cwd: string;
  set: Record<string, string>;
  unset: string[];
  argv: string[];
  /** Whether the launcher starts the detached update check (`claude-session update --background`). */
  background: boolean;
}

/**
 * The plan as lines for bin/claude-session, a POSIX sh that reads them with `read -r` and execs Claude.
 * Each value is one line: backslashes doubled and newlines written as `\n`, decoded by `printf %b`.
 */
export function encodePlan(plan: LaunchPlan): string {
  const encode = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  const lines = ['#claude-session-plan 1'];
  if (plan.background) lines.push('B update --background');
  lines.push(`C ${encode(plan.cwd)}`);
  for (const name of plan.unset) lines.push(`U ${name}`);
  for (const [name, value] of Object.entries(plan.set)) lines.push(`E ${name}=${encode(value)}`);
  for (const arg of plan.argv) lines.push(`A ${encode(arg)}`);
  return `${lines.join('\n')}\n`;
}
