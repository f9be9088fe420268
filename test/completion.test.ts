import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, Sandbox } from './support/sandbox.js';

// The scripts `claude-session completion SHELL` prints, run in the real shells against the built CLI,
// found on PATH through a link as users have it. zsh and fish are Debian packages that .ci/run installs.
const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
let sandbox: Sandbox;
let named = '';
let unnamed = '';
let path: string;

beforeAll(async () => {
  sandbox = new Sandbox();
  const onPath = join(sandbox.dir, 'path');
  mkdirSync(onPath);
  symlinkSync(CLI, join(onPath, 'claude-session'));
  path = `${onPath}:${sandbox.bin}:${process.env.PATH}`;
  expect((await sandbox.run(['--name', 'api', '--', '-p', 'x'])).code).toBe(0);
  named = sandbox.sessionIds()[0] as string;
  expect((await sandbox.run(['--', '-p', 'y'])).code).toBe(0);
  unnamed = sandbox.sessionIds().find((id) => id !== named) as string;
  // Left out: a name whose session is gone, and an entry that is no name of ours.
  symlinkSync('00000000-0000-4000-8000-000000000000', join(sandbox.root, 'names', 'gone'));
  symlinkSync(named, join(sandbox.root, 'names', 'two\nlines'));
  writeFileSync(join(sandbox.dir, 'notes.txt'), '');
});

afterAll(() => sandbox.cleanup());

function shell(command: string, args: string[], cwd = sandbox.dir) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: sandbox.env({ PATH: path }) });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.split('\n').filter(Boolean);
}

/** The script `completion SHELL` prints, in a file. */
function script(name: string): string {
  const file = join(sandbox.dir, `completion.${name}`);
  writeFileSync(file, shell(CLI, ['completion', name]).join('\n'));
  return file;
}

/** COMPREPLY after the bash function ran on these COMP_WORDS, the last one being completed. */
const bash = (...words: string[]) =>
  shell('bash', [
    '-c',
    `source <(claude-session completion bash) && COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) && _claude_session && printf '%s\\n' "\${COMPREPLY[@]}"`,
    'bash',
    'claude-session',
    ...words,
  ]);

describe('claude-session completion', () => {
  it('refuses a shell it has no script for, in one line', async () => {
    const result = await sandbox.run(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "claude-session: command-argument value 'powershell' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish. (see --help)\n",
    );
  });
});

describe('claude-session completion bash', () => {
  it('completes commands, options and option values', () => {
    expect(bash('')).toEqual(expect.arrayContaining(['new', 'list', 'resume', 'attach', 'completion']));
    expect(bash('res')).toEqual(['resume']);
    expect(bash('list', '--')).toEqual(['--json', '--watch', '--interval', '--help']);
    expect(bash('wait', 'api', '--until', '')).toEqual(['idle', 'waiting', 'working']);
    // bash splits `--until=wa` at the `=`.
    expect(bash('wait', 'api', '--until', '=', 'wa')).toEqual(['waiting']);
    expect(bash('completion', '')).toEqual(['bash', 'zsh', 'fish']);
  });

  it('completes the names and ids of the sessions under the root', () => {
    expect(bash('resume', '').sort()).toEqual(['api', unnamed].sort());
    expect(bash('attach', 'a')).toEqual(['api']);
    expect(bash('kill', named.slice(0, 6))).toEqual([named]);
    expect(bash('show', 'api', '')).toEqual([]);
  });

  it("offers the shell's file names for Claude's arguments, after --", () => {
    expect(bash('--name', 'x', '--', 'no')).toEqual(['notes.txt']);
  });

  it('takes the typed words as data, never as shell code', () => {
    expect(bash('$(touch pwned)', '`touch pwned`', ';touch pwned', '')).toEqual([]);
    expect(existsSync(join(sandbox.dir, 'pwned'))).toBe(false);
  });

  it('asks the launch bundle, which a Tab runs without commander', () => {
    const result = spawnSync(CLI, ['__complete', 'bash', '--', 'resume', ''], {
      encoding: 'utf8',
      env: sandbox.env({ NODE_DEBUG: 'module' }),
    });
    expect(result.stdout.split('\n')).toContain('api');
    expect(result.stderr).not.toMatch(/program\.js|commander/);
  });
});

describe.skipIf(!has('zsh'))('claude-session completion zsh (needs zsh: apt-get install zsh)', () => {
  it('parses', () => {
    shell('zsh', ['-n', script('zsh')]);
  });

  // compsys's own functions stand in: _describe prints what it was given, _files says it was asked.
  const zsh = (...words: string[]) =>
    shell('zsh', [
      '-f',
      '-c',
      `compdef() { :; }; _describe() { local name=\${@[-1]}; print -rl -- "\${(@P)name}"; }; _files() { print -r -- FILES; }; source <(claude-session completion zsh); words=("$@"); CURRENT=$#; _claude_session`,
      'claude-session',
      ...words,
    ]);

  it('completes commands, options, values and sessions, with descriptions', () => {
    expect(zsh('claude-session', 'res')).toEqual([expect.stringMatching(/^resume:continue a session/)]);
    expect(zsh('claude-session', 'wait', 'api', '--until=wa')).toEqual(['--until=waiting']);
    expect(zsh('claude-session', 'resume', '')).toEqual([
      `api:session ${named.slice(0, 8)}`,
      `${unnamed}:unnamed session`,
    ]);
    expect(zsh('claude-session', '--', '')).toEqual(['FILES']);
  });
});

describe.skipIf(!has('fish'))('claude-session completion fish (needs fish: apt-get install fish)', () => {
  /** What fish itself would offer at the end of `line`. */
  const fish = (line: string) =>
    shell('fish', [
      '--no-config',
      '-c',
      'claude-session completion fish | source; complete --do-complete $argv[1]',
      line,
    ]);

  it('parses', () => {
    shell('fish', ['--no-config', '-n', script('fish')]);
  });

  it('completes commands, options, values and sessions, with descriptions', () => {
    expect(fish('claude-session res')).toEqual([expect.stringMatching(/^resume\tcontinue a session/)]);
    expect(fish('claude-session list --w')).toEqual(['--watch\tredraw the table live until interrupted']);
    expect(fish('claude-session wait api --until ')).toEqual(['idle', 'waiting', 'working']);
    expect(fish('claude-session resume ').sort()).toEqual(
      [`api\tsession ${named.slice(0, 8)}`, `${unnamed}\tunnamed session`].sort(),
    );
    expect(fish('claude-session -- no')).toEqual(['notes.txt']);
  });
});
