import type { Services } from '../config/services.js';
import { observedActivity } from '../live/activity.js';
import { latestConversation } from '../live/conversation.js';
import { runOwnCommand } from '../system/own-cli.js';
import {
  bindSwitchKey,
  boundKey,
  capturePane,
  findTmux,
  insideServer,
  openTmux,
  prefixKey,
  switchClient,
  type Tmux,
  unbindKey,
} from '../system/tmux.js';
import { makeCollector } from './collect.js';
import { conversationEnd, conversationLines } from './conversation-end.js';
import { parseKeys } from './keys.js';
import { handle, isLive, type Row } from './model.js';
import { type FrameInput, renderFrame } from './render.js';
import {
  askConfirm,
  type Effect,
  initialState,
  reduce,
  selectedRow,
  type UiState,
  withMessage,
  withRows,
} from './state.js';

/** The dashboard's own tmux session in our server, and the key (after the prefix) that comes back to it. */
export const DASHBOARD_SESSION = 'claude-session-ui';
export const RETURN_KEY = 'u';
const TICK_MS = 1_000;

const ENTER_SCREEN = '\u001b[?1049h\u001b[?25l\u001b[H\u001b[2J';
const LEAVE_SCREEN = '\u001b[?25h\u001b[?1049l';
const SYNC_BEGIN = '\u001b[?2026h';
const SYNC_END = '\u001b[?2026l';

/**
 * The dashboard's loop in this terminal: a refresh every second (records, one tmux query for all
 * sessions, the hook files; the selected session's pane only), a redraw on every key and resize, in
 * the alternate screen and synchronized output, changed lines only. Ends on `q`, SIGTERM or SIGHUP.
 */
