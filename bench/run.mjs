// Benchmarks for claude-session: launch overhead, memory left resident, `list` scaling, updates.
// Run with `npm run bench` (builds first). Prints tables; never asserts timings, only ratios to a
// baseline measured in the same run. Everything happens under a temporary HOME that is removed at the end.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHangingRegistry, startVerdaccio } from './registry.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'claude-session');
const CLI = join(REPO, 'dist', 'cli.cjs');
const RUNS = Number(process.env.BENCH_RUNS) || 30;
const WARMUPS = 3;
const LIST_RUNS = 5;
const SHARED = 'skills agents commands rules output-styles CLAUDE.md plugins settings.json'.split(' ');

if (!fs.existsSync(CLI)) {
  console.error(`bench: ${CLI} is missing: run \`npm run build\` first (\`npm run bench\` does both)`);
  process.exit(1);
}

// ---------- helpers ----------
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const msSince = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const percentile = (xs, p) => [...xs].sort((x, y) => x - y)[Math.ceil((p / 100) * xs.length) - 1];
const median = (xs) => percentile(xs, 50);
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const shorten = (text, max = 70) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
function attempt(action) {
  try {
    return action();
  } catch {
    return undefined;
  }
}

function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map(String));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  console.log([line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n'));
}

function write(path, text, mode = 0o644) {
  fs.mkdirSync(dirname(path), { recursive: true });
  fs.writeFileSync(path, text, { mode });
}

/** A fake `claude` in `dir`: answers --version, otherwise runs `body` (a line of sh). */
function fakeClaude(dir, body) {
  const version = `[ "$1" = --version ] && { echo '9.9.9 (Claude Code)'; exit 0; }`;
  write(join(dir, 'claude'), `#!/bin/sh\n${version}\n${body}\n`, 0o755);
  return join(dir, 'claude');
}

/** The inherited environment without CLAUDE*, ANTHROPIC_*, XDG_* and NODE_OPTIONS, plus `extra`. */
const DROPPED = /^(CLAUDE|ANTHROPIC_|XDG_|NODE_OPTIONS$)/;
function cleanEnv(extra) {
  const kept = Object.entries(process.env).filter(([key]) => !DROPPED.test(key));
  return { ...Object.fromEntries(kept), ...extra };
}

/** Runs a command to completion; returns its wall time in ms and its output. Throws when it fails. */
function run(command, args, options) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  const ms = msSince(start);
  if (result.error || result.status !== 0) {
    const what = `\`${[command, ...args].join(' ')}\` failed (status ${result.status})`;
    throw new Error(`bench: ${what}: ${result.error ?? result.stderr}`);
  }
  return { ms, stdout: result.stdout };
}

/** Median wall time of `runs` runs after `warmups`. */
const timed = (command, args, options, runs = LIST_RUNS, warmups = 1) =>
  median(Array.from({ length: warmups + runs }, () => run(command, args, options).ms).slice(warmups));

function findSessions(root) {
  const dir = join(root, 'sessions');
  const read = (id) => attempt(() => JSON.parse(fs.readFileSync(join(dir, id, 'session.json'), 'utf8')));
  const ids = attempt(() => fs.readdirSync(dir)) ?? [];
  return ids.map((id) => ({ id, record: read(id) })).filter((session) => session.record);
}

const readProc = (pid, file) => attempt(() => fs.readFileSync(`/proc/${pid}/${file}`, 'utf8'));
const cmdline = (pid) => (readProc(pid, 'cmdline') ?? '').split('\0').filter(Boolean).join(' ');
const rssKb = (pid) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readProc(pid, 'status') ?? '')?.[1] ?? NaN);

/** `root` and all its descendants as { pid, ppid, comm }, from the ppid field of /proc/<pid>/stat. */
function descendants(root) {
  const procs = new Map();
  for (const name of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    const stat = readProc(name, 'stat');
    if (!stat) continue;
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    procs.set(Number(name), { ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), comm });
  }
  const found = [root];
  for (let i = 0; i < found.length; i++) {
    for (const [pid, { ppid }] of procs) if (ppid === found[i]) found.push(pid);
  }
  return found.filter((pid) => procs.has(pid)).map((pid) => ({ pid, ...procs.get(pid) }));
}

