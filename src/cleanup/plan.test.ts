import { describe, expect, it } from 'vitest';
import { parseRecord } from '../store/record.js';
import {
  type CandidateWorktree,
  type CleanupCandidate,
  type CleanupRules,
  decide,
  decideAsked,
  planCleanup,
  recordHealth,
} from './plan.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const rules: CleanupRules = { olderThanMs: 30 * DAY, emptyGraceMs: HOUR, nowMs: NOW, onlyEmpty: false };

function session(idleMs: number | undefined, extra: Partial<CleanupCandidate> = {}): CleanupCandidate {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name: null,
    record: 'ok',
    problem: null,
    notOurs: null,
    live: false,
    pid: null,
    pinned: false,
    lastActivityMs: idleMs === undefined ? undefined : NOW - idleMs,
    hasConversation: true,
    diskBytes: 4096,
    tempBytes: 0,
    hasTemp: false,
    worktree: null,
    ...extra,
  };
}

const worktree = (atRisk: string[]): { worktree: CandidateWorktree } => ({
  worktree: { path: '/r/worktrees/1/app', branch: 'claude-session/x', atRisk, found: null },
});
const clean = worktree([]);
const dirty = worktree(['1 untracked file (notes.txt)', '2 commits on no other branch or remote (abc fix)']);

const chat = { hasConversation: true };
const empty = { hasConversation: false };
const corrupt = { record: 'corrupt' as const, problem: 'session.json is not valid JSON' };

describe('decide', () => {
  // [what, idle, session fields, rule overrides, remove?, rule, reason contains]
  const cases: [
    string,
    number | undefined,
    Partial<CleanupCandidate>,
    Partial<CleanupRules>,
    boolean,
    string,
    string,
  ][] = [
    ['inactive past the limit', 31 * DAY, chat, {}, true, 'inactive', 'inactive for 31d (limit 30d)'],
    ['inactive exactly the limit', 30 * DAY, chat, {}, true, 'inactive', 'inactive for 30d'],
    ['active a day ago', 1 * DAY, chat, {}, false, 'recent', 'last active 1d ago (limit 30d)'],
    [
      'empty past the grace',
      2 * HOUR,
      empty,
      {},
      true,
      'empty',
      'empty (no prompt or transcript), last active 2h ago (grace 1h)',
    ],
    ['empty within the grace', 10 * 60_000, empty, {}, false, 'recent', 'within the grace of 1h'],
    ['running, however old', 90 * DAY, { live: true, pid: 42 }, {}, false, 'running', 'running (pid 42)'],
    ['running and empty', 90 * DAY, { ...empty, live: true }, {}, false, 'running', 'running'],
    ['pinned, however old', 90 * DAY, { pinned: true }, {}, false, 'pinned', 'pinned'],
    ['pinned and empty', 90 * DAY, { ...empty, pinned: true }, {}, false, 'pinned', 'pinned'],
    [
      'a dir that is a link',
      90 * DAY,
      { notOurs: 'the session dir is a symbolic link' },
      {},
      false,
      'not-ours',
      'not ours to delete: the session dir is a symbolic link',
    ],
    [
      'a newer schema',
      90 * DAY,
      { record: 'foreign', problem: 'session.json has schema 2' },
      {},
      false,
      'unknown-record',
      'has schema 2: left for you',
    ],
    [
      'a corrupt record, old',
      40 * DAY,
      corrupt,
      {},
      true,
      'inactive',
      'broken (session.json is not valid JSON), inactive for 40d',
    ],
    [
      'a corrupt record, recent',
      2 * DAY,
      corrupt,
      {},
      false,
      'recent',
      'broken (session.json is not valid JSON), last active 2d ago',
    ],
    ['a corrupt record, empty', 2 * HOUR, { ...corrupt, ...empty }, {}, true, 'empty', 'broken ('],
    ['nothing tells when: old', undefined, chat, {}, true, 'inactive', 'inactive for ever'],
    [
      '--empty: a conversation',
      90 * DAY,
      chat,
      { onlyEmpty: true },
      false,
      'not-empty',
      '--empty removes only empty ones',
    ],
    ['--empty: empty past the grace', 2 * HOUR, empty, { onlyEmpty: true }, true, 'empty', 'grace 1h'],
    ['--older-than 7d: 8 days', 8 * DAY, chat, { olderThanMs: 7 * DAY }, true, 'inactive', 'limit 7d'],
    [
      '--older-than 0s: a minute',
      60_000,
      chat,
      { olderThanMs: 0 },
      true,
      'inactive',
      'inactive for 1m (limit 0s)',
    ],
    ['old, its worktree clean and merged', 40 * DAY, clean, {}, true, 'inactive', 'inactive for 40d'],
    ['empty, its worktree clean', 2 * HOUR, { ...empty, ...clean }, {}, true, 'empty', 'empty'],
    [
      'old, its worktree holding work',
      40 * DAY,
      dirty,
      {},
      false,
      'worktree-work',
      'inactive for 40d (limit 30d), but its worktree /r/worktrees/1/app holds work that would be lost: 1 untracked file (notes.txt); 2 commits on no other branch or remote (abc fix)',
    ],
    [
      'empty, its worktree holding work',
      2 * HOUR,
      { ...empty, ...dirty },
      {},
      false,
      'worktree-work',
      'empty',
    ],
    ['recent, its worktree holding work', DAY, dirty, {}, false, 'recent', 'last active 1d ago'],
    [
      'running, its worktree holding work',
      90 * DAY,
      { ...dirty, live: true },
      {},
      false,
      'running',
      'running',
    ],
    [
      'pinned, its worktree holding work',
      90 * DAY,
      { ...dirty, pinned: true },
      {},
      false,
      'pinned',
      'pinned',
    ],
    [
      'a corrupt record and a worktree dir it cannot account for',
      40 * DAY,
      {
        ...corrupt,
        ...worktree(["files its session's record cannot account for (session.json is not valid JSON)"]),
      },
      {},
      false,
      'worktree-work',
      'broken (session.json is not valid JSON), inactive for 40d (limit 30d), but its worktree',
    ],
    [
      'activity in the future (clock skew)',
      -DAY,
      chat,
      { olderThanMs: 0 },
      false,
      'recent',
      'last active 0s ago',
    ],
  ];
  it.each(cases)('%s', (_what, idle, fields, overrides, remove, rule, reason) => {
    const decision = decide(session(idle, fields), { ...rules, ...overrides });
    expect(decision).toMatchObject({ remove, rule });
    expect(decision.reason).toContain(reason);
  });
});

