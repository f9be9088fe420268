/** Terminal input bytes to key names (pure). */

export type Key = string;

const SEQUENCES: [string, Key][] = [
  ['\u001b[A', 'up'],
  ['\u001b[B', 'down'],
  ['\u001b[C', 'right'],
  ['\u001b[D', 'left'],
  ['\u001bOA', 'up'],
  ['\u001bOB', 'down'],
  ['\u001b[5~', 'pageup'],
  ['\u001b[6~', 'pagedown'],
  ['\u001b[H', 'home'],
  ['\u001b[F', 'end'],
  ['\u001b[1~', 'home'],
  ['\u001b[4~', 'end'],
  ['\u001b[3~', 'delete'],
];

/**
 * The keys in one read from a raw-mode terminal. A lone ESC is `escape`; an unknown escape sequence is
 * dropped whole; a pasted run of text comes as its characters.
 */
export function parseKeys(input: string): Key[] {
  const keys: Key[] = [];
  let at = 0;
  while (at < input.length) {
    const rest = input.slice(at);
    const known = SEQUENCES.find(([sequence]) => rest.startsWith(sequence));
    if (known) {
      keys.push(known[1]);
      at += known[0].length;
      continue;
    }
    const char = rest[0] as string;
    if (char === '\u001b') {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: parsing escape sequences
      const unknown = /^\u001b(?:\[[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]|O.)/.exec(rest);
      if (unknown) {
        at += unknown[0].length;
        continue;
      }
      keys.push('escape');
      at += 1;
      continue;
    }
    at += 1;
    if (char === '\r' || char === '\n') keys.push('enter');
    else if (char === '\u007f' || char === '\b') keys.push('backspace');
    else if (char === '\u0003') keys.push('ctrl-c');
    else if (char === '\u0015') keys.push('ctrl-u');
    else if (char === '\t') keys.push('tab');
    else if (char < ' ') continue;
    else {
      const code = char.charCodeAt(0);
      // A surrogate pair is one character.
      if (code >= 0xd800 && code <= 0xdbff && at < input.length) {
        keys.push(char + input[at]);
        at += 1;
      } else keys.push(char);
    }
  }
  return keys;
}
