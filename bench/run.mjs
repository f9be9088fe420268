// Benchmarks for claude-session: launch overhead, memory left resident, `list` scaling.
// Run with `npm run bench` (builds first). Prints tables; never asserts timings, only ratios to a
// baseline measured in the same run. Everything happens under a temporary HOME that is removed at the end.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'claude-session');
const RUNS = 30;
const WARMUPS = 3;
const LIST_RUNS = 5;
const SHARED = ['skills', 'agents', 'commands', 'rules', 'output-styles', 'CLAUDE.md', 'plugins', 'settings.json'];

if (!existsSync(join(REPO, 'dist', 'cli.js'))) {
  console.error('bench: dist/cli.js is missing: run `npm run build` first (or use `npm run bench`, which builds)');
  process.exit(1);
}

// ---------- helpers ----------
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => percentile(xs, 50);
function percentile(xs, p) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const fmt = (x, digits = 1) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));

function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map(String));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  console.log([line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n'));
}

function write(path, text, mode) {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text, mode === undefined ? undefined : { mode });
}

/** A fake `claude`: answers --version, otherwise runs `body` (a line of sh). */
function fakeClaude(dir, body) {
  write(join(dir, 'claude'), `#!/bin/sh\n[ "$1" = --version ] && { echo '9.9.9 (Claude Code)'; exit 0; }\n${body}\n`, 0o755);
  return join(dir, 'claude');
}

/** The inherited environment without CLAUDE*, ANTHROPIC_*, XDG_* and NODE_OPTIONS, plus `extra`. */
function cleanEnv(extra) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(CLAUDE|ANTHROPIC_|XDG_|NODE_OPTIONS$)/.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command to completion; returns wall time in ms (and the output). Throws when it fails. */
function run(command, args, options) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 28, ...options,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error || result.status !== 0) {
    throw new Error(`bench: \`${[command, ...args].join(' ')}\` failed (status ${result.status}): ${result.error ?? result.stderr}`);
  }
  return { ms, stdout: result.stdout };
}

function findSessions(root) {
  const dir = join(root, 'sessions');
  return readdirSync(dir)
    .filter((id) => existsSync(join(dir, id, 'session.json')))
    .map((id) => ({ id, record: JSON.parse(readFileSync(join(dir, id, 'session.json'), 'utf8')) }));
}

// ---------- /proc ----------
function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every process: pid -> { ppid, comm }. */
function processTable() {
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProc(name, 'stat');
    if (!stat) continue;
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    procs.set(Number(name), { ppid, comm });
  }
  return procs;
}

/** `root` and all its descendants, from the ppid links. */
function descendants(root) {
  const procs = processTable();
  const found = [root];
  for (let i = 0; i < found.length; i++) {
    for (const [pid, { ppid }] of procs) if (ppid === found[i]) found.push(pid);
  }
  return found.filter((pid) => procs.has(pid)).map((pid) => ({ pid, ...procs.get(pid) }));
}

const cmdline = (pid) => (readProc(pid, 'cmdline') ?? '').split('\0').filter(Boolean).join(' ');
const rssKb = (pid) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readProc(pid, 'status') ?? '')?.[1] ?? NaN);
const shorten = (text, max = 70) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

// ---------- fixture ----------
const TMP = mkdtempSync(join(tmpdir(), 'claude-session-bench-'));
const HOME = join(TMP, 'home');
const BASE = join(HOME, '.claude');
const WORK = join(HOME, 'work');
const FAST_BIN = join(TMP, 'bin-fast');
const SLEEPY_BIN = join(TMP, 'bin-sleepy');

function makeHome() {
  mkdirSync(WORK, { recursive: true });
  for (const skill of ['review', 'deploy']) {
    write(join(BASE, 'skills', skill, 'SKILL.md'), `---\nname: ${skill}\ndescription: bench\n---\nDo ${skill}.\n`);
  }
  for (const dir of ['agents', 'commands', 'rules', 'output-styles', 'plugins']) mkdirSync(join(BASE, dir), { recursive: true });
  write(join(BASE, 'CLAUDE.md'), '# bench\n');
  write(join(BASE, 'settings.json'), '{"theme":"dark"}\n');
  write(join(BASE, '.credentials.json'), JSON.stringify({ claudeAiOauth: { expiresAt: Date.now() + 3.6e6 } }), 0o600);
  write(join(HOME, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, projects: { [WORK]: {} } }));
}

function cleanup() {
  spawnSync('chmod', ['-R', 'u+w', TMP]); // shared entries are made read-only by the tool's protection
  rmSync(TMP, { recursive: true, force: true });
}