// ---------- fixture ----------
const TMP = fs.mkdtempSync(join(tmpdir(), 'claude-session-bench-'));
const HOME = join(TMP, 'home');
const BASE = join(HOME, '.claude');
const WORK = join(HOME, 'work');
const FAST_BIN = join(TMP, 'bin-fast');
const SLEEPY_BIN = join(TMP, 'bin-sleepy');

/**
 * A HOME as a real user's: a base ~/.claude with several skills, agents, commands, rules and output
 * styles, a CLAUDE.md, settings.json, a /login credentials file, and a ~/.claude.json that knows some
 * projects. (The root with sessions in it is made by seedRoot, for the launch benchmark.)
 */
function makeHome() {
  fs.mkdirSync(WORK, { recursive: true });
  const markdown = (name) =>
    `---\nname: ${name}\ndescription: bench ${name}\n---\n${'Do the thing well.\n'.repeat(20)}`;
  for (const skill of ['review', 'deploy', 'release-notes', 'triage', 'refactor', 'write-tests'])
    write(join(BASE, 'skills', skill, 'SKILL.md'), markdown(skill));
  for (const agent of ['reviewer', 'planner', 'debugger', 'doc-writer'])
    write(join(BASE, 'agents', `${agent}.md`), markdown(agent));
  for (const command of ['ship', 'fix-issue', 'standup', 'bump'])
    write(join(BASE, 'commands', `${command}.md`), markdown(command));
  for (const rule of ['style', 'testing', 'security'])
    write(join(BASE, 'rules', `${rule}.md`), markdown(rule));
  write(join(BASE, 'output-styles', 'terse.md'), markdown('terse'));
  fs.mkdirSync(join(BASE, 'plugins'), { recursive: true });
  write(join(BASE, 'CLAUDE.md'), `# How I work\n${'- Prefer small commits.\n'.repeat(40)}`);
  const permissions = { allow: ['Bash(git status)', 'Bash(npm test)', 'Read(~/work/**)'], deny: [] };
  write(
    join(BASE, 'settings.json'),
    `${JSON.stringify({ theme: 'dark', model: 'opus', permissions }, null, 2)}\n`,
  );
  const oauth = {
    accessToken: 'sk-ant-oat01-bench',
    refreshToken: 'sk-ant-ort01-bench',
    expiresAt: Date.now() + 1e7,
    scopes: ['user:inference'],
  };
  write(join(BASE, '.credentials.json'), JSON.stringify({ claudeAiOauth: oauth }), 0o600);
  const projects = Object.fromEntries(
    Array.from({ length: 12 }, (_, i) => [
      join(HOME, 'work', `project-${i}`),
      { allowedTools: [], hasTrustDialogAccepted: true, lastCost: 0.12, history: [] },
    ]),
  );
  const claudeJson = {
    numStartups: 42,
    hasCompletedOnboarding: true,
    theme: 'dark',
    userID: 'f'.repeat(64),
    projects,
  };
  write(join(HOME, '.claude.json'), JSON.stringify(claudeJson, null, 2));
}

/** Processes started in the background (killed at the end, also on an error or a signal). */
const running = [];
function stopRunning() {
  for (const pid of running.splice(0)) attempt(() => process.kill(pid, 'SIGKILL'));
}

function cleanup() {
  stopRunning();
  // `--keep`: leaves the temp HOME (its sessions stopped) for a look with strace or --cpu-prof.
  if (process.argv.includes('--keep')) return console.error(`bench: kept ${TMP}`);
  spawnSync('chmod', ['-R', 'u+w', TMP]); // the tool's protection makes the shared entries read-only
  fs.rmSync(TMP, { recursive: true, force: true });
}

// ---------- 1. launch overhead ----------
const SEEDED_SESSIONS = 40;
const RUNNING_SESSIONS = 3;

/** Waits until `root` has a session named `name` whose recorded process is a running `claude`. */
async function waitForRunning(root, name) {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(20)) {
    const pid = findSessions(root).find((session) => session.record.name === name)?.record.process?.pid;
    if (pid && readProc(pid, 'comm')?.trim() === 'claude') return pid;
  }
  throw new Error(`bench: session ${name} never recorded a running claude`);
}

/**
 * The root a user has after a while: SEEDED_SESSIONS ended sessions made by real launches (each with a
 * transcript, as Claude leaves one), a few with a name, and RUNNING_SESSIONS still running (a sh loop
 * as their claude), so that the live index holds entries to look at, as it does while others work.
 */
