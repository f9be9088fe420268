import { describe, expect, it } from 'vitest';
import {
  answersJson,
  applyAnswers,
  describeAnswers,
  extractAnswers,
  isEmpty,
  isFolder,
  keepAnswers,
  newAnswers,
  noAnswers,
} from './answers.js';

/** What a session's .claude.json looks like after the user answered in it (Claude 2.1.332). */
const answered = {
  hasCompletedOnboarding: true,
  numStartups: 3,
  customApiKeyResponses: { approved: ['abcdefghijklmnop0123'], rejected: [] },
  tipsHistory: { 'new-user-warmup': 1 },
  lastReleaseNotesSeen: '2.1.332',
  hasSeenAutoDefaultNotice: true,
  oauthAccount: { emailAddress: 'someone@example.com' },
  env: { LD_PRELOAD: '/tmp/x.so' },
  projects: {
    '/work/api': { allowedTools: ['Bash'], hasTrustDialogAccepted: true, lastCost: 1 },
    '/work/docs': { hasTrustDialogAccepted: false },
  },
};

describe('extractAnswers', () => {
  it('takes the allowlisted answers and nothing else', () => {
    expect(answersJson(extractAnswers(answered))).toEqual({
      customApiKeyResponses: { approved: ['abcdefghijklmnop0123'], rejected: [] },
      hasSeenAutoDefaultNotice: true,
      tipsHistory: { 'new-user-warmup': 1 },
      lastReleaseNotesSeen: '2.1.332',
      projects: { '/work/api': { hasTrustDialogAccepted: true } },
    });
  });

  it.each([
    ['not an object', [1, 2]],
    ['keys of the wrong type', { customApiKeyResponses: { approved: 'abc', rejected: [1, null, {}] } }],
    ['key suffixes with spaces or controls', { customApiKeyResponses: { approved: ['a b', 'x\ny', ''] } }],
    ['flags that are not true', { hasSeenAutoDefaultNotice: 'yes', chromeInstallUpsellDismissed: 1 }],
    ['numbers that are not counts', { fullscreenUpsellSeenCount: -1, tipsHistory: { tip: 'x', 'a b': 1 } }],
    ['versions that are not X.Y.Z', { lastReleaseNotesSeen: '2.1.332; rm -rf ~' }],
    ['trust as a string', { projects: { '/p': { hasTrustDialogAccepted: 'true' } } }],
    [
      'folders that are not absolute and normalised',
      {
        projects: Object.fromEntries(
          ['p', './p', '/a/../b', '/a//b', '/a/', '/a\n/b', `/${'x'.repeat(5000)}`].map((folder) => [
            folder,
            { hasTrustDialogAccepted: true },
          ]),
        ),
      },
    ],
    ['projects that are not an object', { projects: ['/p'] }],
    ['keys outside the allowlist', { primaryApiKey: 'sk-ant', apiKeyHelper: 'sh evil', theme: 'dark' }],
  ])('ignores %s', (_name, json) => {
    expect(isEmpty(extractAnswers(json))).toBe(true);
  });

  it('bounds what it takes', () => {
    const projects = Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [`/p/${i}`, { hasTrustDialogAccepted: true }]),
    );
    const keys = Array.from({ length: 300 }, (_, i) => `key-${i}`);
    const answers = extractAnswers({ projects, customApiKeyResponses: { approved: keys } });
    expect(Object.keys(answers.folders)).toHaveLength(2000);
    expect(answers.apiKeys.approved).toHaveLength(100);
  });

  it('knows a folder as Claude records it', () => {
    expect(['/', '/work/api', '/home/a b/ü'].every(isFolder)).toBe(true);
    expect(['', 'work', '/work/', '/work/./api'].some(isFolder)).toBe(false);
  });
});

describe('newAnswers', () => {
  it('is what a session holds beyond what it was given', () => {
    const given = extractAnswers({
      customApiKeyResponses: { approved: ['base-key'], rejected: [] },
      tipsHistory: { 'new-user-warmup': 1 },
      projects: { '/work/base': { hasTrustDialogAccepted: true } },
    });
    const now = extractAnswers({
      customApiKeyResponses: { approved: ['base-key', 'new-key'], rejected: ['bad-key'] },
      tipsHistory: { 'new-user-warmup': 1, 'plan-mode': 5 },
      lastReleaseNotesSeen: '2.1.332',
      projects: {
        '/work/base': { hasTrustDialogAccepted: true },
        '/work/api': { hasTrustDialogAccepted: true },
      },
    });
    expect(answersJson(newAnswers(now, given))).toEqual({
      customApiKeyResponses: { approved: ['new-key'], rejected: ['bad-key'] },
      tipsHistory: { 'plan-mode': 5 },
      lastReleaseNotesSeen: '2.1.332',
      projects: { '/work/api': { hasTrustDialogAccepted: true } },
    });
    expect(isEmpty(newAnswers(now, now))).toBe(true);
  });

  it('sees a version or count that went up', () => {
    const given = extractAnswers({ lastReleaseNotesSeen: '2.1.99', fullscreenUpsellSeenCount: 1 });
    const now = extractAnswers({ lastReleaseNotesSeen: '2.1.100', fullscreenUpsellSeenCount: 3 });
    expect(answersJson(newAnswers(now, given))).toEqual({
      lastReleaseNotesSeen: '2.1.100',
      fullscreenUpsellSeenCount: 3,
    });
    expect(isEmpty(newAnswers(given, now))).toBe(true);
  });
});