describe('planCleanup', () => {
  it('splits sessions into removed and kept, with sizes, and lists temp dirs of ended ones to clear', () => {
    const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
    const plan = planCleanup(
      [
        session(40 * DAY, { id: id(1), name: 'old', diskBytes: 8192 }),
        session(DAY, { id: id(2), hasTemp: true, tempBytes: 100 }),
        session(DAY, { id: id(3), live: true, hasTemp: true, tempBytes: 100 }),
        session(10 * 60_000, { id: id(4), hasTemp: true, tempBytes: 100 }),
        session(40 * DAY, { id: id(5), ...clean }),
        session(40 * DAY, { id: id(6), ...dirty }),
      ],
      rules,
    );
    expect(plan.remove).toEqual([
      {
        id: id(1),
        name: 'old',
        rule: 'inactive',
        reason: 'inactive for 40d (limit 30d)',
        diskBytes: 8192,
        worktree: null,
      },
      {
        id: id(5),
        name: null,
        rule: 'inactive',
        reason: 'inactive for 40d (limit 30d)',
        diskBytes: 4096,
        worktree: { path: '/r/worktrees/1/app', branch: 'claude-session/x' },
      },
    ]);
    expect(plan.keep.map((keep) => [keep.id, keep.rule])).toEqual([
      [id(2), 'recent'],
      [id(3), 'running'],
      [id(4), 'recent'],
      [id(6), 'worktree-work'],
    ]);
    // The report and --json show what the worktree holds.
    expect(plan.keep.at(-1)?.worktree).toEqual({
      path: '/r/worktrees/1/app',
      branch: 'claude-session/x',
      atRisk: dirty.worktree.atRisk,
    });
    expect(plan.keep[0]).not.toHaveProperty('worktree');
    // Ended and idle past the grace: yes; running, or ended a few minutes ago: no.
    expect(plan.clearTemp).toEqual([{ id: id(2), name: null, tempBytes: 100 }]);
  });

  it('makes the same plan from the same data (the dry run and the real run agree)', () => {
    const sessions = [session(40 * DAY), session(DAY, empty), session(3 * HOUR, empty)];
    expect(planCleanup(sessions, rules)).toEqual(planCleanup(sessions, rules));
  });
});