async function seedRoot(root, opts) {
  for (let i = 0; i < SEEDED_SESSIONS; i++) {
    const named = i % 4 === 0 ? ['--name', `old-${i}`] : [];
    run(BIN, [...named, '--', '-p', 'hi'], opts);
  }
  for (const { id } of findSessions(root)) {
    const projects = join(root, 'sessions', id, 'config', 'projects');
    write(join(projects, WORK.replace(/[^a-zA-Z0-9]/g, '-'), `${randomUUID()}.jsonl`), '{"type":"user"}\n');
  }
  fakeClaude(SLEEPY_BIN, 'while :; do sleep 1; done');
  const sleepy = { ...opts, env: { ...opts.env, PATH: `${SLEEPY_BIN}:${process.env.PATH}` } };
  for (let i = 0; i < RUNNING_SESSIONS; i++) {
    const launcher = spawn(BIN, ['--name', `running-${i}`, '--', '-p', 'hi'], {
      ...sleepy,
      stdio: 'ignore',
      detached: true,
    });
    running.push(-launcher.pid);
    await waitForRunning(root, `running-${i}`);
  }
}

/**
 * `--baseline DIR`: DIR holds another build (its bin/ and dist/, e.g. the commit before a change, built
 * into a temp dir); its launches are timed in the same rounds, against the same root, for a before/after.
 */
function baselineBin() {
  const at = process.argv.indexOf('--baseline');
  if (at === -1) return undefined;
  const bin = join(process.argv[at + 1] ?? '', 'bin', 'claude-session');
  if (!fs.existsSync(bin)) throw new Error(`bench: --baseline: no ${bin}`);
  return bin;
}

async function benchLaunch() {
  const fake = fakeClaude(FAST_BIN, 'exit 0');
  const opts = {
    env: cleanEnv({ CLAUDE_SESSION_NO_UPDATE: '1', HOME, PATH: `${FAST_BIN}:${process.env.PATH}` }),
    cwd: WORK,
  };
  const root = join(HOME, '.claude-sessions');
  await seedRoot(root, opts);
  run(BIN, ['--name', 'bench', '--', '-p', 'hi'], opts);
  const named = findSessions(root).find((session) => session.record.name === 'bench');
  const projects = join(root, 'sessions', named.id, 'config', 'projects');
  write(join(projects, WORK.replace(/[^a-zA-Z0-9]/g, '-'), `${randomUUID()}.jsonl`), '{"type":"user"}\n');
  const seeded = new Set(fs.readdirSync(join(root, 'sessions')));
  // A new session per run would grow the root: each one is removed after its run, untimed.
  const forgetNew = () => {
    for (const id of fs.readdirSync(join(root, 'sessions')).filter((entry) => !seeded.has(entry))) {
      fs.rmSync(join(root, 'sessions', id), { recursive: true, force: true });
      fs.rmSync(join(root, 'live', id), { force: true });
    }
  };
  const builds = [['', BIN]];
  const baseline = baselineBin();
  if (baseline) builds.push([' [baseline]', baseline]);
  const variants = [
    { label: '(a) node -e 0', cmd: ['node', '-e', '0'] },
    { label: '(b) fake claude directly', cmd: [fake, '-p', 'hi'] },
    ...builds.flatMap(([tag, bin]) => [
      {
        key: `c${tag}`,
        label: `(c) claude-session -- -p hi (new session)${tag}`,
        cmd: [bin, '--', '-p', 'hi'],
        after: forgetNew,
      },
      {
        key: `d${tag}`,
        label: `(d) claude-session resume bench -- -p hi${tag}`,
        cmd: [bin, 'resume', 'bench', '--', '-p', 'hi'],
      },
      {
        key: `e${tag}`,
        label: `(e) claude-session --version (loads commander)${tag}`,
        cmd: [bin, '--version'],
      },
    ]),
  ].map((v) => ({ ...v, opts }));
  await roundRobin(variants, RUNS, WARMUPS);
  const [a, b] = variants.map((v) => v.median);
  // The minimum too: on a loaded machine it is the steadiest estimate of what a run costs by itself.
  const least = (v) => Math.min(...v.times);
  const rows = variants.map((v) => [v.label, fmt(v.median), fmt(least(v)), fmt(v.p90), fmt(v.median / a, 2)]);
  const live = RUNNING_SESSIONS;
  console.log(
    `\n## 1. Launch overhead (${RUNS} runs each after ${WARMUPS} warm-ups, round-robin; a realistic base, ${seeded.size} sessions in the root, ${live} of them running)\n`,
  );
  table(['variant', 'median ms', 'min ms', 'p90 ms', 'x node -e 0'], rows);
  const pct = (ms) => `${fmt(ms)} ms = ${fmt((100 * ms) / a, 0)} % of median(a)`;
  // The issue's target: our own work (the launcher less Claude, less Node's own start-up) adds less
  // than 20 % to a bare Node start-up.
  for (const [tag] of builds) {
    const [c, d, e] = ['c', 'd', 'e'].map((key) => variants.find((v) => v.key === `${key}${tag}`).median);
    console.log(`${tag ? `\nbaseline${tag}:` : ''}`);
    console.log(
      `new session: our own work added to Node's start-up, c - b - a = ${pct(c - b - a)} (target: < 20 %)`,
    );
    console.log(
      `resume:      our own work added to Node's start-up, d - b - a = ${pct(d - b - a)} (target: < 20 %)`,
    );
    console.log(`other commands (commander loaded),                  e - a     = ${pct(e - a)}`);
  }
  stopRunning();
}

