import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readScreen } from './screen.js';

/** A screen of the real Claude Code 2.1.332, captured with `tmux capture-pane -e -p` (see the README there). */
const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/claude-2.1.332/${name}.ansi`, import.meta.url), 'utf8');

// Screens of Claude Code 2.1.332 in an 80- and a 40-column tmux pane, as `capture-pane -p [-e]` gives them.
const RULE = '─'.repeat(80);
const BANNER = ` ▐▛███▛█   Claude Code v2.1.332
▝▜██████▀  Sonnet 5.5 · API Usage Billing
 ▝▝   ▝▝   /tmp/project`;
const E = '\x1b[';

const READY_ESCAPED = [
  BANNER,
  `${E}39m                                                            ${E}38;5;246m◐ medium · /effort`,
  `${E}38;5;244m${RULE}`,
  `${E}39m❯ ${E}7m`,
  `${E}0m${E}38;5;244m${E}49m${RULE}`,
  `${E}39m  ${E}38;5;246m⏸ manual mode on · ? for shortcuts · ← for agents`,
  '',
].join('\n');

const INTERRUPTED_ESCAPED = [
  BANNER,
  `${E}39m                                                            ${E}38;5;246m◐ medium · /effort`,
  `${E}38;5;244m${RULE}`,
  `${E}39m❯ SLOW say hi${E}7m`,
  `${E}0m${E}38;5;244m${E}49m${RULE}`,
  `${E}39m  ${E}38;5;246m⏸ manual mode on${E}39m`,
  '',
].join('\n');

const THINKING = `${BANNER}
❯ SLOW say hi
* Smooshing…
                                                            ◐ medium · /effort
${RULE}
❯ 
${RULE}
  ⏸ manual mode on · esc to interrupt · ← for agents
`;

const NARROW_TOOL_RUNNING = `           Claude Code v2.1.332
❯ USE-TOOL now
  Touching a file · 2s
  ⎿  $ sleep 12
* Gesticulating… (3s · ↓ 13 tokens)
                    ◐ medium · /effort
${'─'.repeat(40)}
❯ 
${'─'.repeat(40)}
  ⏸ manual mode on · esc to interrupt…
`;

const NARROW_TOOL_INTERRUPTED = `           Claude Code v2.1.332
❯ USE-TOOL now
  No result recorded for 1 call
  ⎿  $ sleep 12
  ⎿  Interrupted · What should Claude d…
                    ◐ medium · /effort
${'─'.repeat(40)}
❯ 
${'─'.repeat(40)}
  ⏸ manual mode on · ? for shortcuts …
`;

const PERMISSION = `${BANNER}
● Bash(touch /tmp/project/touched)
 Bash command
   touch /tmp/project/touched
 Do you want to proceed?
 ❯ 1. Yes
   2. No
 Esc to cancel · Tab to amend
`;

describe('readScreen', () => {
  it.each([
    ['ready, empty box (with escapes)', READY_ESCAPED, { busy: false, promptShown: true, typed: '' }],
    [
      'interrupted before the reply: the prompt is back in the box',
      INTERRUPTED_ESCAPED,
      { busy: false, promptShown: true, typed: 'SLOW say hi' },
    ],
    ['thinking', THINKING, { busy: true, promptShown: true, typed: '' }],
    ['a tool running, 40 columns', NARROW_TOOL_RUNNING, { busy: true, promptShown: true }],
    [
      'a tool interrupted, 40 columns',
      NARROW_TOOL_INTERRUPTED,
      { busy: false, promptShown: true, typed: '' },
    ],
    ['a permission dialog', PERMISSION, { awaitsAnswer: true, promptShown: false, typed: undefined }],
    ['a shell, not Claude', '$ ls\nREADME.md\n$ ', { busy: false, promptShown: false, typed: undefined }],
    ['nothing', '', { awaitsAnswer: false, busy: false, promptShown: false }],
  ])('%s', (_what, screen, expected) => {
    expect(readScreen(screen)).toMatchObject(expected);
  });

  it('takes a greyed placeholder for an empty box, typed text for text', () => {
    const box = (line: string) => `${RULE}\n${line}\n${RULE}\n  ? for shortcuts`;
    expect(readScreen(box(`❯ ${E}7mT${E}27m${E}2mry "fix lint errors"${E}22m`)).typed).toBe('');
    expect(readScreen(box(`❯ ${E}38;5;244mTry "fix lint errors"`)).typed).toBe('');
    expect(readScreen(box(`❯ ${E}38;2;153;153;153mTry "fix lint errors"`)).typed).toBe('');
    expect(readScreen(box(`❯ ${E}38;2;255;255;255mdraft`)).typed).toBe('draft');
    // A background colour's parameters are not attributes: the 2 of 48;2;… is not "dim".
    expect(readScreen(box(`❯ ${E}48;2;40;40;40mdraft`)).typed).toBe('draft');
    expect(readScreen(box(`❯ ${E}48;5;2mdraft`)).typed).toBe('draft');
    expect(readScreen(box(`❯ ${E}48;5;236;38;5;244mTry "fix lint errors"`)).typed).toBe('');
    expect(readScreen(box(`${E}39m❯ fix the ${E}1mbuild${E}0m${E}7m ${E}0m`)).typed).toBe('fix the build');
    expect(readScreen(`${RULE}\n❯ first line\n  second line\n${RULE}\n  footer`).typed).toBe(
      'first line\n  second line',
    );
  });

  it('takes only the box at the bottom: an old one further up is history', () => {
    const old = `${RULE}\n❯ old text\n${RULE}\n● reply\n\nline\nline\nline\nline`;
    expect(readScreen(old)).toMatchObject({ promptShown: false, typed: undefined });
  });
});

describe('readScreen: a dialog waiting for an answer', () => {
  it.each([
    ['a permission prompt', PERMISSION, true],
    ['Claude working', THINKING, false],
    [
      'a dialog answered long ago, further up',
      `${PERMISSION}\n● FAKE-REPLY-OK\n\n❯\n──────\n  ⏸ manual mode on`,
      false,
    ],
    ['an empty screen', '', false],
  ])('%s', (_what, screen, expected) => {
    expect(readScreen(screen).awaitsAnswer).toBe(expected);
  });
});

describe('readScreen: real screens of Claude Code 2.1.332', () => {
  it.each([
    ['folder trust, before any hook', 'screen-folder-trust', 'folder-trust'],
    ['folder trust at 40 columns', 'screen-folder-trust-40', 'folder-trust'],
    ['"Do you want to use this API key?"', 'screen-api-key', 'api-key'],
    ['the API key question at 40 columns', 'screen-api-key-40', 'api-key'],
    ["a project's new MCP server (Esc to reject)", 'screen-mcp-server', 'mcp-server'],
    ['a permission prompt', 'screen-permission', 'other'],
  ])('%s: a dialog waits, and which', (_what, name, dialog) => {
    expect(readScreen(fixture(name))).toMatchObject({
      awaitsAnswer: true,
      dialog,
      promptShown: false,
      typed: undefined,
    });
  });

  it.each([
    ['80 columns', 'screen-permission-escaped'],
    ['40 columns', 'screen-permission-escaped-40'],
  ])(
    'a permission prompt dismissed with Esc, %s: the empty input box is back, nothing waits or works',
    (_what, name) => {
      expect(readScreen(fixture(name))).toEqual({
        awaitsAnswer: false,
        dialog: undefined,
        busy: false,
        promptShown: true,
        typed: '',
      });
    },
  );
});