// ---------- 1. launch overhead ----------
function benchLaunch() {
  const fake = fakeClaude(FAST_BIN, 'exit 0');
  const env = cleanEnv({ HOME, PATH: `${FAST_BIN}:${process.env.PATH}` });
  const opts = { env, cwd: WORK };
  const root = join(HOME, '.claude-sessions');
  run(BIN, ['--name', 'bench', '--', '-p', 'hi'], opts);
  const named = findSessions(root).find((s) => s.record.name === 'bench');
  // A transcript for the working dir, so `resume` continues it (adds --continue) like a real one.
  write(join(root, 'sessions', named.id, 'config', 'projects', WORK.replace(/[^a-zA-Z0-9]/g, '-'), `${randomUUID()}.jsonl`), '{"type":"user"}\n');

  const variants = [
    { label: '(a) node -e 0', cmd: 'node', args: ['-e', '0'] },
    { label: '(b) fake claude directly', cmd: fake, args: ['-p', 'hi'] },
    { label: '(c) claude-session -- -p hi (new)', cmd: BIN, args: ['--', '-p', 'hi'] },
    { label: '(d) claude-session resume bench -- -p hi', cmd: BIN, args: ['resume', 'bench', '--', '-p', 'hi'] },
  ];
  for (const v of variants) v.times = [];
  for (let i = 0; i < WARMUPS + RUNS; i++) {
    for (const v of variants) {
      const { ms } = run(v.cmd, v.args, opts);
      if (i >= WARMUPS) v.times.push(ms);
    }
  }
  const baseline = median(variants[0].times);
  console.log(`\n## 1. Launch overhead (${RUNS} runs each after ${WARMUPS} warm-ups, round-robin)\n`);
  table(
    ['variant', 'median ms', 'p90 ms', 'x node -e 0'],
    variants.map((v) => [v.label, fmt(median(v.times)), fmt(percentile(v.times, 90)), fmt(median(v.times) / baseline, 2)]),
  );
  const own = median(variants[2].times) - median(variants[1].times);
  const ownResume = median(variants[3].times) - median(variants[1].times);
  console.log(`\nour own work = median(c) - median(b) = ${fmt(own)} ms = ${fmt((100 * own) / baseline, 0)} % of median(a) (target: <= 30 %)`);
  console.log(`resume:        median(d) - median(b) = ${fmt(ownResume)} ms = ${fmt((100 * ownResume) / baseline, 0)} % of median(a)`);
  console.log(`(${findSessions(root).length} sessions in the root at the end; the base has a shared login, so launches scan them)`);
}

// ---------- 2. resident memory ----------
async function benchResident() {
  fakeClaude(SLEEPY_BIN, 'while :; do sleep 1; done');
  const root = join(TMP, 'root-resident');
  mkdirSync(root);
  const env = cleanEnv({ HOME, PATH: `${SLEEPY_BIN}:${process.env.PATH}`, CLAUDE_SESSION_ROOT: root });
  // A Node process that stays, for scale: what a resident wrapper would cost.
  const idle = spawn('node', ['-e', 'setInterval(() => {}, 1000)'], { env, stdio: 'ignore' });
  const launcher = spawn(BIN, ['--', '-p', 'hi'], { env, cwd: WORK, stdio: 'ignore', detached: true });
  try {
    let pid;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      await sleep(20);
      const record = existsSync(join(root, 'sessions')) ? findSessions(root)[0]?.record : undefined;
      pid = record?.process?.pid;
      if (pid && readProc(pid, 'comm')?.trim() === 'claude') break;
    }
    if (!pid) throw new Error('bench: the session never recorded a process');
    await sleep(200);
    const tree = descendants(launcher.pid);
    const nodes = tree.filter((p) => p.comm === 'node' || cmdline(p.pid).includes('dist/cli.js'));
    console.log('\n## 2. Resident memory left behind (fake claude: a sh loop around `sleep 1`)\n');
    console.log(`launcher pid ${launcher.pid}; session.json process.pid ${pid} (${pid === launcher.pid ? 'same: Claude took the launcher\'s place' : 'DIFFERENT'})`);
    console.log(`/proc/${pid}/comm = ${readProc(pid, 'comm')?.trim()}; cmdline = ${shorten(cmdline(pid), 110)}\n`);
    table(
      ['pid', 'ppid', 'comm', 'VmRSS MB', 'cmdline'],
      tree.map((p) => [p.pid, p.ppid, p.comm, fmt(rssKb(p.pid) / 1024), shorten(cmdline(p.pid))]),
    );
    const total = tree.reduce((sum, p) => sum + (rssKb(p.pid) || 0), 0);
    console.log(`\nnode processes left in the launch's tree: ${nodes.length} (target: 0); total VmRSS ${fmt(total / 1024)} MB`);
    console.log(`for scale, an idle resident \`node\` (setInterval) has VmRSS ${fmt(rssKb(idle.pid) / 1024)} MB`);
  } finally {
    try { process.kill(-launcher.pid, 'SIGKILL'); } catch {}
    idle.kill('SIGKILL');
  }
}

