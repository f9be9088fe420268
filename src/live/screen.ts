/**
 * What Claude Code's screen in a tmux pane says, where its hooks say nothing (measured on 2.1.332):
 * a dialog that fires no hook (auto mode's "can't check actions" through a gateway); the questions
 * Claude asks at start-up, before its first hook (folder trust, "Do you want to use this API key?", a
 * project's MCP server); and Esc, which fires no hook, whether it interrupts Claude (the last state
 * stays `working`) or dismisses a permission prompt (it stays `waiting`). Fixtures of these screens
 * are in test/fixtures/claude-2.1.332/.
 *
 * The reading is conservative: anything it does not recognise as Claude's prompt leaves the hooks'
 * state alone.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what this strips
const SGR = /\x1b\[[0-9;:]*m/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what this splits on
const SGR_TOKEN = /(\x1b\[[0-9;:]*m)/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what this reads
const SGR_PARAMETERS = /^\x1b\[([0-9;:]*)m$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes may come before the mark
const INPUT_MARK = /^(?:\x1b\[[0-9;:]*m)*❯ ?/;
/** The rule above and below Claude's input box. */
const RULE = /^─{10,}\s*$/;
/** Claude's spinner line while it works: a glyph, a verb, an ellipsis ("✶ Gesticulating… (2s)"). */
const SPINNER = /^[·✢✳✶✻✽*] \S+…/;
/** Which question a dialog asks, where it is one Claude asks at start-up; `other` for the rest. */
export type DialogKind = 'folder-trust' | 'api-key' | 'mcp-server' | 'other';

/** The start-up questions, by a phrase of their text (which wraps in a narrow pane: matched flattened). */
const DIALOGS: [Exclude<DialogKind, 'other'>, RegExp][] = [
  ['folder-trust', /\bIs this a project you created or one you trust\?|\bYes, I trust this folder\b/],
  ['api-key', /\bDo you want to use this API key\?/],
  ['mcp-server', /\bNew MCP servers? found in\b/],
];

export interface ScreenReading {
  /** A dialog waits for an answer: its footer says "Esc to cancel" (or "Esc to reject"). */
  awaitsAnswer: boolean;
  /** With `awaitsAnswer`: which question it is. */
  dialog: DialogKind | undefined;
  /** Claude works: its footer says "esc to interrupt", or its spinner is on screen. */
  busy: boolean;
  /** Claude's input box is at the bottom of the screen. */
  promptShown: boolean;
  /** Text typed into the input box and not sent ('' when empty; undefined without a box). */
  typed: string | undefined;
}

/** Reads a pane's capture (`capture-pane -p`, with or without `-e` escapes). */
export function readScreen(capture: string): ScreenReading {
  const raw = capture.replace(/\s+$/, '').split('\n');
  const plain = raw.map((line) => line.replace(SGR, ''));
  const footer = plain.slice(-4);
  const box = inputBox(plain);
  const awaitsAnswer = /\bEsc to (?:cancel|reject)\b/.test(flatten(footer));
  return {
    awaitsAnswer,
    dialog: awaitsAnswer ? dialogKind(plain) : undefined,
    busy:
      footer.some((line) => /\besc to interrupt\b/i.test(line)) || plain.some((line) => SPINNER.test(line)),
    promptShown: box !== undefined,
    typed: box && typedText(raw.slice(box.top + 1, box.bottom)),
  };
}

function flatten(lines: string[]): string {
  return lines.join(' ').replace(/\s+/g, ' ');
}

/** The dialog is what lies below the last rule (its top border); what is above it is history. */
function dialogKind(plain: string[]): DialogKind {
  let top = plain.length - 1;
  while (top > 0 && !RULE.test(plain[top] ?? '')) top--;
  const text = flatten(plain.slice(top));
  return DIALOGS.find(([, phrase]) => phrase.test(text))?.[0] ?? 'other';
}

/** The rules around the input box: the bottom one is among the last lines, the top one above a "❯". */
function inputBox(plain: string[]): { top: number; bottom: number } | undefined {
  let bottom = plain.length - 1;
  while (bottom >= plain.length - 4 && bottom >= 0 && !RULE.test(plain[bottom] ?? '')) bottom--;
  if (bottom < plain.length - 4 || bottom < 0) return undefined;
  for (let top = bottom - 1; top >= 0 && top >= bottom - 30; top--) {
    if (RULE.test(plain[top] ?? '')) {
      return plain[top + 1]?.startsWith('❯') ? { top, bottom } : undefined;
    }
  }
  return undefined;
}

/**
 * The input box's text without the "❯ ", or '' when nothing in it is drawn as typed text: a
 * placeholder is grey or dim, and the cursor is drawn in reverse video.
 */
function typedText(lines: string[]): string {
  const text = lines.join('\n').replace(INPUT_MARK, '');
  let dim = false;
  let reverse = false;
  let typed = false;
  for (const token of text.split(SGR_TOKEN)) {
    const sgr = SGR_PARAMETERS.exec(token);
    if (sgr) {
      ({ dim, reverse } = applySgr(sgr[1] ?? '', dim, reverse));
    } else if (!dim && !reverse && token.trim() !== '') {
      typed = true;
    }
  }
  if (!typed) return '';
  return text
    .split('\n')
    .map((line) => line.replace(SGR, '').trimEnd())
    .join('\n')
    .trim();
}

/** Follows an SGR's effect on "drawn dim or grey" and "reverse video". */
function applySgr(parameters: string, dim: boolean, reverse: boolean): { dim: boolean; reverse: boolean } {
  const codes = parameters === '' ? ['0'] : parameters.split(/[;:]/);
  for (let i = 0; i < codes.length; i++) {
    const code = Number(codes[i]);
    if (code === 0) [dim, reverse] = [false, false];
    else if (code === 2 || code === 90) dim = true;
    else if (code === 22 || code === 39 || (code >= 30 && code <= 37) || (code >= 91 && code <= 97))
      dim = false;
    else if (code === 7) reverse = true;
    else if (code === 27) reverse = false;
    else if (code === 38 || code === 48 || code === 58) {
      // An extended colour (foreground, background, underline): 5;N or 2;R;G;B. Only a grey
      // foreground counts as dim; the parameters are never attributes of their own.
      const extended = codes[i + 1] === '5' ? codes.slice(i + 2, i + 3) : codes.slice(i + 2, i + 5);
      if (code === 38) dim = isGrey(extended.map(Number));
      i += 1 + extended.length;
    }
  }
  return { dim, reverse };
}

/** A 256-colour index or an RGB triple in the greys a placeholder is drawn in. */
function isGrey(colour: number[]): boolean {
  if (colour.length === 1) {
    const [index = -1] = colour;
    return index === 8 || (index >= 238 && index <= 250);
  }
  const [r = -1, g = -1, b = -1] = colour;
  return r === g && g === b && r >= 64 && r <= 192;
}

/** A start-up dialog's question, for messages: "Claude asks about folder trust". */
export function dialogQuestion(kind: DialogKind): string {
  switch (kind) {
    case 'folder-trust':
      return 'Claude asks about folder trust';
    case 'api-key':
      return 'Claude asks whether to use the API key in ANTHROPIC_API_KEY';
    case 'mcp-server':
      return "Claude asks about the project's MCP server (.mcp.json)";
    default:
      return 'Claude asks a question';
  }
}