export function runDashboard(services: Services): Promise<number> {
  const { root } = services.settings();
  const env = services.env;
  const color = !env.NO_COLOR;
  const tmux: Tmux | undefined = findTmux(env) ? openTmux(root, env) : undefined;
  const inside = tmux !== undefined && insideServer(tmux, env.TMUX);
  let returnKey: string | undefined;
  let bound: string | undefined;
  if (tmux && inside && bindSwitchKey(tmux, RETURN_KEY, DASHBOARD_SESSION)) {
    bound = boundKey(tmux, RETURN_KEY);
    returnKey = `${prefixKey(tmux) ?? 'prefix'} ${RETURN_KEY}`;
  }
  const collect = makeCollector(services);
  const stdin = process.stdin;
  const stdout = process.stdout;
  let state: UiState = initialState();
  let preview: FrameInput['preview'] = { title: '', lines: [] };
  let previous: string[] = [];
  let previewOf: string | undefined;
  const conversations = new Map<string, { mtimeMs: number; lines: string[]; width: number }>();
  const exitAfterFrame = env.CLAUDE_SESSION_UI_EXIT_AFTER_FRAME === '1';

  const size = () => ({ width: Math.max(20, stdout.columns || 80), height: Math.max(5, stdout.rows || 24) });

  const draw = (full = false) => {
    const { width, height } = size();
    const lines = renderFrame(state, { width, height, color, nowMs: Date.now(), preview, returnKey });
    let out = SYNC_BEGIN;
    if (full || lines.length !== previous.length) {
      out += '\u001b[H\u001b[2J';
      previous = [];
    }
    lines.forEach((line, index) => {
      if (line !== previous[index]) out += `\u001b[${index + 1};1H${line}`;
    });
    previous = lines;
    stdout.write(`${out}${SYNC_END}`);
  };

  /** The selected session's screen, or the end of its conversation; corrects its state from the screen. */
  const readPreview = () => {
    const row = selectedRow(state);
    previewOf = row?.id;
    if (!row) {
      preview = { title: 'no session selected', lines: [] };
      return;
    }
    const label = row.name ?? row.shortId;
    if (isLive(row) && row.mode === 'tmux' && tmux) {
      let screen: string | undefined;
      try {
        screen = capturePane(tmux, row.id);
      } catch {}
      if (screen !== undefined) {
        preview = { title: `${label} · its screen, live`, lines: trimBottom(screen.split('\n')) };
        correctState(row, screen);
        return;
      }
      preview = { title: `${label} · its screen`, lines: ['(its tmux pane cannot be read now)'] };
      return;
    }
    if (isLive(row)) {
      preview = {
        title: `${label} · runs in a terminal`,
        lines: ['Its screen is in the terminal that started it.'],
      };
      return;
    }
    const { width } = size();
    const conversation = latestConversation(row.configDir);
    if (!conversation) {
      preview = { title: `${label} · ${row.state}`, lines: [row.problem ?? 'No conversation yet.'] };
      return;
    }
    let cached = conversations.get(row.id);
    if (!cached || cached.mtimeMs !== conversation.mtimeMs || cached.width !== width) {
      cached = {
        mtimeMs: conversation.mtimeMs,
        width,
        lines: conversationLines(conversationEnd(conversation.transcript).slice(-20), width - 1),
      };
      conversations.set(row.id, cached);
    }
    preview = {
      title: `${label} · ended: the end of its conversation (r resumes)`,
      lines: trimBottom(cached.lines),
    };
  };

  /** What the hooks cannot say (a dialog, an interrupt), read from the screen already captured. */
  const correctState = (row: Row, screen: string) => {
    if (row.state !== 'working' && row.state !== 'waiting' && row.state !== 'running') return;
    const hooks =
      row.state === 'running'
        ? undefined
        : { activity: row.state, since: new Date(row.sinceMs ?? Date.now()) };
    const seen = observedActivity(
      hooks,
      Date.now(),
      () => screen,
      row.sinceMs ? new Date(row.sinceMs) : undefined,
    );
    if (!seen || (seen.activity === row.state && !seen.dialog)) return;
    const fixed: Row = {
      ...row,
      state: seen.activity,
      sinceMs: seen.since.getTime(),
      dialog: seen.dialog ?? null,
    };
    state = withRows(
      state,
      state.rows.map((each) => (each.id === row.id ? fixed : each)),
    );
  };

  const refresh = () => {
    state = withRows(state, collect(Date.now()).rows);
    readPreview();
    draw();
  };

  return new Promise((resolve) => {
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      stdout.off('resize', onResize);
      stdin.off('data', onData);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      // The key goes with the dashboard, unless something rebound it meanwhile.
      if (tmux && bound && boundKey(tmux, RETURN_KEY) === bound) unbindKey(tmux, RETURN_KEY);
      stdout.write(LEAVE_SCREEN, () => resolve(code));
    };

    const act = async (effect: Effect) => {
      if (effect.kind === 'quit') return finish(0);
      const run = async (args: string[], doing: string, cwd = services.cwd || '/') => {
        state = withMessage(state, `${doing}…`);
        draw();
        const result = await runOwnCommand(args, { env: withoutTmux(env), cwd });
        const said = lastLine(
          result.code === 0 ? result.stdout || result.stderr : result.stderr || result.stdout,
        );
        state = withMessage(
          state,
          said ?? (result.code === 0 ? 'done' : `failed (exit status ${result.code})`),
        );
        refresh();
        return result;
      };
      switch (effect.kind) {
        case 'attach':
          return attach(effect.row);
        case 'kill':
          await run(['kill', effect.row.id], `killing ${label(effect.row)}`);
          return;
        case 'rm-preview': {
          const result = await run(
            ['rm', '--dry-run', effect.row.id],
            `looking at what removing ${label(effect.row)} loses`,
          );
          const lines = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim());
          state =
            result.code === 0
              ? askConfirm(withMessage(state, null), `Remove ${label(effect.row)}?`, lines, {
                  kind: 'rm',
                  row: effect.row,
                })
              : askConfirm(
                  withMessage(state, null),
                  `${label(effect.row)} cannot be removed from here`,
                  lines,
                  undefined,
                );
          draw();
          return;
        }
        case 'rm':
          await run(['rm', effect.row.id], `removing ${label(effect.row)}`);
          return;
        case 'send':
          await run(['send', effect.row.id, '--', effect.text], `sending to ${label(effect.row)}`);
          return;
        case 'resume':
          await run(['resume', effect.row.id, '--detach'], `resuming ${label(effect.row)}`);
          return;
        case 'fork':
          await run(
            ['fork', effect.row.id, '--detach', ...(effect.name ? ['--name', effect.name] : [])],
            `forking ${label(effect.row)}`,
          );
          return;
        case 'new':
          await run(
            ['new', '--detach', ...(effect.name ? ['--name', effect.name] : [])],
            'starting a session',
            effect.dir,
          );
          return;
      }
    };

    const attach = async (row: Row) => {
      if (row.state === 'broken') {
        state = withMessage(state, `${label(row)}: ${row.problem ?? 'its record cannot be read'}`);
        return draw();
      }
      if (isLive(row) && row.mode === 'terminal') {
        state = withMessage(state, `${label(row)} runs in a terminal, not in tmux: use that terminal`);
        return draw();
      }
      if (!tmux || !inside) {
        state = withMessage(
          state,
          tmux
            ? `attaching needs the dashboard in our tmux: q, then \`claude-session attach ${handle(row)}\``
            : 'attaching needs tmux: install it, or resume the session in a terminal',
        );
        return draw();
      }
      if (!isLive(row)) {
        state = withMessage(state, `resuming ${label(row)} in tmux…`);
        draw();
        const result = await runOwnCommand(['resume', row.id, '--detach'], {
          env: withoutTmux(env),
          cwd: services.cwd || '/',
        });
        if (result.code !== 0) {
          state = withMessage(state, lastLine(result.stderr) ?? `resume failed (exit status ${result.code})`);
          return refresh();
        }
      }
      const switched = switchClient(tmux, row.id, env.TMUX);
      state = withMessage(
        state,
        switched.code === 0
          ? `attached ${label(row)}; ${returnKey} comes back`
          : (lastLine(switched.stderr) ?? 'tmux switch-client failed'),
      );
      refresh();
    };

    const onData = (data: Buffer) => {
      for (const key of parseKeys(data.toString('utf8'))) {
        const before = selectedRow(state)?.id;
        const next = reduce(state, key, { cwd: services.cwd || '/' });
        state = next.state;
        if (selectedRow(state)?.id !== before) readPreview();
        if (next.effect) {
          void act(next.effect).catch((error: unknown) => {
            state = withMessage(state, `failed: ${String(error)}`);
            draw();
          });
        }
        if (finished) return;
      }
      draw();
    };
    const onResize = () => {
      // The preview of an ended session is wrapped to the width: read it again.
      if (previewOf) readPreview();
      draw(true);
    };

    stdout.write(ENTER_SCREEN);
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
    stdout.on('resize', onResize);
    process.once('SIGTERM', () => finish(0));
    process.once('SIGHUP', () => finish(0));
    const timer = setInterval(refresh, TICK_MS);
    refresh();
    if (exitAfterFrame) finish(0);
  });
}

const label = (row: Row) => row.name ?? row.shortId;

function lastLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .at(-1)
    ?.replace(/^claude-session: /, '');
}

function trimBottom(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && !(lines[end - 1] ?? '').trim()) end--;
  return lines.slice(0, end);
}

function withoutTmux(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  delete clean.TMUX;
  delete clean.TMUX_PANE;
  delete clean.CLAUDE_SESSION_HANDOFF;
  delete clean.CLAUDE_SESSION_LAUNCHER_PID;
  return clean;
}