// ---------- 2. resident memory ----------
async function benchResident() {
  fakeClaude(SLEEPY_BIN, 'while :; do sleep 1; done');
  const root = fs.mkdtempSync(join(TMP, 'root-resident-'));
  const env = cleanEnv({
    CLAUDE_SESSION_NO_UPDATE: '1',
    HOME,
    PATH: `${SLEEPY_BIN}:${process.env.PATH}`,
    CLAUDE_SESSION_ROOT: root,
  });
  const idle = spawn('node', ['-e', 'setInterval(() => {}, 1000)'], { env, stdio: 'ignore' });
  const launcher = spawn(BIN, ['--', '-p', 'hi'], { env, cwd: WORK, stdio: 'ignore', detached: true });
  running.push(idle.pid, -launcher.pid); // idle: for scale, a Node that stays; -pid: the launch's group
  let pid;
  // Wait until the recorded process has become Claude (the launcher shell execs it).
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(20)) {
    pid = findSessions(root)[0]?.record.process?.pid;
    if (pid && readProc(pid, 'comm')?.trim() === 'claude') break;
  }
  if (!pid) throw new Error('bench: the session never recorded a process');
  await sleep(200);
  const tree = descendants(launcher.pid);
  const nodes = tree.filter((p) => p.comm === 'node' || cmdline(p.pid).includes('dist/cli.cjs'));
  const same = pid === launcher.pid ? "same: Claude took the launcher's place" : 'DIFFERENT';
  console.log('\n## 2. Resident memory left behind (fake claude: a sh loop around `sleep 1`)\n');
  console.log(`launcher pid ${launcher.pid}; session.json process.pid ${pid} (${same})`);
  console.log(`/proc/${pid}/comm: ${readProc(pid, 'comm')?.trim()}; cmdline: ${shorten(cmdline(pid), 80)}\n`);
  const rows = tree.map((p) => [p.pid, p.ppid, p.comm, fmt(rssKb(p.pid) / 1024), shorten(cmdline(p.pid))]);
  table(['pid', 'ppid', 'comm', 'VmRSS MB', 'cmdline'], rows);
  const total = tree.reduce((sum, p) => sum + (rssKb(p.pid) || 0), 0);
  console.log(`\nnode processes left in the launch's tree: ${nodes.length} (target: 0)`);
  const idleMb = fmt(rssKb(idle.pid) / 1024);
  console.log(`total VmRSS of the tree: ${fmt(total / 1024)} MB (an idle resident \`node\`: ${idleMb} MB)`);
  stopRunning();
}

