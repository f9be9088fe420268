// Benchmark of `claude-session new --worktree` against a plain `git worktree add -b` of the same
// repository, in the same run, round-robin: on a small repository and on one with 10,000 files. Claude is
// a fake that exits at once (as in bench/run.mjs, section 1), so a run is the whole start of a session in
// a new worktree, less Claude. `new` without --worktree, in the same repository, says what the launch
// itself costs. Standalone: `node bench/worktree.mjs` (after `npm run build`); `npm run bench` runs it,
// `node bench/run.mjs --worktree-only` runs only it. Prints a markdown table; never asserts timings.
// Everything happens under a temporary HOME, removed at the end (also on an error or a signal).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'claude-session');
const RUNS = Number(process.env.BENCH_WORKTREE_RUNS) || 10;
// `--baseline DIR`: another build (its bin/, dist/, libexec/), whose `new --worktree` is timed in the
// same rounds: a before/after under the same load.
const BASELINE = process.argv.includes('--baseline')
  ? join(process.argv[process.argv.indexOf('--baseline') + 1] ?? '', 'bin', 'claude-session')
  : undefined;
const WARMUPS = 1;
const SIZES = [
  { label: 'small (12 files)', dirs: 3, files: 4 },
  { label: '10,000 files', dirs: 100, files: 100 },
];

if (BASELINE && !fs.existsSync(BASELINE)) {
  console.error(`bench: --baseline: no ${BASELINE}`);
  process.exit(1);
}
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

function write(path, text, mode = 0o644) {
  fs.mkdirSync(dirname(path), { recursive: true });
  fs.writeFileSync(path, text, { mode });
}

const TMP = fs.mkdtempSync(join(process.env.BENCH_TMPDIR || tmpdir(), 'claude-session-bench-worktree-'));
const HOME = join(TMP, 'home');
const ROOT = join(HOME, '.claude-sessions');
const FAKE_BIN = join(TMP, 'bin');
const PLAIN = join(TMP, 'plain');

function cleanup() {
  spawnSync('chmod', ['-R', 'u+w', TMP]); // the tool makes the shared entries read-only
  fs.rmSync(TMP, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const DROPPED = /^(CLAUDE|ANTHROPIC_|XDG_|GIT_|NODE_OPTIONS$)/;
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !DROPPED.test(key))),
  HOME,
  PATH: `${FAKE_BIN}:${process.env.PATH}`,
  CLAUDE_SESSION_NO_UPDATE: '1',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

/** Runs a command to completion; its wall time in ms. Throws when it fails. */
function run(command, args, cwd) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = msSince(start);
  if (result.error || result.status !== 0) {
    throw new Error(
      `bench: \`${[command, ...args].join(' ')}\` failed (${result.status}): ${result.error ?? result.stderr}`,
    );
  }
  return ms;
}
const git = (cwd, ...args) => run('git', ['-C', cwd, ...args], cwd);

function makeHome() {
  write(
    join(FAKE_BIN, 'claude'),
    `#!/bin/sh\n[ "$1" = --version ] && { echo '9.9.9 (Claude Code)'; exit 0; }\nexit 0\n`,
    0o755,
  );
  write(join(HOME, '.claude', 'settings.json'), '{}\n');
  write(join(HOME, '.claude', 'CLAUDE.md'), '# bench\n');
  write(join(HOME, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, projects: {} }));
}

/** A repository of dirs x files small source files, one commit, with a .gitignore. */
function makeRepo(dir, dirs, files) {
  fs.mkdirSync(dir, { recursive: true });
  for (let d = 0; d < dirs; d++) {
    for (let f = 0; f < files; f++) {
      write(join(dir, 'src', `mod${d}`, `file${f}.js`), `export const v${d}_${f} = ${d * files + f};\n`);
    }
  }
  write(join(dir, '.gitignore'), 'node_modules/\n.env\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
}

const sessionIds = () => {
  try {
    return fs.readdirSync(join(ROOT, 'sessions'));
  } catch {
    return [];
  }
};

/** Removes what a timed run made (untimed): the session, its worktree and branch. */
function forget(repo, before) {
  for (const id of sessionIds().filter((entry) => !before.includes(entry))) {
    const record = JSON.parse(fs.readFileSync(join(ROOT, 'sessions', id, 'session.json'), 'utf8'));
    if (record.worktree) {
      git(repo, 'worktree', 'remove', '--force', record.worktree.path);
      git(repo, 'branch', '-q', '-D', record.worktree.branch);
    }
    fs.rmSync(join(ROOT, 'sessions', id), { recursive: true, force: true });
    fs.rmSync(join(ROOT, 'live', id), { force: true });
  }
  fs.rmSync(join(ROOT, 'worktrees'), { recursive: true, force: true });
}

function benchSize({ label, dirs, files }) {
  const repo = join(TMP, `repo-${dirs * files}`, 'project');
  makeRepo(repo, dirs, files);
  let n = 0;
  const variants = [
    {
      label: '(a) git worktree add -b (plain)',
      once: () => {
        const branch = `plain/${n++}`;
        const path = join(PLAIN, `${n}`, 'project');
        const ms = git(repo, 'worktree', 'add', '-q', '--no-track', '-b', branch, path, 'HEAD');
        git(repo, 'worktree', 'remove', '--force', path);
        git(repo, 'branch', '-q', '-D', branch);
        return ms;
      },
    },
    {
      label: '(b) claude-session new (no worktree)',
      once: () => {
        const before = sessionIds();
        const ms = run(BIN, ['new', '--', '-p', 'hi'], repo);
        forget(repo, before);
        return ms;
      },
    },
    {
      label: '(c) claude-session new --worktree',
      once: () => {
        const before = sessionIds();
        const ms = run(BIN, ['new', '--worktree', '--', '-p', 'hi'], repo);
        forget(repo, before);
        return ms;
      },
    },
  ];
  if (BASELINE) {
    variants.push({
      label: '(c) claude-session new --worktree [baseline]',
      once: () => {
        const before = sessionIds();
        const ms = run(BASELINE, ['new', '--worktree', '--', '-p', 'hi'], repo);
        forget(repo, before);
        return ms;
      },
    });
  }
  const times = variants.map(() => []);
  for (let round = 0; round < WARMUPS + RUNS; round++) {
    variants.forEach((variant, i) => {
      const ms = variant.once();
      if (round >= WARMUPS) times[i].push(ms);
    });
  }
  const medians = times.map(median);
  const mins = times.map((xs) => Math.min(...xs));
  console.log(`\n### ${label} (${RUNS} runs each after ${WARMUPS} warm-up, round-robin)\n`);
  table(
    ['variant', 'median ms', 'min ms', 'max ms', '× git worktree add (median)'],
    variants.map((variant, i) => [
      variant.label,
      fmt(medians[i]),
      fmt(mins[i]),
      fmt(Math.max(...times[i])),
      fmt(medians[i] / medians[0], 2),
    ]),
  );
  console.log('');
  for (let i = 2; i < variants.length; i++) {
    const own = medians[i] - medians[1] - medians[0];
    const ownMin = mins[i] - mins[1] - mins[0];
    console.log(
      `What --worktree adds beyond git's own add and the launch, c - b - a${i > 2 ? ' [baseline]' : ''}: ${fmt(own)} ms median, ${fmt(ownMin)} ms by the minima`,
    );
  }
}

try {
  makeHome();
  console.log('\n## new --worktree against git worktree add (bench/worktree.mjs)');
  for (const size of SIZES) benchSize(size);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
