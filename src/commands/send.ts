import type { Services } from '../config/services.js';
import { EXIT, UserError } from '../core/errors.js';
import { liveActivity, readActivity } from '../live/activity.js';
import { liveInTmux } from '../live/lookup.js';
import { dialogQuestion, readScreen } from '../live/screen.js';
import { isAlive } from '../system/proc.js';
import { capturePane, pasteText, pressEnter, type Tmux } from '../system/tmux.js';

export interface SendOptions {
  query: string;
  text: string;
  /** Type it even while Claude works (Claude queues it) or waits for an answer. */
  force?: boolean;
}

const READY_TIMEOUT_MS = 30_000;
const ACCEPT_TIMEOUT_MS = 10_000;

/** Exit status when the session is busy: try again later (EX_TEMPFAIL). */
export const SEND_BUSY = EXIT.TEMPFAIL;

/**
 * Drops control characters but newlines and tabs: an escape sequence in the text could end the
 * bracketed paste early and reach Claude as keys.
 */
export function cleanPrompt(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return text.replace(/\r\n?/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

/**
 * Types a prompt into a session running in tmux and submits it. Returns once Claude has taken it (its
 * UserPromptSubmit hook reported `working`), so `send` then `wait --until idle` cannot race.
 */
export async function send(services: Services, options: SendOptions): Promise<number> {
  const text = cleanPrompt(options.text).replace(/\n+$/, '');
  if (text.trim() === '')
    throw new UserError('nothing to send: give the prompt as text or on stdin (--stdin)', EXIT.USAGE);
  const session = liveInTmux(services, options.query);
  const { record, label, handle, tmux } = session;
  const process_ = record.process;
  if (!process_) throw new UserError(`session ${label} is not running`);
  const dir = session.found.paths.dir;
  let state = liveActivity(services, dir, record, tmux.binary);
  const readyBy = Date.now() + READY_TIMEOUT_MS;
  // Until the first hook, the pane is looked at twice a second: a start-up question fires no hook.
  for (let polls = 1; !state && Date.now() < readyBy && isAlive(process_); polls++) {
    await sleep(50);
    state = liveActivity(services, dir, record, polls % 10 === 0 ? tmux.binary : undefined);
  }
  if (!state) throw new UserError(`session ${label} has not become ready (no hook reported in 30 s)`);
  if (state.dialog) {
    // Typing into it would choose an answer (Enter on folder trust picks "No, exit"): --force or not.
    throw new UserError(
      `session ${label} is waiting: ${dialogQuestion(state.dialog)}: \`claude-session attach ${handle}\` to answer`,
      SEND_BUSY,
    );
  }
  if (state.activity !== 'idle' && !options.force) {
    const what =
      state.activity === 'waiting'
        ? 'waiting for an answer to a question or a permission: typing would answer it'
        : 'working on a prompt';
    throw new UserError(
      `session ${label} is ${what}: \`claude-session wait ${handle} --until idle\` first, or --force`,
      SEND_BUSY,
    );
  }
  const typed = state.activity === 'idle' && !options.force ? typedInPane(tmux, record.id) : undefined;
  if (typed) {
    throw new UserError(
      `session ${label} has unsent text in its prompt box (${JSON.stringify(excerpt(typed))}): \`claude-session attach ${handle}\` to send or clear it, or --force to add to it`,
      SEND_BUSY,
    );
  }
  // What the hooks last wrote: a new prompt rewrites it (see libexec/hook), even when an unreported
  // interrupt left it `working`.
  const written = readActivity(dir);
  pasteText(tmux, record.id, text);
  // Claude reads a burst of input as one paste: an Enter in the same burst would be a newline in it.
  await sleep(150);
  pressEnter(tmux, record.id);
  if (state.activity !== 'idle') return 0;
  const acceptBy = Date.now() + ACCEPT_TIMEOUT_MS;
  while (Date.now() < acceptBy) {
    const now = readActivity(dir);
    if (now && (now.activity !== written?.activity || now.since.getTime() !== written.since.getTime())) {
      return 0;
    }
    if (!isAlive(process_)) throw new UserError(`session ${label} ended while the prompt was sent`);
    await sleep(50);
  }
  services.err(
    `claude-session: the prompt was typed into session ${label}, but Claude has not reported taking it in 10 s: \`claude-session attach ${handle}\` to look\n`,
  );
  return 1;
}

/** Text typed into Claude's input box and not sent, if the pane can be read and shows the box. */
function typedInPane(tmux: Tmux, name: string): string | undefined {
  try {
    return readScreen(capturePane(tmux, name, { escapes: true })).typed || undefined;
  } catch {
    return undefined;
  }
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
