import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, Sandbox } from './support/sandbox.js';

// Keeps the docs honest: every command has its reference and its row in the README, and every relative
// link reaches a file and a heading that exist.

const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  'bench/README.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The lines of a Markdown file outside fenced code blocks. */
function prose(text: string): string[] {
  let fenced = false;
  return text.split('\n').filter((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
function anchor(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function headings(text: string): { level: number; text: string }[] {
  return prose(text).flatMap((line) => {
    const match = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!match) return [];
    const [, hashes = '', title = ''] = match;
    return [{ level: hashes.length, text: title }];
  });
}

/** The anchors of a file, with GitHub's -1, -2 ... for repeated headings. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const heading of headings(text)) {
    const base = anchor(heading.text);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

function links(text: string): string[] {
  return prose(text).flatMap((line) => [...line.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? ''));
}

const read = (file: string) => readFileSync(join(REPO, file), 'utf8');

describe('GitHub anchors', () => {
  it.each([
    ["Logging out: systemd's `KillUserProcesses`", 'logging-out-systemds-killuserprocesses'],
    ['`claude-session log [--follow] [-n COUNT] [--json]`', 'claude-session-log---follow--n-count---json'],
    ['update.log and rollback', 'updatelog-and-rollback'],
    ['`new`', 'new'],
    ['[Guard rails](guard-rails.md) and more', 'guard-rails-and-more'],
  ])('%s -> %s', (heading, expected) => {
    expect(anchor(heading)).toBe(expected);
  });

  it('numbers repeated headings as GitHub does', () => {
    expect([...anchors('# A\n## A\n```\n# not a heading\n```\n## A\n')]).toEqual(['a', 'a-1', 'a-2']);
  });
});

describe('the docs', () => {
  const sandbox = new Sandbox();
  let commands: string[] = [];

  beforeAll(async () => {
    const result = await sandbox.run(['--help']);
    expect(result.code, result.stderr).toBe(0);
    const section = result.stdout.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
    commands = section
      .split('\n')
      .flatMap((line) => /^ {2}([a-z][a-z-]*)/.exec(line)?.[1] ?? [])
      .filter((name) => name !== 'help');
  });
  afterAll(() => sandbox.cleanup());

  it('reads the commands from --help', () => {
    expect(commands).toContain('new');
    expect(commands).toContain('list');
    expect(commands.length).toBeGreaterThan(15);
  });

  it('docs/commands.md has one heading per command, all at one level, and no other', () => {
    const text = read('docs/commands.md');
    const documented = headings(text)
      .filter((heading) => heading.level === 3)
      .map((heading) => heading.text);
    expect(documented.sort()).toEqual(commands.map((name) => `\`${name}\``).sort());
    for (const name of commands) expect(anchors(text), name).toContain(name);
  });

  it("the README's table has a row for every command, linking to its reference", () => {
    const rows = read('README.md')
      .split('\n')
      .filter((line) => line.startsWith('|'));
    for (const name of commands) {
      expect(
        rows.filter((row) => row.startsWith(`| [\`${name}\`](docs/commands.md#${name}) |`)),
        name,
      ).toHaveLength(1);
    }
  });

  it("docs/commands.md names every field of list --json, its usage's included", async () => {
    const made = await sandbox.run(['--name', 'fields', '--', '-p', 'hi']);
    expect(made.code, made.stderr).toBe(0);
    const listed = await sandbox.run(['list', '--json']);
    const [view] = JSON.parse(listed.stdout) as Record<string, unknown>[];
    const text = read('docs/commands.md');
    const section = text.slice(text.indexOf('### `list`'), text.indexOf('### `resume`'));
    const fields = [...Object.keys(view ?? {}), ...Object.keys((view?.usage as object) ?? {})];
    expect(fields).toContain('budget');
    expect(fields).toContain('cacheWriteTokens');
    expect(fields.filter((field) => !section.includes(`\`${field}\``))).toEqual([]);
  });

  it.each(DOCS)('every relative link in %s reaches a file and a heading', (file) => {
    const broken: string[] = [];
    for (const link of links(read(file))) {
      if (/^[a-z][a-z+.-]*:/i.test(link)) continue; // https:, mailto:
      const [path = '', fragment] = link.split('#', 2);
      const target = path === '' ? join(REPO, file) : resolve(REPO, dirname(file), path);
      const name = relative(REPO, target);
      if (!existsSync(target)) {
        broken.push(`${link}: no ${name}`);
        continue;
      }
      if (
        fragment !== undefined &&
        target.endsWith('.md') &&
        !anchors(readFileSync(target, 'utf8')).has(fragment)
      ) {
        broken.push(`${link}: no heading #${fragment} in ${name}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
