/**
 * Text that reaches the user's terminal from elsewhere (a pane's screen, a session's name, a transcript)
 * passes through here: escape sequences are removed and other control characters shown as `?`, so
 * nothing read can move the cursor, recolour, retitle or reprogram the terminal.
 */

// CSI (ESC [ or the 8-bit U+009B) with its parameters; OSC, DCS, SOS, PM, APC up to BEL or ST; any other ESC x.
const ESCAPES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|(?:\u001b[\]P^_X]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/** Escape sequences removed, tabs as spaces, any other control character as `?`. */
export function safeText(text: string): string {
  return text.replace(ESCAPES, '').replace(/\t/g, '    ').replace(CONTROLS, '?');
}

/** Terminal cells a code point takes: 0 for combining marks and zero-width ones, 2 for wide (CJK, emoji). */
export function cellWidth(codePoint: number): number {
  if (
    (codePoint >= 0x300 && codePoint <= 0x36f) ||
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f)
  )
    return 0;
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  )
    return 2;
  return 1;
}

export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += cellWidth(char.codePointAt(0) ?? 0);
  return width;
}

/** Safe text cut to `width` cells (a cut shows `…`) and padded with spaces to exactly `width`. */
export function fitCells(text: string, width: number): string {
  if (width <= 0) return '';
  const safe = safeText(text);
  let out = '';
  let used = 0;
  const total = textWidth(safe);
  const room = total > width ? width - 1 : width;
  for (const char of safe) {
    const cells = cellWidth(char.codePointAt(0) ?? 0);
    if (used + cells > room) break;
    out += char;
    used += cells;
  }
  if (total > width) {
    out += '…';
    used += 1;
  }
  return out + ' '.repeat(Math.max(0, width - used));
}
