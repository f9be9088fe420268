// Benchmark of a Tab: what `claude-session __complete` (run by the scripts of `claude-session
// completion`) costs, against a bare `node -e 0` measured in the same run, round-robin. Prints a table;
// asserts nothing. Run by bench/run.mjs, or alone after `npm run build`.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'claude-session');
const RUNS = 30;
const WARMUPS = 3;

const TMP = fs.mkdtempSync(join(tmpdir(), 'claude-session-bench-completion-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));

/** A root with `count` sessions, one in ten named: only what a Tab reads (sessions/ and names/). */
function makeRoot(count) {
  const root = join(TMP, `root-${count}`);
  fs.mkdirSync(join(root, 'names'), { recursive: true });
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    fs.mkdirSync(join(root, 'sessions', id), { recursive: true });
    if (i % 10 === 0) fs.symlinkSync(id, join(root, 'names', `session-${i}`));
  }
  return root;
}

const env = (root) => {
  const kept = Object.entries(process.env).filter(
    ([key]) => !/^(CLAUDE|ANTHROPIC_|XDG_|NODE_OPTIONS$)/.test(key),
  );
  return { ...Object.fromEntries(kept), HOME: TMP, CLAUDE_SESSION_ROOT: root, CLAUDE_SESSION_NO_UPDATE: '1' };
};
const small = makeRoot(10);
const large = makeRoot(1000);
const variants = [
  ['(a) node -e 0', ['node', '-e', '0'], small],
  ['(b) Tab after `claude-session ` (commands)', [BIN, '__complete', 'bash', '--', ''], small],
  ['(c) Tab after `resume ` (10 sessions)', [BIN, '__complete', 'bash', '--', 'resume', ''], small],
  ['(d) Tab after `resume ` (1,000 sessions)', [BIN, '__complete', 'bash', '--', 'resume', ''], large],
  ['(e) claude-session --version (loads commander)', [BIN, '--version'], small],
].map(([label, cmd, root]) => ({ label, cmd, options: { env: env(root), encoding: 'utf8' }, times: [] }));

for (let i = 0; i < WARMUPS + RUNS; i++) {
  for (const v of variants) {
    const start = process.hrtime.bigint();
    const result = spawnSync(v.cmd[0], v.cmd.slice(1), v.options);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`bench: ${v.cmd.join(' ')} failed: ${result.stderr}`);
    if (i >= WARMUPS) v.times.push(ms);
  }
}

const percentile = (xs, p) => [...xs].sort((x, y) => x - y)[Math.ceil((p / 100) * xs.length) - 1];
const fmt = (x, digits = 1) => x.toFixed(digits);
const node = percentile(variants[0].times, 50);
const rows = variants.map((v) => {
  const median = percentile(v.times, 50);
  return [v.label, fmt(median), fmt(percentile(v.times, 90)), fmt(median / node, 2), fmt(median - node)];
});
const cells = [['variant', 'median ms', 'p90 ms', 'x node -e 0', 'ms over node'], ...rows];
const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => row[i].length)));
const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
console.log(`\n## Shell completion: one Tab (${RUNS} runs each after ${WARMUPS} warm-ups, round-robin)\n`);
console.log(
  [line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'),
);
console.log('\n(b)-(d) run the launch bundle only; (e) is what a Tab would cost through commander.');
