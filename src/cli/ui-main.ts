import { isUserError } from '../core/errors.js';
import { runDashboard } from '../ui/dashboard.js';
import { processServices } from './process-services.js';

/**
 * dist/ui.cjs: the dashboard's own bundle. Run by node in its tmux pane (claude-session ui made it),
 * or required by the program for `ui --here`; either way it starts on load, and `done` says how it ended.
 */
export const done: Promise<number> = runDashboard(processServices()).catch((error: unknown) => {
  process.stderr.write(
    isUserError(error)
      ? `claude-session: ${error.message}\n`
      : `claude-session: bug: ${String((error as Error)?.stack ?? error)}\n`,
  );
  return 1;
});

// Run as the pane's program (not required by the program): its exit status is the dashboard's.
if (process.argv[1]?.endsWith('ui.cjs')) void done.then((code) => process.exit(code));
