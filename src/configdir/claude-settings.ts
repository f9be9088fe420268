/** The session's own Claude settings file (its hooks), and how a user's `--settings` join it. Pure. */

type HookState = 'working' | 'waiting' | 'idle';

function hook(state: HookState, matcher?: string, mark?: 'prompt'): Record<string, unknown> {
  // A constant command: the hook's path comes from the session's environment, so nothing from data is
  // ever part of a shell string (and without the variable, as in a plain `claude`, it does nothing).
  const command = `"\${CLAUDE_SESSION_HOOK:-true}" ${state}${mark ? ` ${mark}` : ''}`;
  return { ...(matcher ? { matcher } : {}), hooks: [{ type: 'command', command }] };
}

/**
 * Settings for this session only, given to Claude with --settings (never written into the shared ones).
 * The hooks keep the session's live state (libexec/hook), measured on Claude Code 2.1.332: a prompt
 * fires UserPromptSubmit, then PreToolUse/PostToolUse per tool and Stop when the turn is done; a
 * permission dialog fires PermissionRequest at once and Notification `permission_prompt` seconds later
 * (the only one fired for auto mode's own dialog). Esc fires nothing, whether it interrupts Claude (the
 * state stays `working`) or dismisses a permission prompt (it stays `waiting`), and neither do the
 * questions Claude asks at start-up, before SessionStart: screen.ts reads the pane for these, and a new
 * prompt always rewrites the state.
 */
export function sessionClaudeSettings(): Record<string, unknown> {
  return {
    // Without this an interactive start writes a URL handler into ~/.local/share/applications.
    disableDeepLinkRegistration: 'disable',
    hooks: {
      SessionStart: [hook('idle')],
      UserPromptSubmit: [hook('working', undefined, 'prompt')],
      PreToolUse: [hook('working')],
      PostToolUse: [hook('working')],
      PostToolUseFailure: [hook('working')],
      PermissionRequest: [hook('waiting')],
      Notification: [
        hook('waiting', 'permission_prompt'),
        hook('waiting', 'elicitation_dialog'),
        hook('idle', 'idle_prompt'),
      ],
      Stop: [hook('idle')],
      StopFailure: [hook('idle')],
    },
  };
}

type Settings = Record<string, unknown>;

/** The user's settings (later ones win, key by key) with the session's hooks added to theirs. */
export function mergeSettings(ours: Settings, theirs: readonly Settings[]): Settings {
  const merged: Settings = { ...ours };
  const hooks: Record<string, unknown[]> = {};
  const addHooks = (value: unknown) => {
    if (typeof value !== 'object' || value === null) return;
    for (const [event, groups] of Object.entries(value)) {
      if (Array.isArray(groups)) hooks[event] = [...(hooks[event] ?? []), ...groups];
    }
  };
  for (const settings of theirs) {
    for (const [key, value] of Object.entries(settings)) if (key !== 'hooks') merged[key] = value;
    addHooks(settings.hooks);
  }
  addHooks(ours.hooks);
  merged.hooks = hooks;
  return merged;
}
