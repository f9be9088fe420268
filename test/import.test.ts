import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from './support/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

const LEGACY_ID = '0b6f9a52-4c1e-4d8a-9f3b-2a7c5e1d9b40';

/** What the shell-script version left: a config dir per session under ~/.claude/sessions/<uuid>/. */
function writeLegacy(): string {
  const dir = join(sandbox.base, 'sessions', LEGACY_ID);
  const project = join(sandbox.dir, 'legacy-project');
  mkdirSync(project);
  const folder = join(dir, 'projects', project.replace(/[^a-zA-Z0-9]/g, '-'));
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'c0ffee00-0000-4000-8000-000000000000.jsonl'),
    `${JSON.stringify({ type: 'user', cwd: project })}\n`,
  );
  writeFileSync(join(dir, 'history.jsonl'), '{"display":"old prompt"}\n');
  writeFileSync(join(dir, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, theme: 'legacy' }));
  // A copied skill (the old version copied shared entries) and Claude's own files beside the dir.
  mkdirSync(join(dir, 'skills', 'copied-skill'), { recursive: true });
  writeFileSync(join(dir, 'skills', 'copied-skill', 'SKILL.md'), 'copy\n');
  writeFileSync(join(sandbox.base, 'sessions', '12345.json'), '{"pid":12345}');
  return project;
}

describe('import', () => {
  it("recognises the earlier version's session dirs, imports them keeping id and history, and resumes them", async () => {
    const project = writeLegacy();
    const list = await sandbox.run(['list']);
    expect(list.stderr).toContain('1 session(s) of the earlier shell version');

    const dry = await sandbox.run(['import', '--dry-run']);
    expect(dry.stdout).toContain(`would import ~/.claude/sessions/${LEGACY_ID} (cwd ${project})`);
    expect(sandbox.sessionIds()).toEqual([]);

    const result = await sandbox.run(['import']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`as ${LEGACY_ID.slice(0, 8)} (moved)`);
    expect(existsSync(join(sandbox.base, 'sessions', LEGACY_ID))).toBe(false);
    expect(existsSync(join(sandbox.base, 'sessions', '12345.json'))).toBe(true);

    const config = join(sandbox.root, 'sessions', LEGACY_ID, 'config');
    expect(readFileSync(join(config, 'history.jsonl'), 'utf8')).toBe('{"display":"old prompt"}\n');
    expect(readlinkSync(join(config, 'skills'))).toBe(join(sandbox.base, 'skills'));
    expect(readFileSync(join(config, '.legacy-shared', 'skills', 'copied-skill', 'SKILL.md'), 'utf8')).toBe(
      'copy\n',
    );
    expect(JSON.parse(readFileSync(join(config, '.claude.json'), 'utf8')).theme).toBe('legacy');
    expect(sandbox.sessionRecord(LEGACY_ID)).toMatchObject({ id: LEGACY_ID, cwd: project, launches: 0 });

    const json = JSON.parse((await sandbox.run(['list', '--json'])).stdout);
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ id: LEGACY_ID, state: 'exited' });
    expect((await sandbox.run(['list'])).stderr).toBe('');

    expect((await sandbox.run(['resume', LEGACY_ID.slice(0, 8)])).code).toBe(0);
    const [record] = sandbox.records();
    expect(record?.cwd).toBe(project);
    expect(record?.argv.slice(2)).toEqual(['--continue']);
    expect(lstatSync(join(config, 'settings.json')).isSymbolicLink()).toBe(true);

    expect((await sandbox.run(['import'])).stdout).toContain('nothing to import');
  });
});
