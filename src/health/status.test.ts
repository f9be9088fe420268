import { describe, expect, it } from 'vitest';
import type { SessionView } from '../live/session-view.js';
import { recommend, roomFor, summarizeStatus } from './status.js';

const MB = 1024 * 1024;
const limits = { maxSessions: 4, minAvailableBytes: 300 * MB };
const memory = (availableMB: number) => ({ totalBytes: 2048 * MB, availableBytes: availableMB * MB });

describe('roomFor and recommend', () => {
  it.each([
    [1500, 1, 3, 'room for about 3 more sessions (~400 MB each)'],
    [800, 1, 1, 'room for about 1 more session (~400 MB each)'],
    [600, 1, 0, 'no room for another session (~400 MB each) above the memory floor: end one first'],
    [
      200,
      1,
      0,
      'memory is low (200 MB available, the floor is 300 MB): end a session (`claude-session list`)',
    ],
    [4000, 4, 0, 'at the session limit (4 of 4): end a session before starting another, or pass --force'],
  ])('%i MB available, %i live -> %i', (available, live, room, text) => {
    expect(roomFor(memory(available), live, limits)).toBe(room);
    expect(recommend(memory(available), live, limits, room)).toBe(text);
  });
  it('without /proc/meminfo it counts by the limit only', () => {
    expect(roomFor(undefined, 1, limits)).toBeNull();
    expect(recommend(undefined, 1, limits, null)).toContain('up to 3 more session(s) by the limit');
  });
});

describe('summarizeStatus', () => {
  const view = (
    state: SessionView['state'],
    residentBytes: number | null,
    diskBytes: number,
  ): SessionView => ({
    id: `${state}-id`,
    shortId: state.slice(0, 8),
    name: state,
    state,
    sessionDir: '/s',
    configDir: '/s/config',
    cwd: '/',
    pid: residentBytes === null ? null : 42,
    residentBytes,
    createdAt: null,
    lastActivityAt: null,
    diskBytes,
    claudeVersion: null,
    launches: 1,
    problem: null,
    hint: null,
    pinned: false,
    mode: 'terminal',
    activity: null,
    activitySince: null,
    dialog: null,
    attached: null,
    worktree: null,
  });
  it('counts by state, sums resident memory of live sessions and disk of all, and names the limits', () => {
    const report = summarizeStatus({
      memory: memory(1500),
      views: [
        view('running', 200 * MB, 10),
        view('running', 100 * MB, 5),
        view('exited', null, 7),
        view('empty', null, 1),
      ],
      configured: { maxSessions: 3 },
      update: { checks: true, checkedAt: null, latest: null, error: null, notified: null },
    });
    expect(report.sessions.counts).toEqual({ running: 2, exited: 1, empty: 1, broken: 0 });
    expect(report.sessions.residentBytes).toBe(300 * MB);
    expect(report.sessions.diskBytes).toBe(23);
    expect(report.sessions.live.map((live) => live.name)).toEqual(['running', 'running']);
    expect(report.limits).toEqual({
      maxSessions: 3,
      minAvailableBytes: 300 * MB,
      source: { maxSessions: 'configured', minAvailableBytes: 'derived' },
    });
    expect(report.room).toBe(1);
    expect(report.update).toEqual({ checks: true, checkedAt: null, latest: null, error: null });
  });
});