// ---------- 3. list scaling ----------
/** Adds `count` sessions laid out like real ones, every 20th with a corrupt session.json; returns how many. */
async function makeSessions(root, count) {
  const now = new Date().toISOString();
  const times = { createdAt: now, lastLaunchAt: now };
  const who = { user: userInfo().username, uid: userInfo().uid, host: hostname(), cwd: '/tmp/x', base: BASE };
  const claude = { path: join(FAST_BIN, 'claude'), version: '9.9.9' };
  let corrupt = 0;
  for (let i = 0; i < count; i++) {
    if (i % 500 === 0) await sleep(0); // lets a signal handler run
    const id = randomUUID();
    const dir = join(root, 'sessions', id);
    const config = join(dir, 'config');
    const project = join(config, 'projects', '-tmp-x');
    for (const sub of [dir, config, dirname(project), project, join(dir, 'tmp')]) fs.mkdirSync(sub);
    const record = { schema: 1, id, name: null, ...who, claude, process: null, launches: 1, ...times };
    const bad = i % 20 === 0;
    if (bad) corrupt++;
    fs.writeFileSync(join(dir, 'session.json'), bad ? '{"schema": 1,' : JSON.stringify(record, null, 2));
    fs.writeFileSync(join(dir, 'claude-settings.json'), '{"disableDeepLinkRegistration":"disable"}\n');
    fs.writeFileSync(join(config, '.claude.json'), '{"hasCompletedOnboarding":true,"projects":{}}\n');
    fs.writeFileSync(join(config, 'history.jsonl'), `{"display":"hi","timestamp":${Date.now()}}\n`);
    const transcript = '{"type":"user"}\n{"type":"assistant"}\n{"type":"user"}\n';
    fs.writeFileSync(join(project, `${id}.jsonl`), transcript);
    for (const name of SHARED) fs.symlinkSync(join(BASE, name), join(config, name));
  }
  return corrupt;
}

async function benchList() {
  const rows = [];
  const launchRows = [];
  const medians = {};
  const root = join(TMP, 'root-list');
  const sessions = join(root, 'sessions');
  fs.mkdirSync(sessions, { recursive: true });
  const env = cleanEnv({
    CLAUDE_SESSION_NO_UPDATE: '1',
    HOME,
    PATH: `${FAST_BIN}:${process.env.PATH}`,
    CLAUDE_SESSION_ROOT: root,
  });
  const opts = { env, cwd: WORK };
  let corrupt = 0;
  for (const count of [0, 1000, 10000]) {
    // One root, grown from 0 to 1,000 to 10,000 sessions.
    const added = count - fs.readdirSync(sessions).length;
    const start = process.hrtime.bigint();
    corrupt += await makeSessions(root, added);
    const made = `(${added} added in ${fmt(msSince(start) / 1000)} s)`;
    // Check once that every session is listed and exactly the corrupt ones are broken.
    const views = JSON.parse(run(BIN, ['list', '--json'], opts).stdout);
    const broken = views.filter((view) => view.state === 'broken').length;
    const ok = views.length === count && broken === corrupt ? '' : ' MISMATCH';
    const check = `${views.length} listed, ${broken}/${corrupt} broken${ok}`;
    for (const args of [['list'], ['list', '--json']]) {
      const ms = timed(BIN, args, opts);
      medians[`${args.join(' ')} ${count}`] = ms;
      const perSession = count ? fmt((ms / count) * 1000) : '-';
      rows.push([args.join(' '), count, fmt(ms), perSession, args[1] ? check : made]);
    }
    // Launches read the root too (login repair, name lookup); the sessions they add are removed after.
    const before = new Set(fs.readdirSync(sessions));
    const first = run(BIN, ['--name', 'bench', '--', '-p', 'hi'], opts).ms;
    const fresh = timed(BIN, ['--', '-p', 'hi'], opts);
    const resumed = timed(BIN, ['resume', 'bench', '--', '-p', 'hi'], opts);
    launchRows.push([count, fmt(first), fmt(fresh), fmt(resumed)]);
    const launched = fs.readdirSync(sessions).filter((entry) => !before.has(entry));
    for (const id of launched) fs.rmSync(join(sessions, id), { recursive: true });
  }
  console.log(`\n## 3. \`list\` scaling (median of ${LIST_RUNS} runs after 1 warm-up; 5 % corrupt)\n`);
  table(['command', 'sessions', 'median ms', 'µs / session', 'check'], rows);
  for (const cmd of ['list', 'list --json']) {
    const [zero, k1, k10] = [0, 1000, 10000].map((count) => medians[`${cmd} ${count}`]);
    const ratio = `${fmt(k10 / k1, 2)} (less the empty root's time: ${fmt((k10 - zero) / (k1 - zero), 2)})`;
    console.log(`${cmd}: 10k/1k = ${ratio}; linear ≈ 10`);
  }
  console.log('targets in the issue: 1,000 sessions < 500 ms, 10,000 sessions < 3,000 ms');
  console.log(`\nLaunches with those sessions in the root (median of ${LIST_RUNS} after 1 warm-up):\n`);
  table(['sessions in root', '--name bench (1 run) ms', 'new: median ms', 'resume: median ms'], launchRows);
}