describe('keepAnswers', () => {
  it('lets a newer answer about a key replace an older one, and only grows the rest', () => {
    const kept = extractAnswers({
      customApiKeyResponses: { approved: ['k1', 'k2'], rejected: ['k3'] },
      lastReleaseNotesSeen: '2.1.332',
      tipsHistory: { a: 5, b: 1 },
      projects: { '/work/api': { hasTrustDialogAccepted: true } },
    });
    const newer = extractAnswers({
      customApiKeyResponses: { approved: ['k3'], rejected: ['k1'] },
      lastReleaseNotesSeen: '2.1.300',
      tipsHistory: { a: 2, b: 4 },
      projects: { '/work/docs': { hasTrustDialogAccepted: true } },
    });
    expect(answersJson(keepAnswers(kept, newer))).toEqual({
      customApiKeyResponses: { approved: ['k2', 'k3'], rejected: ['k1'] },
      lastReleaseNotesSeen: '2.1.332',
      tipsHistory: { a: 5, b: 4 },
      projects: {
        '/work/api': { hasTrustDialogAccepted: true },
        '/work/docs': { hasTrustDialogAccepted: true },
      },
    });
    expect(answersJson(keepAnswers(keepAnswers(kept, newer), newer))).toEqual(
      answersJson(keepAnswers(kept, newer)),
    );
  });
});

describe('applyAnswers', () => {
  const kept = extractAnswers({
    customApiKeyResponses: { approved: ['k1', 'k2'], rejected: ['k3'] },
    hasSeenAutoDefaultNotice: true,
    tipsHistory: { a: 5 },
    projects: { '/work/api': { hasTrustDialogAccepted: true } },
  });

  it('fills in the kept answers, for the exact folder only', () => {
    const { json, changed } = applyAnswers(
      { hasCompletedOnboarding: true, tipsHistory: {}, hasSeenAutoDefaultNotice: false },
      kept,
    );
    expect(changed).toBe(true);
    expect(json).toEqual({
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: ['k1', 'k2'], rejected: ['k3'] },
      hasSeenAutoDefaultNotice: true,
      tipsHistory: { a: 5 },
      projects: { '/work/api': { hasTrustDialogAccepted: true } },
    });
  });

  it("leaves what the file decided: the base's own answer about a key wins", () => {
    const target = {
      customApiKeyResponses: { approved: ['k3'], rejected: ['k1'] },
      tipsHistory: { a: 9, other: 'a newer form' },
      projects: { '/work/api': { hasTrustDialogAccepted: true, allowedTools: ['x'] }, '/work': 'odd' },
    };
    const { json } = applyAnswers(target, kept);
    expect(json).toEqual({
      ...target,
      customApiKeyResponses: { approved: ['k3', 'k2'], rejected: ['k1'] },
      hasSeenAutoDefaultNotice: true,
    });
  });

  it('changes nothing when everything is there already, or the file is not an object', () => {
    const full = applyAnswers({}, kept).json;
    expect(applyAnswers(full, kept)).toEqual({ json: full, changed: false });
    expect(applyAnswers([1], kept)).toEqual({ json: [1], changed: false });
    expect(applyAnswers({ a: 1 }, noAnswers())).toEqual({ json: { a: 1 }, changed: false });
  });

  it('leaves a value of a form it does not know alone', () => {
    const target = { customApiKeyResponses: { approved: 'all' }, lastReleaseNotesSeen: 7, projects: [] };
    expect(applyAnswers(target, kept).json).toMatchObject(target);
  });
});

describe('describeAnswers', () => {
  it('says what is kept, one line per kind', () => {
    expect(describeAnswers(extractAnswers(answered))).toEqual([
      'API keys approved: …abcdefghijklmnop0123',
      'folders trusted: /work/api',
      'notices, tips and upsells seen or dismissed: hasSeenAutoDefaultNotice, tipsHistory, lastReleaseNotesSeen',
    ]);
  });
});
