// Benchmark of `claude-session status` and `doctor` with 10 live sessions, next to `node -e 0` and
// `claude-session list --json` measured in the same run. Standalone: `node bench/doctor.mjs` (after
// `npm run build`). The sessions are started through bin/claude-session with a fake `claude` (a shell
// that execs `sleep`, so each session is one small process with the session's environment), in a
// temporary HOME; every process and the HOME are removed at the end, also on an error or a signal.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'claude-session');
const SESSIONS = 10;
const RUNS = 10;
const WARMUPS = 1;

if (!fs.existsSync(join(REPO, 'dist', 'program.cjs'))) {
  console.error('bench: dist/ is missing: run `npm run build` first');
  process.exit(1);
}

const TMP = fs.mkdtempSync(join(tmpdir(), 'claude-session-bench-doctor-'));
const HOME = join(TMP, 'home');
const FAKE_BIN = join(TMP, 'bin');
const started = [];

function write(path, text, mode = 0o644) {
  fs.mkdirSync(dirname(path), { recursive: true });
  fs.writeFileSync(path, text, { mode });
}

function cleanup() {
  for (const child of started.splice(0)) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
  }
  spawnSync('chmod', ['-R', 'u+w', TMP]); // the tool makes the shared entries read-only
  fs.rmSync(TMP, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanup();
    process.exit(130);
  });
}

const DROPPED = /^(CLAUDE|ANTHROPIC_|XDG_|NODE_OPTIONS$)/;
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !DROPPED.test(key))),
  HOME,
  PATH: `${FAKE_BIN}:${process.env.PATH}`,
  CLAUDE_SESSION_NO_UPDATE: '1',
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (xs, p) => [...xs].sort((x, y) => x - y)[Math.ceil((p / 100) * xs.length) - 1];

/** Wall times in ms of `runs` runs after `warmups`; `accept` says which exit statuses are not an error. */
function time(command, args, accept = [0]) {
  const times = [];
  let last;
  for (let i = 0; i < WARMUPS + RUNS; i++) {
    const start = process.hrtime.bigint();
    last = spawnSync(command, args, { env, cwd: HOME, encoding: 'utf8', maxBuffer: 1 << 26 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (last.error || !accept.includes(last.status)) {
      throw new Error(
        `bench: \`${[command, ...args].join(' ')}\` failed (${last.status}): ${last.error ?? last.stderr}`,
      );
    }
    if (i >= WARMUPS) times.push(ms);
  }
  return { median: percentile(times, 50), p90: percentile(times, 90), stdout: last.stdout };
}

/** The pid of each live session once its launcher has exec'ed the fake Claude (`sleep`). */
async function waitForSessions(count) {
  const dir = join(HOME, '.claude-sessions', 'sessions');
  for (let i = 0; i < 400; i++) {
    const pids = (fs.existsSync(dir) ? fs.readdirSync(dir) : []).flatMap((id) => {
      try {
        const pid = JSON.parse(fs.readFileSync(join(dir, id, 'session.json'), 'utf8')).process?.pid;
        return pid && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep') ? [pid] : [];
      } catch {
        return [];
      }
    });
    if (pids.length >= count) return pids;
    await sleep(50);
  }
  throw new Error(`bench: ${count} sessions did not start`);
}

async function main() {
  for (const dir of ['agents', 'commands', 'rules', 'output-styles', 'plugins'])
    write(join(HOME, '.claude', dir, 'a.md'), '');
  write(
    join(HOME, '.claude', 'skills', 'review', 'SKILL.md'),
    '---\nname: review\ndescription: bench\n---\n',
  );
  write(join(HOME, '.claude', 'CLAUDE.md'), '# bench\n');
  write(join(HOME, '.claude', 'settings.json'), '{}\n');
  write(join(HOME, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, projects: {} }));
  write(
    join(FAKE_BIN, 'claude'),
    `#!/bin/sh\n[ "$1" = --version ] && { echo '9.9.9 (Claude Code)'; exit 0; }\nexec sleep 3600\n`,
    0o755,
  );
  for (let i = 0; i < SESSIONS; i++) {
    // --force: on a small host the derived session limit is below 10.
    const child = spawn(BIN, ['--force', '--name', `s${i}`, '--', '-p', 'hi'], {
      env,
      cwd: HOME,
      stdio: 'ignore',
    });
    started.push(child);
  }
  const pids = await waitForSessions(SESSIONS);

  const rows = [
    ['`node -e 0`', time(process.execPath, ['-e', '0'])],
    ['`claude-session list --json`', time(BIN, ['list', '--json'])],
    ['`claude-session status --json`', time(BIN, ['status', '--json'])],
    ['`claude-session doctor --json`', time(BIN, ['doctor', '--json'], [0, 1])],
  ];
  const status = JSON.parse(rows[2][1].stdout);
  const doctor = JSON.parse(rows[3][1].stdout);
  const envOk = doctor.findings.filter(
    (finding) => finding.check === 'session-env' && finding.status === 'ok',
  );
  const baseline = rows[0][1].median;
  console.log(
    `\n### status and doctor with ${SESSIONS} live sessions (${RUNS} runs after ${WARMUPS} warm-up)\n`,
  );
  console.log('| command | median ms | p90 ms | median vs `node -e 0` |');
  console.log('|---|---|---|---|');
  for (const [name, result] of rows) {
    console.log(
      `| ${name} | ${result.median.toFixed(1)} | ${result.p90.toFixed(1)} | ${(result.median / baseline).toFixed(2)}x |`,
    );
  }
  console.log(
    `\nstatus saw ${status.sessions.counts.running} running (${pids.length} started); doctor: ok=${doctor.ok}, ${envOk.length} live session(s) with their own environment, ${doctor.findings.length} findings`,
  );
}

try {
  await main();
} finally {
  cleanup();
}