// ---------- 4. updates ----------
const BENCH_PACKAGE = '@cs-bench/claude-code';
const UPDATE_RUNS = 10;
const INSTALL_RUNS = 3;
const CLOCK_TICKS = Number(attempt(() => run('getconf', ['CLK_TCK']).stdout) ?? 100) || 100;

/** cleanEnv plus `extra`, without the npm_* variables `npm run` exports (the user's npmrc among them). */
function updateEnv(extra) {
  const kept = Object.entries(cleanEnv({})).filter(([key]) => !/^npm_/i.test(key));
  return { ...Object.fromEntries(kept), ...extra };
}

/** Drops pids that ended from the list killed at exit (a pid can be reused). */
function forget(...pids) {
  for (const pid of pids) if (running.includes(pid)) running.splice(running.indexOf(pid), 1);
}

/** Times `variants` ({ label, cmd, opts, before?, after? }) round-robin; adds `times` to each. */
async function roundRobin(variants, runs, warmups) {
  for (const v of variants) v.times = [];
  for (let i = 0; i < warmups + runs; i++, await sleep(0)) {
    for (const v of variants) {
      v.before?.();
      const { ms } = run(v.cmd[0], v.cmd.slice(1), v.opts);
      if (i >= warmups) v.times.push(ms);
      await v.after?.();
    }
  }
  for (const v of variants) Object.assign(v, { median: median(v.times), p90: percentile(v.times, 90) });
}

/** Live `claude-session update --background` processes started for `root`, as { pid, ticks } (CPU time). */
function backgroundChecks(root) {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    if (!cmdline(pid).endsWith('dist/cli.cjs update --background')) continue;
    if (!`\0${readProc(pid, 'environ')}`.includes(`\0CLAUDE_SESSION_ROOT=${root}\0`)) continue;
    const stat = readProc(pid, 'stat') ?? '';
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields 3.. of proc(5)
    if (fields[0] !== 'Z') found.push({ pid: Number(pid), ticks: Number(fields[11]) + Number(fields[12]) });
  }
  return found;
}

/**
 * Waits (untimed) until the root's background checks are idle, gone or waiting for the registry: same
 * processes, same CPU ticks for 50 ms. Otherwise their start-up would run during the next variants' runs.
 */
