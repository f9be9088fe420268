// Benchmark of the dashboard (`claude-session ui`): time to its first full frame against a bare
// `node -e 0` and `claude-session list` in the same run (each in a tmux pane, so each has a terminal);
// its resident memory; its CPU while idle, over a window (BENCH_UI_IDLE_S, default 20 s), with 10 and
// 100 sessions; and the tmux processes it starts per minute (a logging `tmux` first on its PATH).
// Run with `node bench/ui.mjs` after `npm run build` (`npm run bench` runs it). Prints markdown
// tables; never asserts timings. Everything happens under a temporary HOME removed at the end.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'claude-session');
const UI = join(REPO, 'dist', 'ui.cjs');
const IDLE_S = Number(process.env.BENCH_UI_IDLE_S) || 20;
const RUNS = 5;
const COUNTS = [10, 100];

if (!fs.existsSync(UI)) {
  console.error('bench: dist/ui.cjs is missing: run `npm run build` first');
  process.exit(1);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.ceil(xs.length / 2) - 1];
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const realTmux = spawnSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' }).stdout.trim();
if (!realTmux) {
  console.log('bench ui: tmux is not installed: skipped');
  process.exit(0);
}

function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map(String));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  console.log(
    [line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join(
      '\n',
    ),
  );
}

const home = fs.mkdtempSync(join(tmpdir(), 'cs-bench-ui-'));
const bin = join(home, 'bin');
const root = join(home, '.claude-sessions');
const base = join(home, '.claude');
const tmuxLog = join(home, 'tmux-calls.log');
fs.mkdirSync(bin, { recursive: true });
fs.mkdirSync(base, { recursive: true });
fs.writeFileSync(join(base, 'settings.json'), '{}\n');
// A Claude that just stays: the dashboard's cost does not depend on what runs in a pane.
fs.writeFileSync(
  join(bin, 'claude'),
  `#!/bin/sh\n[ "$1" = --version ] && { echo '9.9.9 (Claude Code)'; exit 0; }\nexec sleep 3600\n`,
  { mode: 0o755 },
);
// Every tmux process the dashboard starts leaves a line here.
const counted = join(home, 'counted');
fs.mkdirSync(counted);
fs.writeFileSync(join(counted, 'tmux'), `#!/bin/sh\necho "$*" >> '${tmuxLog}'\nexec '${realTmux}' "$@"\n`, {
  mode: 0o755,
});

const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(CLAUDE|ANTHROPIC_|XDG_|TMUX|NO_COLOR)/.test(key)),
);
Object.assign(env, {
  HOME: home,
  PATH: `${bin}:${process.env.PATH}`,
  CLAUDE_SESSION_NO_UPDATE: '1',
  TERM: 'xterm-256color',
});
const benchSocket = join(home, 'bench.sock');
const benchTmux = (...args) =>
  spawnSync(realTmux, ['-S', benchSocket, '-f', '/dev/null', ...args], { env, encoding: 'utf8' });

function cleanup() {
  benchTmux('kill-server');
  spawnSync(realTmux, ['-S', join(root, 'tmux', 'socket'), 'kill-server'], { env });
  fs.rmSync(home, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

let made = 0;
/** Starts sessions until there are `count`, four at a time; each marked idle as its hook would. */
async function sessions(count) {
  const start = () =>
    new Promise((resolve) => {
      const child = spawn(BIN, ['new', '--detach', '--no-wait', '--name', `s${made++}`], {
        env,
        cwd: home,
        stdio: 'ignore',
      });
      child.on('close', resolve);
    });
  while (made < count) await Promise.all(Array.from({ length: Math.min(4, count - made) }, start));
  for (const id of fs.readdirSync(join(root, 'sessions'))) {
    if (/^[0-9a-f-]{36}$/.test(id)) fs.writeFileSync(join(root, 'sessions', id, 'state'), 'idle\n');
  }
}

/** Runs `script` (sh) in a fresh pane of the bench server and waits for it to end. */
async function inPane(script) {
  benchTmux('new-session', '-d', '-x', '100', '-y', '30', 'sh', '-c', script);
  while (benchTmux('has-session').status === 0) await sleep(100);
}

async function firstFrames() {
  const out = join(home, 'frames.txt');
  const timed = (label, command) =>
    `s=$(date +%s%N); ${command} >/dev/null 2>&1; e=$(date +%s%N); echo "${label} $(( (e - s) / 1000 ))" >> '${out}'`;
  const commands = [
    timed('node', `'${process.execPath}' -e 0`),
    timed('list', `'${BIN}' list`),
    timed('ui', `CLAUDE_SESSION_UI_EXIT_AFTER_FRAME=1 '${process.execPath}' '${UI}'`),
  ];
  // Warm-up once, then RUNS rounds, interleaved.
  await inPane(commands.join('; '));
  fs.rmSync(out, { force: true });
  for (let run = 0; run < RUNS; run++) await inPane(commands.join('; '));
  const times = { node: [], list: [], ui: [] };
  for (const line of fs.readFileSync(out, 'utf8').trim().split('\n')) {
    const [label, us] = line.split(' ');
    times[label].push(Number(us) / 1000);
  }
  return { node: median(times.node), list: median(times.list), ui: median(times.ui) };
}

const ticks = (pid) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const rssMb = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** The dashboard running in a pane with the counting tmux on its PATH, idle for IDLE_S seconds. */
async function idle() {
  benchTmux('kill-server');
  const uiEnv = { ...env, PATH: `${counted}:${env.PATH}` };
  spawnSync(
    realTmux,
    [
      '-S',
      benchSocket,
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-x',
      '100',
      '-y',
      '30',
      process.execPath,
      UI,
    ],
    {
      env: uiEnv,
    },
  );
  const pid = Number(benchTmux('display-message', '-p', '#{pane_pid}').stdout.trim());
  await sleep(3000); // past its start-up and first disk walks
  fs.writeFileSync(tmuxLog, '');
  const before = ticks(pid);
  const started = Date.now();
  await sleep(IDLE_S * 1000);
  const seconds = (Date.now() - started) / 1000;
  const cpu = ((ticks(pid) - before) / CLK_TCK / seconds) * 100;
  const calls = fs.readFileSync(tmuxLog, 'utf8').trim().split('\n').filter(Boolean).length;
  const rss = rssMb(pid);
  benchTmux('kill-server');
  return { cpu, rss, perMinute: (calls / seconds) * 60 };
}

console.log(
  `\n## The dashboard (\`bench/ui.mjs\`): ${hostname()}, Node ${process.version}, idle window ${IDLE_S} s\n`,
);
const rows = [];
for (const count of COUNTS) {
  await sessions(count);
  const frames = await firstFrames();
  const quiet = await idle();
  rows.push([
    count,
    fmt(frames.node),
    fmt(frames.list),
    fmt(frames.ui),
    `${fmt(frames.ui / frames.node)}x`,
    fmt(quiet.rss),
    fmt(quiet.cpu, 2),
    fmt(quiet.perMinute, 0),
  ]);
}
table(
  [
    'sessions',
    'node -e 0 ms',
    'list ms',
    'ui first frame ms',
    'ui / node',
    'ui RSS MB',
    'idle CPU % of a core',
    'tmux processes / min',
  ],
  rows,
);
console.log(
  `\nMedians of ${RUNS} runs, each command from its start to its exit, in a tmux pane (a terminal).`,
);
console.log(
  'Targets (issue 14): first frame within 5x node -e 0, under 100 MB, idle CPU under 2 %, tmux calls independent of the count.',
);
