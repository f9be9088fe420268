import type { Services } from '../config/services.js';
import { EXIT, UserError } from '../core/errors.js';
import { attachClient } from '../launch/in-tmux.js';
import { canAttachHere } from '../launch/start.js';
import { findResumeTarget } from '../live/conversation.js';
import { lookupSession, tmuxOf } from '../live/lookup.js';
import { isAlive, type ProcessIdentity } from '../system/proc.js';
import { hasSession, openTmux } from '../system/tmux.js';
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
  // A conversation's uuid (as Claude prints it at exit) names the session holding it.
  const target = findResumeTarget(services.settings().root, options.query);
  const { record, label, alive, found } = lookupSession(services, target.id);
  if (alive && !record.tmux) {
    throw new UserError(
      `session ${label} runs in a terminal (pid ${record.process?.pid}), not in tmux: use that terminal; sessions started with --detach or in tmux mode can be attached`,
    );
  }
  if (!canAttachHere(services, openTmux(services.settings().root, services.env))) {
    throw new UserError(
      `attaching needs a terminal, and there is none here: run \`claude-session attach ${options.query}\` in one`,
      EXIT.USAGE,
    );
  }
  if (!alive) {
    services.err(`claude-session: session ${label} had ended: resuming it in tmux\n`);
    try {
      return await resume(services, {
        query: found.id,
        conversation: target.conversation,
        args: [],
        force: options.force,
        mode: 'tmux',
      });
    } catch (error) {
      // Another attach resumed it a moment ago: attach to that one.
      if (!lookupSession(services, found.id).alive) throw error;
      return attach(services, { ...options, query: found.id });
    }
  }
  const tmux = tmuxOf(services, record);
  // A session starting in tmux right now (another attach or start) gets its tmux session in a moment.
  for (
    let tries = 0;
    tries < 100 && !hasSession(tmux, record.id) && isAlive(record.process as ProcessIdentity);
    tries++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!hasSession(tmux, record.id)) {
    throw new UserError(
      `session ${label} runs (pid ${record.process?.pid}) but its tmux session is gone: \`claude-session kill\` it, then attach again`,
    );
  }
  return attachClient(services, tmux, record.id);
}
