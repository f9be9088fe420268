import { describe, expect, it } from 'vitest';
import { nameProblem, parseRecord } from './record.js';

const id = '11111111-2222-4333-8444-555555555555';
const valid = {
  schema: 1,
  id,
  name: 'ok',
  createdAt: '2026-01-01T00:00:00.000Z',
  cwd: '/w',
  user: 'u',
  uid: 1000,
  host: 'h',
  base: '/home/u/.claude',
  claude: { path: '/bin/claude', version: '2.1.0' },
  process: { pid: 10, startTime: 5, bootId: 'b', startedAt: '2026-01-01T00:00:00.000Z' },
  launches: 1,
  lastLaunchAt: '2026-01-01T00:00:00.000Z',
};

describe('parseRecord', () => {
  it('accepts a valid record', () => {
    expect(parseRecord(JSON.stringify(valid), id)).toEqual({ ok: true, record: valid });
  });

  it.each([
    ['{', 'session.json is not valid JSON'],
    [JSON.stringify({ ...valid, schema: 2 }), 'session.json has schema 2, this version reads 1'],
    [JSON.stringify({ ...valid, cwd: 'relative' }), 'session.json: cwd:'],
    [JSON.stringify({ ...valid, name: '../x' }), 'session.json: name:'],
    [JSON.stringify({ ...valid, process: { pid: -1 } }), 'session.json: process.pid:'],
    [JSON.stringify({ ...valid, id: '11111111-2222-4333-8444-000000000000' }), 'lives in'],
  ])('refuses %s', (text, problem) => {
    const parsed = parseRecord(text, id);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(problem);
  });
});

describe('nameProblem', () => {
  it.each(['a', 'api-2', 'A.b_c', 'x'.repeat(64)])('accepts %s', (name) =>
    expect(nameProblem(name)).toBeUndefined(),
  );
  it.each(['', '-a', '.a', 'a/b', 'a b', 'x'.repeat(65), 'é'])('refuses %j', (name) =>
    expect(nameProblem(name)).toMatch(/invalid/),
  );
});

describe('randomId', () => {
  it('makes distinct version 4 UUIDs', async () => {
    const { randomId } = await import('../system/files.js');
    const ids = Array.from({ length: 1000 }, randomId);
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