describe('recordHealth', () => {
  const id = '00000000-0000-4000-8000-000000000001';
  const at = '2026-01-01T00:00:00.000Z';
  const valid = {
    ...{ schema: 1, id, name: null, createdAt: at, cwd: '/w', user: 'u', uid: 1, host: 'h', base: '/b' },
    ...{ claude: { path: '/c', version: null }, process: null, launches: 1, lastLaunchAt: at },
  };
  const problem = (text: string) => {
    const parsed = parseRecord(text, id);
    return parsed.ok ? undefined : parsed.problem;
  };
  // The problems as store/records.ts / store/record.ts word them, so that a change of wording fails here.
  it.each([
    ['torn JSON', problem('{"schema": 1,'), 'corrupt'],
    ['a missing field', problem('{"schema": 1}'), 'corrupt'],
    ['a newer schema', problem('{"schema": 2}'), 'foreign'],
    [
      'another id',
      problem(JSON.stringify({ ...valid, id: '00000000-0000-4000-8000-000000000002' })),
      'foreign',
    ],
    ['valid', problem(JSON.stringify(valid)), 'ok'],
    ['missing', 'session.json is missing', 'corrupt'],
    ['unreadable', 'session.json cannot be read (EACCES)', 'foreign'],
    ['fine', undefined, 'ok'],
  ])('%s', (_what, text, health) => {
    expect(recordHealth(text)).toBe(health);
  });
});

describe('decideAsked (rm)', () => {
  const foreign = { record: 'foreign' as const, problem: 'session.json has schema 2, this version reads 1' };
  // [what, session fields, force, remove?, rule, reason contains, discard work (--force naming it alone)]
  const cases: [string, Partial<CleanupCandidate>, boolean, boolean, string, string, boolean?][] = [
    ['an ended session, however recent', {}, false, true, 'asked', 'by rm'],
    ['an empty one', empty, false, true, 'asked', 'by rm'],
    ['a broken record', corrupt, false, true, 'asked', 'by rm (broken (session.json is not valid JSON))'],
    ['a running one', { live: true, pid: 42 }, false, false, 'running', 'running (pid 42)'],
    ['a running one, even forced', { live: true, pid: 42 }, true, false, 'running', 'running (pid 42)'],
    ['a pinned one', { pinned: true }, false, false, 'pinned', 'pinned'],
    ['a pinned one, forced', { pinned: true }, true, true, 'asked', 'by rm (pinned, --force)'],
    ['a newer record', foreign, false, false, 'unknown-record', 'has schema 2'],
    ['a newer record, forced', foreign, true, true, 'asked', 'has schema 2, this version reads 1, --force'],
    ['a link', { notOurs: 'the session dir is a symbolic link' }, true, false, 'not-ours', 'not ours'],
    ['another user', { notOurs: 'the session dir belongs to uid 7' }, true, false, 'not-ours', 'uid 7'],
    ['its worktree clean and merged', clean, false, true, 'asked', 'by rm'],
    [
      'its worktree holding work',
      dirty,
      false,
      false,
      'worktree-work',
      'its worktree /r/worktrees/1/app holds work that would be lost: 1 untracked file (notes.txt); 2 commits',
    ],
    [
      'its worktree holding work, --force with others named',
      dirty,
      true,
      false,
      'worktree-work',
      'holds work',
    ],
    [
      'its worktree holding work, --force naming it alone',
      dirty,
      true,
      true,
      'asked',
      'by rm (the work in its worktree discarded, --force)',
      true,
    ],
    [
      'running, its worktree holding work, alone',
      { ...dirty, live: true },
      true,
      false,
      'running',
      'running',
      true,
    ],
    [
      'pinned, its worktree holding work, forced',
      { ...dirty, pinned: true },
      true,
      false,
      'worktree-work',
      'holds',
    ],
  ];
  it.each(cases)('%s', (_what, fields, force, remove, rule, reason, discardWork = false) => {
    const decision = decideAsked(session(HOUR, fields), force, discardWork);
    expect(decision).toMatchObject({ remove, rule });
    expect(decision.reason).toContain(reason);
  });
});
