// Benchmark of `claude-session cleanup` over 1,000 and 10,000 sessions laid out like real ones (the
// generator of bench/run.mjs, section 3, with old dates). Run with `node bench/cleanup.mjs` after
// `npm run build`. Prints a markdown table; never asserts timings. Everything happens under a
// temporary HOME that is removed at the end.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'claude-session');
const COUNTS = [1000, 10000];
const DRY_RUNS = 5;
const REAL_RUNS = 3;
const SHARED = 'skills agents commands rules output-styles CLAUDE.md plugins settings.json'.split(' ');
const DAY = 86_400_000;

if (!fs.existsSync(join(REPO, 'dist', 'cli.cjs'))) {
  console.error('bench: dist/ is missing: run `npm run build` first');
  process.exit(1);
}

const msSince = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.ceil(xs.length / 2) - 1];
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map(String));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  console.log([line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n'));
}

function run(command, args, options) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  const ms = msSince(start);
  if (result.error || result.status !== 0) {
    throw new Error(
      `bench: \`${[command, ...args].join(' ')}\` failed (${result.status}): ${result.error ?? result.stderr}`,
    );
  }
  return { ms, stdout: result.stdout };
}

// BENCH_TMPDIR=/dev/shm measures the tool on tmpfs, without the disk's cost of deleting.
const TMP = fs.mkdtempSync(join(process.env.BENCH_TMPDIR || tmpdir(), 'claude-session-bench-cleanup-'));
const HOME = join(TMP, 'home');
const BASE = join(HOME, '.claude');
const ROOT = join(TMP, 'root');
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

function makeHome() {
  for (const dir of ['agents', 'commands', 'rules', 'output-styles', 'plugins', 'skills/review']) {
    fs.mkdirSync(join(BASE, dir), { recursive: true });
  }
  fs.writeFileSync(join(BASE, 'skills', 'review', 'SKILL.md'), '---\nname: review\n---\nDo it.\n');
  fs.writeFileSync(join(BASE, 'CLAUDE.md'), '# bench\n');
  fs.writeFileSync(join(BASE, 'settings.json'), '{}\n');
}

/**
 * `count` sessions laid out like real ones. Of each 20: one with a corrupt session.json, two active
 * today (kept), the rest inactive for 40 days (removed). Returns how many cleanup should remove.
 */
function makeSessions(count) {
  fs.rmSync(ROOT, { recursive: true, force: true });
  fs.mkdirSync(join(ROOT, 'sessions'), { recursive: true, mode: 0o700 });
  const who = { user: userInfo().username, uid: userInfo().uid, host: hostname(), cwd: '/tmp/x', base: BASE };
  const claude = { path: '/usr/bin/claude', version: '9.9.9' };
  const old = new Date(Date.now() - 40 * DAY);
  let removable = 0;
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const dir = join(ROOT, 'sessions', id);
    const config = join(dir, 'config');
    const project = join(config, 'projects', '-tmp-x');
    for (const sub of [dir, config, dirname(project), project, join(dir, 'tmp')]) fs.mkdirSync(sub);
    const recent = i % 20 === 1 || i % 20 === 2;
    const when = recent ? new Date() : old;
    const times = { createdAt: when.toISOString(), lastLaunchAt: when.toISOString() };
    const record = { schema: 1, id, name: null, ...who, claude, process: null, launches: 1, ...times };
    const files = {
      [join(dir, 'session.json')]: i % 20 === 0 ? '{"schema": 1,' : JSON.stringify(record, null, 2),
      [join(dir, 'claude-settings.json')]: '{"disableDeepLinkRegistration":"disable"}\n',
      [join(config, '.claude.json')]: '{"hasCompletedOnboarding":true,"projects":{}}\n',
      [join(config, 'history.jsonl')]: `{"display":"hi","timestamp":${when.getTime()}}\n`,
      [join(project, `${id}.jsonl`)]: '{"type":"user"}\n{"type":"assistant"}\n{"type":"user"}\n',
    };
    for (const [path, text] of Object.entries(files)) {
      fs.writeFileSync(path, text);
      fs.utimesSync(path, when, when);
    }
    fs.utimesSync(dir, when, when);
    for (const name of SHARED) fs.symlinkSync(join(BASE, name), join(config, name));
    if (!recent) removable++;
  }
  // Written back before the timed run, so that it does not pay for the generator's writes.
  spawnSync('sync');
  return removable;
}

function main() {
  makeHome();
  const env = { ...process.env, HOME, CLAUDE_SESSION_ROOT: ROOT, CLAUDE_SESSION_NO_UPDATE: '1' };
  const opts = { env, cwd: TMP };
  const fsType = spawnSync('df', ['--output=fstype', TMP], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .pop();
  console.log(
    `# claude-session cleanup bench (node ${process.version}, ${hostname()}, ${TMP} on ${fsType})\n`,
  );
  const baseline = median(Array.from({ length: 5 }, () => run('node', ['-e', '0'], opts).ms));
  const rows = [];
  const medians = {};
  for (const count of COUNTS) {
    let removable = makeSessions(count);
    const dry = [];
    for (let i = 0; i <= DRY_RUNS; i++) {
      const { ms, stdout } = run(BIN, ['cleanup', '--dry-run', '--json'], opts);
      if (i > 0) dry.push(ms); // the first one warms the page cache
      const planned = JSON.parse(stdout).wouldRemove.length;
      if (planned !== removable) throw new Error(`bench: dry run plans ${planned}, expected ${removable}`);
    }
    const real = [];
    for (let i = 0; i < REAL_RUNS; i++) {
      if (i > 0) removable = makeSessions(count);
      run(BIN, ['cleanup', '--dry-run', '--json'], opts); // same warm cache as the dry runs
      const { ms, stdout } = run(BIN, ['cleanup', '--yes', '--json'], opts);
      real.push(ms);
      const removed = JSON.parse(stdout).removed.length;
      const left = fs.readdirSync(join(ROOT, 'sessions')).length;
      if (removed !== removable || left !== count - removable) {
        throw new Error(`bench: removed ${removed} (expected ${removable}), ${left} left`);
      }
    }
    // The floor for deleting these files on this disk: coreutils, one process, every session.
    makeSessions(count);
    const floor = [run('rm', ['-rf', join(ROOT, 'sessions')], opts).ms];
    for (const [label, times] of [
      ['cleanup --dry-run --json', dry],
      ['cleanup --yes --json', real],
      ['rm -rf sessions/ (all, for scale)', floor],
    ]) {
      const ms = median(times);
      medians[`${label} ${count}`] = ms;
      const removed = label.startsWith('rm') ? count : removable;
      const less = label.startsWith('rm') ? 0 : baseline;
      rows.push([label, count, removed, fmt(ms), fmt(((ms - less) / count) * 1000), times.length]);
    }
  }
  rows.unshift(['node -e 0 (baseline)', '-', '-', fmt(baseline), '-', 5]);
  table(['command', 'sessions', 'removed', 'median ms', 'µs / session (less baseline)', 'runs'], rows);
  console.log('');
  for (const label of ['cleanup --dry-run --json', 'cleanup --yes --json']) {
    const [k1, k10] = COUNTS.map((count) => medians[`${label} ${count}`]);
    const ratio = fmt(k10 / k1, 2);
    const less = fmt((k10 - baseline) / (k1 - baseline), 2);
    console.log(`${label}: 10k/1k = ${ratio} (less the baseline: ${less}); linear ≈ 10`);
  }
  console.log('targets in the issue: 10,000 sessions < 3,000 ms, linear');
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