// ---------- 3. list scaling ----------
function record(id, now) {
  return {
    schema: 1, id, name: null, createdAt: now, cwd: '/tmp/x', user: userInfo().username, uid: userInfo().uid,
    host: hostname(), base: BASE, claude: { path: join(FAST_BIN, 'claude'), version: '9.9.9' },
    process: null, launches: 1, lastLaunchAt: now,
  };
}

/** Lays out `count` sessions like real ones, every 20th with a corrupt session.json; returns the corrupt count. */
function makeSessions(root, count) {
  mkdirSync(join(root, 'sessions'), { recursive: true });
  let corrupt = 0;
  const now = new Date().toISOString();
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const dir = join(root, 'sessions', id);
    const config = join(dir, 'config');
    mkdirSync(join(config, 'projects', '-tmp-x'), { recursive: true });
    mkdirSync(join(dir, 'tmp'));
    const bad = i % 20 === 0;
    if (bad) corrupt++;
    writeFileSync(join(dir, 'session.json'), bad ? '{"schema": 1, "id": ' : `${JSON.stringify(record(id, now), null, 2)}\n`);
    writeFileSync(join(dir, 'claude-settings.json'), '{"disableDeepLinkRegistration":"disable"}\n');
    writeFileSync(join(config, '.claude.json'), '{"hasCompletedOnboarding":true,"projects":{"/tmp/x":{}}}\n');
    writeFileSync(join(config, 'history.jsonl'), `{"display":"hi","timestamp":${Date.now()},"project":"/tmp/x"}\n`);
    writeFileSync(join(config, 'projects', '-tmp-x', `${id}.jsonl`), '{"type":"user"}\n{"type":"assistant"}\n{"type":"user"}\n');
    for (const name of SHARED) symlinkSync(join(BASE, name), join(config, name));
  }
  return corrupt;
}

function benchList() {
  const rows = [];
  const medians = {};
  for (const count of [0, 1000, 10000]) {
    const root = join(TMP, `root-list-${count}`);
    const made = process.hrtime.bigint();
    const corrupt = makeSessions(root, count);
    const makeMs = Number(process.hrtime.bigint() - made) / 1e6;
    const opts = { env: cleanEnv({ HOME, PATH: process.env.PATH, CLAUDE_SESSION_ROOT: root }), cwd: WORK };
    for (const args of [['list'], ['list', '--json']]) {
      const warm = run(BIN, args, opts);
      let check = '';
      if (args[1] === '--json') {
        const views = JSON.parse(warm.stdout);
        const broken = views.filter((v) => v.state === 'broken').length;
        check = `${views.length} listed, ${broken}/${corrupt} broken${views.length === count && broken === corrupt ? '' : ' MISMATCH'}`;
      }
      const times = Array.from({ length: LIST_RUNS }, () => run(BIN, args, opts).ms);
      const m = median(times);
      medians[`${args.join(' ')} ${count}`] = m;
      rows.push([`${args.join(' ')}`, count, fmt(m), count ? fmt((m / count) * 1000, 1) : '-', check || `(made in ${fmt(makeMs / 1000, 1)} s)`]);
    }
  }
  console.log(`\n## 3. \`list\` scaling (median of ${LIST_RUNS} runs after 1 warm-up; ~5 % corrupt records)\n`);
  table(['command', 'sessions', 'median ms', 'µs / session', 'check'], rows);
  for (const cmd of ['list', 'list --json']) {
    const ratio = (medians[`${cmd} 10000`] - medians[`${cmd} 0`]) / (medians[`${cmd} 1000`] - medians[`${cmd} 0`]);
    console.log(`${cmd}: 10k/1k = ${fmt(medians[`${cmd} 10000`] / medians[`${cmd} 1000`], 2)} (above the empty-root time: ${fmt(ratio, 2)}; linear ≈ 10)`);
  }
  console.log('targets in the issue: 1,000 sessions < 500 ms, 10,000 sessions < 3,000 ms');
}

// ---------- main ----------
let cleaned = false;
const cleanOnce = () => {
  if (!cleaned) cleanup();
  cleaned = true;
};
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { cleanOnce(); process.exit(130); });

const started = Date.now();
try {
  makeHome();
  console.log(`# claude-session bench (node ${process.version}, ${hostname()}, temp HOME ${HOME})`);
  benchLaunch();
  await benchResident();
  benchList();
  console.log(`\n(bench took ${fmt((Date.now() - started) / 1000, 0)} s)`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  cleanOnce();
}
