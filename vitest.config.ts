import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// The tests driving the real Claude Code binary (test/support/real-claude.ts): `npm run test:real`.
const REAL_CLAUDE = ['test/**/*real*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // The end-to-end files mostly wait on the processes they start, so even a 2-core machine runs two
    // at once (vitest's default there is one, which made the whole run the sum of every file's time).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default'],
    // `npm test` runs all three; `npm run test:unit`, `test:e2e` and `test:real` one each.
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/**/*.test.ts'], exclude: REAL_CLAUDE } },
      { extends: true, test: { name: 'real', include: REAL_CLAUDE } },
    ],
  },
});
