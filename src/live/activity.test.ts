import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { observedActivity } from './activity.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/claude-2.1.332/${name}.ansi`, import.meta.url), 'utf8');

const PERMISSION = ` Do you want to proceed?
 ❯ 1. Yes
   2. No
 Esc to cancel · Tab to amend
`;
const AUTO_MODE = `  To get the check back, ask whoever runs your gateway to pass it through
  Enter to stay in auto mode · shift+Tab to leave for accept edits mode and
  stop · Esc to cancel

`;
const WORKING = `✶ Schlepping…
────────────
❯
────────────
  ⏸ manual mode on · esc to interrupt`;
// After Esc: Claude put the prompt back into the box, and no hook fired (Claude Code 2.1.332).
const INTERRUPTED = `❯ SLOW say hi
────────────
❯ SLOW say hi
────────────
  ⏸ manual mode on`;
const NOT_CLAUDE = `$ ls
README.md
$ `;

describe('observedActivity', () => {
  const since = new Date(10_000);
  const working = { activity: 'working' as const, since };
  it.each([
    ['fresh working: the screen is not read', working, 11_000, PERMISSION, working, 0],
    [
      'stale working with a dialog on screen: waiting',
      working,
      20_000,
      AUTO_MODE,
      { activity: 'waiting', since },
      1,
    ],
    ['stale working, working on screen', working, 20_000, WORKING, working, 1],
    ['stale working, the pane cannot be read', working, 20_000, undefined, working, 1],
    ['stale working, interrupted: idle', working, 20_000, INTERRUPTED, { activity: 'idle', since }, 1],
    ['stale working, a screen that is not Claude’s', working, 20_000, NOT_CLAUDE, working, 1],
    [
      'idle: the screen is not read',
      { activity: 'idle' as const, since },
      20_000,
      PERMISSION,
      { activity: 'idle', since },
      0,
    ],
  ])('%s', (_what, state, now, screen, expected, reads) => {
    let count = 0;
    const capture = () => {
      count++;
      return screen;
    };
    expect(observedActivity(state, now, capture)).toEqual(expected);
    expect(count).toBe(reads);
  });

  it("without tmux (no capture) keeps the hooks' state", () => {
    expect(observedActivity(working, 99_000, undefined)).toEqual(working);
    expect(observedActivity(undefined, 99_000, undefined)).toBeUndefined();
  });
});

describe('observedActivity: a permission prompt dismissed with Esc (no hook fires)', () => {
  const since = new Date(10_000);
  const waiting = { activity: 'waiting' as const, since };
  it.each([
    ['the box is back: idle', 'screen-permission-escaped', { activity: 'idle', since }],
    ['the box is back, 40 columns: idle', 'screen-permission-escaped-40', { activity: 'idle', since }],
    ['the prompt still on screen: waiting', 'screen-permission', waiting],
  ])('stale waiting, %s', (_what, name, expected) => {
    expect(observedActivity(waiting, 20_000, () => fixture(name))).toEqual(expected);
  });

  it('a fresh waiting is not checked; Claude working after the answer is working', () => {
    expect(observedActivity(waiting, 11_000, () => fixture('screen-permission-escaped'))).toEqual(waiting);
    expect(observedActivity(waiting, 20_000, () => WORKING)).toEqual({ activity: 'working', since });
    expect(observedActivity(waiting, 20_000, () => NOT_CLAUDE)).toEqual(waiting);
    expect(observedActivity(waiting, 20_000, () => undefined)).toEqual(waiting);
  });
});

describe('observedActivity: before the first hook', () => {
  const launchedAt = new Date(5_000);
  it.each([
    ['folder trust', 'screen-folder-trust', 'folder-trust'],
    ['folder trust, 40 columns', 'screen-folder-trust-40', 'folder-trust'],
    ['the API key', 'screen-api-key', 'api-key'],
    ['an MCP server', 'screen-mcp-server', 'mcp-server'],
  ])('a start-up question (%s) is waiting since the launch, with which one', (_what, name, dialog) => {
    expect(observedActivity(undefined, 20_000, () => fixture(name), launchedAt)).toEqual({
      activity: 'waiting',
      since: launchedAt,
      dialog,
    });
  });

  it('anything else is not known yet', () => {
    for (const screen of [WORKING, NOT_CLAUDE, fixture('screen-permission-escaped'), '', undefined]) {
      expect(observedActivity(undefined, 20_000, () => screen, launchedAt)).toBeUndefined();
    }
  });
});
