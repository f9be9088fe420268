import { describe, expect, it } from 'vitest';
import { parseLaunch, parseResume } from './main.js';

describe('the launch fast path', () => {
  it.each([
    [[], { name: null, args: [] }],
    [['--', '-p', 'x'], { name: null, args: ['-p', 'x'] }],
    [['--name', 'a'], { name: 'a', args: [] }],
    [['-n', 'a', '--', '--name', 'b'], { name: 'a', args: ['--name', 'b'] }],
    [['--name=a', '--'], { name: 'a', args: [] }],
    [['list'], undefined],
    [['--help'], undefined],
    [['--name'], undefined],
    [['--name', 'a', '--name', 'b'], undefined],
    [['lsit', '--', 'x'], undefined],
    [['-d', '-n', 'a'], { name: 'a', args: [], mode: 'detach' }],
    [['--tmux', '--', 'x'], { name: null, args: ['x'], mode: 'tmux' }],
    [['--terminal'], { name: null, args: [], mode: 'terminal' }],
    [['-d', '--tmux'], undefined],
    [['-d', '--no-wait'], { name: null, args: [], mode: 'detach', noWait: true }],
    [['new', '-d', '--json', '--', 'x'], { name: null, args: ['x'], mode: 'detach', json: true }],
    [['new'], { name: null, args: [] }],
    [['--json'], undefined],
    [['new', '--help'], undefined],
    [['--json', '--', 'x'], undefined],
    [['--no-wait', '--', 'x'], undefined],
    [['new', '-w', '--', 'x'], { name: null, args: ['x'], worktree: { branch: null, base: null } }],
    [['-w', 'fix', '-n', 'a'], { name: 'a', args: [], worktree: { branch: 'fix', base: null } }],
    [['--worktree', '-n', 'a'], { name: 'a', args: [], worktree: { branch: null, base: null } }],
    [['--worktree=fix'], { name: null, args: [], worktree: { branch: 'fix', base: null } }],
    [['-w', 'fix', '--base', 'v1'], { name: null, args: [], worktree: { branch: 'fix', base: 'v1' } }],
    [['--base=v1', '--'], { name: null, args: [], worktree: { branch: null, base: 'v1' } }],
    [['-w', '--no-setup'], { name: null, args: [], worktree: { branch: null, base: null }, setup: false }],
    [['--no-worktree', '-d'], { name: null, args: [], mode: 'detach', worktree: false }],
    [['--no-worktree', '--base', 'v1'], undefined],
    [['-w', '--no-worktree'], undefined],
    [['-w', 'a', '-w', 'b'], undefined],
    [['--base'], undefined],
    [['-wfix'], undefined],
  ])('parseLaunch(%j) = %j', (argv, expected) => {
    expect(parseLaunch(argv)).toEqual(expected);
  });

  it.each([
    [['resume', 'a'], { query: 'a', args: [] }],
    [['resume', 'a', '--', '-c'], { query: 'a', args: ['-c'] }],
    [['resume', '--help'], undefined],
    [['resume', 'a', '-x'], undefined],
    [['resume'], undefined],
    [['list', 'a'], undefined],
  ])('parseResume(%j) = %j', (argv, expected) => {
    expect(parseResume(argv)).toEqual(expected);
  });
});

describe('report', () => {
  it('says file-system conditions in one line with the path, and other errors with a stack', async () => {
    const { report } = await import('./main.js');
    const lines: string[] = [];
    const services = { err: (text: string) => lines.push(text) } as unknown as Parameters<typeof report>[1];
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      path: '/r/x',
    });
    expect(report(full, services)).toBe(1);
    expect(lines).toEqual([
      'claude-session: no space left on the device: free some space and try again (ENOSPC at /r/x)\n',
    ]);
    lines.length = 0;
    expect(report(new TypeError('boom'), services)).toBe(70);
    expect(lines[0]).toContain('internal error (this is a bug');
    expect(lines[1]).toContain('TypeError: boom');
  });
});
