import { EXIT, UserError } from '../core/errors.js';
import type { LaunchMode } from '../launch/start.js';

/** The flags that say where a command that starts Claude runs it (new, resume, fork). */
export interface ModeFlags {
  detach?: boolean;
  tmux?: boolean;
  terminal?: boolean;
}

export function launchMode(flags: ModeFlags): LaunchMode | undefined {
  const chosen = [flags.detach && 'detach', flags.tmux && 'tmux', flags.terminal && 'terminal'].filter(
    (mode): mode is LaunchMode => typeof mode === 'string',
  );
  if (chosen.length > 1) throw new UserError('choose one of --detach, --tmux and --terminal', EXIT.USAGE);
  return chosen[0];
}