async function settle(root, seen) {
  let last = '';
  for (let quiet = 0, end = Date.now() + 3_000; quiet < 5 && Date.now() < end; await sleep(10)) {
    const checks = backgroundChecks(root);
    for (const { pid, ticks } of checks) seen.set(pid, Math.max(ticks, seen.get(pid) ?? 0));
    const now = JSON.stringify(checks);
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
}

/** (a) What a due background check costs the launch, against a registry that never answers. */
async function benchDueCheck() {
  const hanging = await startHangingRegistry(TMP);
  running.push(hanging.pid);
  const root = join(TMP, 'root-updates');
  fs.mkdirSync(root, { mode: 0o700 });
  const stateFile = join(root, 'update', 'state.json');
  const seen = new Map(); // pid -> most CPU ticks seen
  let dueRuns = 0;
  // cleanEnv drops every CLAUDE* variable, CLAUDE_SESSION_NO_UPDATE among them.
  const env = {
    HOME,
    PATH: `${FAST_BIN}:${process.env.PATH}`,
    CLAUDE_SESSION_ROOT: root,
    CLAUDE_SESSION_PACKAGE: BENCH_PACKAGE,
    npm_config_registry: `${hanging.url}/`,
  };
  const launch = [BIN, '--', '-p', 'hi'];
  const variants = [
    { label: '(a) node -e 0', cmd: ['node', '-e', '0'] },
    {
      label: '(b) launch, checks off (CLAUDE_SESSION_NO_UPDATE=1)',
      cmd: launch,
      extra: { CLAUDE_SESSION_NO_UPDATE: '1' },
    },
    {
      label: '(c) launch, check due (registry never answers)',
      cmd: launch,
      before: () => {
        dueRuns++;
        fs.rmSync(stateFile, { force: true });
      },
      after: () => settle(root, seen),
    },
  ].map((v) => ({ ...v, opts: { env: updateEnv({ ...env, ...v.extra }), cwd: WORK } }));
  let left = [];
  let waited;
  try {
    await roundRobin(variants, RUNS, WARMUPS);
    left = backgroundChecks(root);
    running.push(...left.map((p) => p.pid));
    const start = Date.now();
    while (backgroundChecks(root).length && Date.now() - start < 8_000) await sleep(50);
    waited = Date.now() - start;
  } finally {
    const stuck = backgroundChecks(root);
    for (const { pid } of stuck) attempt(() => process.kill(pid, 'SIGKILL'));
    if (stuck.length) console.error(`bench: killed ${stuck.length} background check(s) still running`);
    forget(...left.map((p) => p.pid));
    await hanging.close();
    forget(hanging.pid);
  }
  const requests = hanging.requests();

  const [a, off, due] = variants.map((v) => v.median);
  const paired = median(variants[2].times.map((ms, i) => ms - variants[1].times[i]));
  const pct = (ms) => `${fmt(ms)} ms = ${fmt((100 * ms) / a, 1)} % of median(a)`;
  console.log(
    `\n## 4. Updates\n\n### 4a. Launch with the background check due (${RUNS} runs each after ${WARMUPS} warm-ups, round-robin)\n`,
  );
  console.log(
    `registry: ${hanging.url}/ accepts connections and never answers; state.json removed before each (c)`,
  );
  console.log('run; after each (c) run the bench waits, untimed, until its detached check is idle or gone\n');
  table(
    ['variant', 'median ms', 'p90 ms', 'x node -e 0'],
    variants.map((v) => [v.label, fmt(v.median), fmt(v.p90), fmt(v.median / a, 2)]),
  );
  console.log(`\ndue - off: medians ${pct(due - off)}; median of the per-round differences ${pct(paired)}`);
  console.log('(target in the issue: no measurable difference)');
  const log = attempt(() => fs.readFileSync(join(root, 'update.log'), 'utf8')) ?? '';
  const timeouts = log.split('\n').filter((line) => /check .*outcome=error.*no answer within 5 s/.test(line));
  const cpu = [...seen.values()].map((ticks) => (ticks * 1000) / CLOCK_TICKS);
  console.log(
    `\nbackground checks seen: ${seen.size} in ${dueRuns} due launches (one at a time: the others find the lock taken and exit); registry requests: ${requests}`,
  );
  console.log(
    `CPU time per detached check (/proc, ${fmt(1000 / CLOCK_TICKS, 0)} ms steps): median ${fmt(median(cpu), 0)} ms, max ${fmt(Math.max(...cpu), 0)} ms (the ones that took the lock and sent a request)`,
  );
  console.log(
    `left running at the end of the timed loop: ${left.length}; all gone ${fmt(waited / 1000)} s later (their timeout: 5 s); update.log: ${timeouts.length} checks logged "no answer within 5 s"`,
  );
}

/** (b) `update --check` and `update --to` against a local verdaccio holding one version of a fake package. */
async function benchUpdateCommands() {
  const registry = await startVerdaccio(join(TMP, 'verdaccio'));
  running.push(registry.pid);
  try {
    const start = process.hrtime.bigint();
    registry.publish(BENCH_PACKAGE, '1.0.0');
    const published = msSince(start);
    const root = join(TMP, 'root-update-commands');
    fs.mkdirSync(root, { mode: 0o700 });
    const env = {
      HOME,
      PATH: `${FAST_BIN}:${process.env.PATH}`,
      CLAUDE_SESSION_ROOT: root,
      CLAUDE_SESSION_PACKAGE: BENCH_PACKAGE,
      ...registry.npmEnv(),
    };
    const opts = { env: updateEnv(env), cwd: WORK };
    const distTags = `${registry.url}/-/package/${BENCH_PACKAGE.replace('/', '%2f')}/dist-tags`;
    const answer = JSON.parse(run(BIN, ['update', '--check', '--json'], opts).stdout);
    if (answer.latest !== '1.0.0')
      throw new Error(`bench: update --check --json said ${JSON.stringify(answer)}`);
    const checks = [
      ['(a) node -e 0', 'node', '-e', '0'],
      ['(b) claude-session update --check', BIN, 'update', '--check'],
      [`(c) npm view ${BENCH_PACKAGE} dist-tags.latest`, 'npm', 'view', BENCH_PACKAGE, 'dist-tags.latest'],
      // The request the check makes, from a bare Node: how much of (b) is Node 20's fetch (undici) itself.
      [
        '(d) node -e "fetch(<dist-tags URL>)"',
        'node',
        '-e',
        `fetch(${JSON.stringify(distTags)}).then((r) => r.text())`,
      ],
    ].map(([label, ...cmd]) => ({ label, cmd, opts }));
    await roundRobin(checks, UPDATE_RUNS, 1);
    const [a, b, c, d] = checks.map((v) => v.median);
    console.log(
      `\n### 4b. Update commands against verdaccio at ${registry.url}/ (1 version of ${BENCH_PACKAGE})\n`,
    );
    console.log(
      `publish of 1.0.0: ${fmt(published / 1000, 2)} s; ${UPDATE_RUNS} runs each after 1 warm-up, round-robin\n`,
    );
    const rows = checks.map((v) => [
      v.label,
      fmt(v.median),
      fmt(v.p90),
      fmt(v.median / a, 2),
      fmt(v.median / c, 2),
    ]);
    table(['variant', 'median ms', 'p90 ms', 'x node -e 0', 'x npm view'], rows);
    console.log(
      `\nupdate --check - node -e 0 = ${fmt(b - a)} ms (of which a bare fetch: d - a = ${fmt(d - a)} ms); npm view - node -e 0 = ${fmt(c - a)} ms`,
    );

    const store = join(root, 'claude');
    const installs = [
      {
        label: '(e) claude-session update --to 1.0.0 (store removed before)',
        cmd: [BIN, 'update', '--to', '1.0.0'],
        before: () => fs.rmSync(store, { recursive: true, force: true }),
      },
      {
        label: `(f) npm install --prefix <new tmp> ${BENCH_PACKAGE}@1.0.0`,
        cmd: ['npm', 'install', '--prefix'],
      },
    ].map((v) => ({ ...v, opts }));
    const npmInstall = installs[1];
    npmInstall.before = () => {
      const prefix = fs.mkdtempSync(join(TMP, 'npm-prefix-'));
      npmInstall.cmd = ['npm', 'install', '--prefix', prefix, `${BENCH_PACKAGE}@1.0.0`];
    };
    await roundRobin(installs, INSTALL_RUNS, 1);
    const current = attempt(() => fs.readlinkSync(join(store, 'current')));
    const said = run(
      join(store, 'current', 'node_modules', '.bin', 'claude'),
      ['--version'],
      opts,
    ).stdout.trim();
    const f = npmInstall.median;
    console.log(
      `\n${INSTALL_RUNS} installs each after 1 warm-up (the same npm cache for both), round-robin\n`,
    );
    const rows2 = installs.map((v) => [
      v.label,
      fmt(v.median),
      fmt(Math.min(...v.times)),
      fmt(Math.max(...v.times)),
      fmt(v.median / f, 2),
    ]);
    table(['variant', 'median ms', 'min ms', 'max ms', 'x npm install'], rows2);
    console.log(
      `\nupdate --to - npm install = ${fmt(installs[0].median - f)} ms; store: current -> ${current}, its claude says "${said}"`,
    );
  } finally {
    await registry.close();
    forget(registry.pid);
  }
}

async function benchUpdates() {
  fakeClaude(FAST_BIN, 'exit 0'); // as in section 1: exits at once
  await benchDueCheck();
  await benchUpdateCommands();
}

// ---------- main ----------
process.on('exit', cleanup); // also after a signal: the handlers below end through process.exit
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

/** A benchmark of its own (bench/NAME), printing its own tables; throws when it fails. */
function runScript(script) {
  const result = spawnSync(process.execPath, [join(REPO, 'bench', script)], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`bench: bench/${script} failed (status ${result.status})`);
}

try {
  if (process.argv.includes('--worktree-only')) {
    runScript('worktree.mjs');
    process.exit(0);
  }
  makeHome();
  console.log(`# claude-session bench (node ${process.version}, ${hostname()}, temp HOME ${HOME})`);
  await benchLaunch();
  if (process.argv.includes('--launch-only')) process.exit(0);
  await benchResident();
  await benchList();
  await benchUpdates();
  // The housekeeping benchmarks are scripts of their own; they print their own tables.
  for (const script of [
    'doctor.mjs',
    'cleanup.mjs',
    'tmux.mjs',
    'completion.mjs',
    'usage.mjs',
    'worktree.mjs',
    'ui.mjs',
  ]) {
    if (fs.existsSync(join(REPO, 'bench', script))) runScript(script);
  }
  console.log(`\n(bench took ${fmt(performance.now() / 1000, 0)} s)`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
