import { UserError } from '../cli/errors.js';
import type { Services } from '../cli/services.js';
import { attach as attachClient } from '../session/tmux-launch.js';
import { locate, tmuxOf } from '../session/tmux-session.js';
import { hasSession } from '../system/tmux.js';
import { resume } from './resume.js';

export interface AttachOptions {
  query: string;
  force?: boolean;
}

/**
 * Attaches this terminal to a session in tmux; a session whose Claude has ended is resumed in tmux
 * first. The launcher execs the tmux client: no Node process stays while attached.
 */
export async function attach(services: Services, options: AttachOptions): Promise<number> {
  const { record, label, alive, found } = locate(services, options.query);
  if (!alive) {
    services.err(`claude-session: session ${label} had ended: resuming it in tmux\n`);
    return resume(services, { query: found.id, args: [], force: options.force, mode: 'tmux' });
  }
  if (!record.tmux) {
    throw new UserError(
      `session ${label} runs in a terminal (pid ${record.process?.pid}), not in tmux: use that terminal; sessions started with --detach or in tmux mode can be attached`,
    );
  }
  const tmux = tmuxOf(services, record);
  if (!hasSession(tmux, record.id)) {
    throw new UserError(
      `session ${label} runs (pid ${record.process?.pid}) but its tmux session is gone: \`claude-session kill\` it, then attach again`,
    );
  }
  return attachClient(services, tmux, record.id);
}
