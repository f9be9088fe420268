import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, REPO } from './support/sandbox.js';

// libexec/hook on its own, as Claude runs it: `"$CLAUDE_SESSION_HOOK" STATE [prompt]` through sh.
const HOOK = join(REPO, 'libexec', 'hook');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cs-hook-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function hook(...args: string[]) {
  return spawnSync('sh', ['-c', '"$CLAUDE_SESSION_HOOK" "$@"', 'sh', ...args], {
    env: { ...cleanEnv(), CLAUDE_SESSION_HOOK: HOOK, CLAUDE_SESSION_DIR: dir },
    encoding: 'utf8',
    input: '{"hook_event_name":"Stop"}',
  });
}

const state = () => readFileSync(join(dir, 'state'), 'utf8');
const since = () => Math.round(statSync(join(dir, 'state')).mtimeMs);
const past = new Date(Date.now() - 60_000);

describe('libexec/hook', () => {
  it('writes the state, private, and nothing else', () => {
    expect(hook('working').status).toBe(0);
    expect(state()).toBe('working\n');
    expect(statSync(join(dir, 'state')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['state']);
  });

  it('keeps an unchanged state and the time it began; a new prompt starts it again', () => {
    writeFileSync(join(dir, 'state'), 'working\n');
    utimesSync(join(dir, 'state'), past, past);
    expect(hook('working').status).toBe(0);
    expect(since()).toBe(past.getTime());
    expect(hook('working', 'prompt').status).toBe(0);
    expect(since()).toBeGreaterThan(past.getTime());
    expect(state()).toBe('working\n');
  });

  it('ignores an unknown state, and a session dir that is not there, without failing Claude', () => {
    expect(hook('sleeping').status).toBe(0);
    expect(hook('').status).toBe(0);
    expect(existsSync(join(dir, 'state'))).toBe(false);
    rmSync(dir, { recursive: true });
    const result = hook('idle');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });
});
