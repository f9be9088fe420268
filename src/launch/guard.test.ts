import { describe, expect, it } from 'vitest';
import { parseMeminfo } from '../system/memory.js';
import { defaultLimits, guardRefusal } from './guard.js';

const MB = 1024 * 1024;
const host = (totalMB: number, availableMB: number) => ({
  totalBytes: totalMB * MB,
  availableBytes: availableMB * MB,
});

describe('guard rails', () => {
  it.each([
    [1024, { maxSessions: 1, minAvailableBytes: 256 * MB }],
    [2048, { maxSessions: 4, minAvailableBytes: 300 * MB }],
    [24 * 1024, { maxSessions: 60, minAvailableBytes: 300 * MB }],
    [300, { maxSessions: 1, minAvailableBytes: 75 * MB }],
  ])('defaults for a %i MB host', (total, limits) => {
    expect(defaultLimits(host(total, total))).toEqual(limits);
  });

  it('refuses at the limit and under the floor, and says how to override', () => {
    const limits = { maxSessions: 2, minAvailableBytes: 300 * MB };
    expect(guardRefusal({ live: 1, memory: host(1024, 500), limits })).toBeUndefined();
    expect(guardRefusal({ live: 2, memory: host(1024, 500), limits })).toMatch(
      /2 sessions are running, the limit is 2: .*--force/,
    );
    expect(guardRefusal({ live: 0, memory: host(1024, 200), limits })).toMatch(
      /^only 200 MB of memory available, the floor is 300 MB .* 0 running\): .*--force$/,
    );
    expect(guardRefusal({ live: 0, memory: undefined, limits })).toBeUndefined();
  });

  it('reads /proc/meminfo', () => {
    expect(parseMeminfo('MemTotal:        1000 kB\nMemFree:  1 kB\nMemAvailable:     500 kB\n')).toEqual({
      totalBytes: 1000 * 1024,
      availableBytes: 500 * 1024,
    });
    expect(parseMeminfo('MemTotal: 1000 kB\n')).toBeUndefined();
  });
});
