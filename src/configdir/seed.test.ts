import { describe, expect, it } from 'vitest';
import { parseBaseClaudeJson, seedClaudeJson } from './seed.js';

describe('seedClaudeJson', () => {
  it('starts at the prompt even without a base file', () => {
    expect(seedClaudeJson(undefined)).toEqual({ hasCompletedOnboarding: true });
    expect(seedClaudeJson(parseBaseClaudeJson('{half'))).toEqual({ hasCompletedOnboarding: true });
  });

  it('keeps decisions and drops run data, per folder', () => {
    const seed = seedClaudeJson({
      projects: {
        '/p': {
          hasTrustDialogAccepted: true,
          lastCost: 1,
          lastSessionId: 'x',
          history: [],
          exampleFiles: [],
        },
      },
    });
    expect(seed.projects).toEqual({ '/p': { hasTrustDialogAccepted: true } });
  });

  it('never adds trust the base does not have', () => {
    const seed = seedClaudeJson({ projects: { '/p': { hasTrustDialogAccepted: false } } });
    expect(seed.projects).toEqual({ '/p': { hasTrustDialogAccepted: false } });
  });
});
