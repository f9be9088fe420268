import { describe, expect, it } from 'vitest';
import { type Completion, complete, formatCompletion, type SessionList } from '../completion/complete.js';
import { completionSpec } from './program.js';

// The program's own tree, as scripts/build.mjs takes it (it defines __VERSION__ for the bundles).
(globalThis as Record<string, unknown>).__VERSION__ = '0.0.0-test';
const spec = completionSpec();
const NAMED = '3f2a9c1e-0000-4000-8000-000000000001';
const UNNAMED = '7b00d1e5-0000-4000-8000-000000000002';
const sessions = (): SessionList => ({ ids: [UNNAMED, NAMED], names: new Map([['api', NAMED]]) });
const values = (completion: Completion) =>
  completion.files ? ':files' : completion.candidates.map((c) => c.value);

describe('complete', () => {
  it.each([
    [['res'], ['resume']],
    [['rena'], ['rename']],
    [
      ['rename', ''],
      ['api', UNNAMED],
    ],
    [['l'], ['list', 'ls', 'login', 'logout', 'log']],
    [
      ['resume', ''],
      ['api', UNNAMED],
    ],
    [['attach', 'a'], ['api']],
    [['kill', '3f'], [NAMED]],
    [['show', 'api', ''], []],
    [['send', 'api', 'fix', ''], []],
    [
      ['wait', 'api', '--until', ''],
      ['idle', 'waiting', 'working'],
    ],
    [
      ['wait', 'api', '--until', '=', 'w'],
      ['waiting', 'working'],
    ],
    [['wait', 'api', '--until', '='], []],
    [['wait', 'api', '--until=i'], ['--until=idle']],
    [['wait', 'api', '--until', 'idle', '--t'], ['--timeout']],
    [
      ['list', '--'],
      ['--json', '--watch', '--interval', '--help'],
    ],
    [
      ['list', '--json', '--'],
      ['--watch', '--interval', '--help'],
    ],
    [
      ['ls', '-'],
      ['--json', '--watch', '--interval', '--help'],
    ],
    [['ls', '-w'], ['-w']],
    [['log', '-n', ''], []],
    [['--na'], ['--name']],
    [['-d', ''], []],
    [['--name', ''], []],
    [['--name', 'x', '--', ''], ':files'],
    [['resume', 'api', '--', '-'], ':files'],
    [['shared', ''], []],
    [
      ['completion', ''],
      ['bash', 'zsh', 'fish'],
    ],
    [['help', 'ki'], ['kill']],
    [['nosuch', ''], []],
  ])('%j offers %j', (words, expected) => {
    expect(values(complete(spec, words, sessions))).toEqual(expected);
  });

  it('offers every command, with the program options and those of the default command', () => {
    const commands = values(complete(spec, [''], sessions));
    for (const command of ['new', 'list', 'ls', 'resume', 'attach', 'cleanup', 'completion', 'help']) {
      expect(commands).toContain(command);
    }
    expect(values(complete(spec, ['--'], sessions))).toEqual(
      expect.arrayContaining(['--version', '--help', '--name', '--detach', '--memory-max']),
    );
  });

  it('reads the sessions only where a session goes', () => {
    let asked = 0;
    const counting = () => {
      asked++;
      return sessions();
    };
    complete(spec, ['list', '--'], counting);
    complete(spec, [''], counting);
    expect(asked).toBe(0);
    complete(spec, ['pin', ''], counting);
    expect(asked).toBe(1);
  });

  it('formats for each shell: bash values, zsh value:description, fish value<TAB>description', () => {
    const completion = complete(spec, ['resume', 'a'], sessions);
    expect(formatCompletion(completion, 'bash')).toBe('api\n');
    expect(formatCompletion(completion, 'zsh')).toBe('api:session 3f2a9c1e\n');
    expect(formatCompletion(completion, 'fish')).toBe('api\tsession 3f2a9c1e\n');
    expect(formatCompletion({ files: true }, 'zsh')).toBe(':files\n');
  });
});
