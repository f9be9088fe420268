import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Services } from '../config/services.js';
import { EXIT, UserError } from '../core/errors.js';
import { attachClient, systemdScope } from '../launch/in-tmux.js';
import { paneLaunchPlan } from '../launch/plan.js';
import { writeFileAtomicSync } from '../system/files.js';
import { launcherPath } from '../system/install-dir.js';
import { encodePlan } from '../system/launch-plan.js';
import { findTmux, hasSession, newSession, openTmux, prepareSocketDir } from '../system/tmux.js';

/** Our tmux session that holds the dashboard (src/ui/dashboard.ts names it too). */
const DASHBOARD_SESSION = 'claude-session-ui';

export interface UiOptions {
  here: boolean;
}

/** The dashboard bundle, beside the program's (dist/ui.cjs): never part of the launch or the program. */
const uiBundle = () => fileURLToPath(new URL('./ui.cjs', import.meta.url));

/**
 * `claude-session ui`: shows the dashboard. It runs in a tmux session of our server
 * (claude-session-ui), made when missing, and this terminal attaches to it (or switches to it inside
 * our server), so Enter there is a tmux switch-client and a dropped connection leaves it running.
 * Without tmux, or with --here, it runs in this terminal.
 */
export async function ui(services: Services, options: UiOptions): Promise<number> {
  if (!services.isTerminal(0) || !services.isTerminal(1)) {
    throw new UserError(
      'the dashboard needs a terminal: without one, use `claude-session list --watch` (or `list --json`)',
      EXIT.USAGE,
    );
  }
  const { root } = services.settings();
  if (options.here || !findTmux(services.env)) {
    const { done } = createRequire(import.meta.url)(uiBundle()) as { done: Promise<number> };
    return done;
  }
  const tmux = openTmux(root, services.env);
  prepareSocketDir(tmux, root);
  if (!hasSession(tmux, DASHBOARD_SESSION)) {
    // The pane starts from an empty environment and gets ours from a private file, as a session's does.
    const planFile = join(root, 'tmux', 'ui-plan');
    const cwd = services.cwd || '/';
    const plan = paneLaunchPlan(
      { cwd, set: {}, unset: [], argv: [process.execPath, uiBundle()], background: false },
      services.env,
    );
    writeFileAtomicSync(planFile, encodePlan(plan));
    const { columns, rows } = process.stdout;
    try {
      newSession(tmux, {
        name: DASHBOARD_SESSION,
        cwd,
        command: [launcherPath(), '__pane', planFile],
        ...(columns && rows ? { width: columns, height: rows } : {}),
        serverPrefix: systemdScope(services.env),
        title: 'dashboard',
      });
    } catch (error) {
      // Another `ui` made it a moment ago: show that one.
      if (!hasSession(tmux, DASHBOARD_SESSION)) throw error;
    }
  }
  return attachClient(services, tmux, DASHBOARD_SESSION);
}
