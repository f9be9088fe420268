import type { Services } from '../config/services.js';
import { UserError } from '../core/errors.js';
import { endClaude } from '../live/end.js';
import { lookupSession } from '../live/lookup.js';

export interface KillOptions {
  query: string;
  /** How long Claude gets to end after SIGTERM before SIGKILL. */
  graceMs: number;
  json?: boolean;
}

/** `claude-session kill SESSION`: ends a running session's Claude cleanly (see endClaude). */
export async function kill(services: Services, options: KillOptions): Promise<number> {
  const { record, label, running, found } = lookupSession(services, options.query);
  if (!running) {
    throw new UserError(`session ${label} is not running`);
  }
  const how = await endClaude(
    services,
    { record, sessionDir: found.paths.dir, process: running },
    options.graceMs,
  );
  if (options.json) {
    services.out(`${JSON.stringify({ id: record.id, name: record.name, pid: running.pid, signal: how })}\n`);
  } else {
    services.out(`killed session ${label} (pid ${running.pid}, ${how})\n`);
  }
  return 0;
}
