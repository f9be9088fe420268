// Benchmark of `claude-session usage` over 100 sessions holding 100 MB of transcripts laid out like
// Claude Code 2.1.332's (its lines, from test/fixtures/claude-2.1.332/usage/): the first read (no
// cache), the incremental reads after it (nothing new; a few new responses), against `list` and a bare
// `node -e 0` in the same run. Run with `node bench/usage.mjs` after `npm run build` (`npm run bench`
// runs it). Prints markdown tables; never asserts timings. Everything happens under a temporary HOME
// that is removed at the end.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'claude-session');
const SESSIONS = Number(process.env.BENCH_USAGE_SESSIONS) || 100;
const TOTAL_MB = Number(process.env.BENCH_USAGE_MB) || 100;
const RUNS = 5;
const COLD_RUNS = 3;
const SHARED = 'skills agents commands rules output-styles CLAUDE.md plugins settings.json'.split(' ');

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

const TMP = fs.mkdtempSync(join(process.env.BENCH_TMPDIR || tmpdir(), 'claude-session-bench-usage-'));
const HOME = join(TMP, 'home');
const BASE = join(HOME, '.claude');
const ROOT = join(TMP, 'root');
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

// The real lines: an assistant line (a response's block) and the other kinds, as Claude wrote them.
const FIXTURE = join(
  REPO,
  'test/fixtures/claude-2.1.332/usage/-tmp-usx-proj/2dba4ea3-a048-406d-a4ba-910e1964c27a.jsonl',
);
const fixture = fs
  .readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((text) => JSON.parse(text));
const template = fixture.find((line) => line.type === 'assistant');
const others = fixture.filter((line) => line.type !== 'assistant' && line.type !== 'cost-state');
const MODELS = ['claude-opus-5-5', 'claude-opus-5-5', 'claude-opus-5-5', 'claude-haiku-4-5'];

function assistant(id, block, n, at) {
  const line = structuredClone(template);
  line.message.id = id;
  line.requestId = `req_${id}`;
  line.message.model = MODELS[n % MODELS.length];
  line.message.usage.input_tokens = 3 + (n % 7);
  line.message.usage.cache_read_input_tokens = 20_000 + n * 37;
  line.message.usage.cache_creation_input_tokens = 500 + (n % 300);
  line.message.usage.cache_creation = {
    ephemeral_5m_input_tokens: 500 + (n % 300),
    ephemeral_1h_input_tokens: 0,
  };
  line.message.usage.output_tokens = 50 + (n % 400);
  line.message.content =
    block === 0
      ? [{ type: 'text', text: `Looking at it (${n}).` }]
      : [{ type: 'tool_use', id: `toolu_${id}`, name: 'Read', input: { file_path: `/tmp/x/f${n}.ts` } }];
  line.uuid = randomUUID();
  line.timestamp = new Date(at).toISOString();
  return JSON.stringify(line);
}

/** What surrounds a response in a real transcript: the request it answered, a tool result, attachments. */
function filler(n) {
  const lines = [];
  for (const kind of others) {
    const line = structuredClone(kind);
    if (line.type === 'user' && n % 2 === 0) {
      // A tool result: a file's content, the bulk of a long session's transcript.
      line.message = {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: `t${n}`, content: 'x'.repeat(6000) }],
      };
    }
    lines.push(JSON.stringify(line));
  }
  return lines.join('\n');
}

/** `count` sessions of `bytes` of transcript each (one conversation, one subagent); returns the responses. */
function makeSessions(count, bytes) {
  fs.rmSync(ROOT, { recursive: true, force: true });
  fs.mkdirSync(join(ROOT, 'sessions'), { recursive: true, mode: 0o700 });
  for (const dir of ['agents', 'commands', 'rules', 'output-styles', 'plugins', 'skills']) {
    fs.mkdirSync(join(BASE, dir), { recursive: true });
  }
  fs.writeFileSync(join(BASE, 'CLAUDE.md'), '# bench\n');
  fs.writeFileSync(join(BASE, 'settings.json'), '{}\n');
  const who = { user: userInfo().username, uid: userInfo().uid, host: hostname(), cwd: '/tmp/x', base: BASE };
  const now = new Date().toISOString();
  let responses = 0;
  const started = Date.now() - 7 * 86_400_000;
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const dir = join(ROOT, 'sessions', id);
    const config = join(dir, 'config');
    const conversation = randomUUID();
    const project = join(config, 'projects', '-tmp-x');
    fs.mkdirSync(join(project, conversation, 'subagents'), { recursive: true });
    fs.mkdirSync(join(dir, 'tmp'));
    const record = {
      schema: 1,
      id,
      name: i % 4 === 0 ? `s${i}` : null,
      ...who,
      claude: { path: '/usr/bin/claude', version: '2.1.332' },
      process: null,
      launches: 1,
      createdAt: now,
      lastLaunchAt: now,
    };
    fs.writeFileSync(join(dir, 'session.json'), JSON.stringify(record, null, 2));
    fs.writeFileSync(join(config, '.claude.json'), '{"hasCompletedOnboarding":true,"projects":{}}\n');
    for (const name of SHARED) fs.symlinkSync(join(BASE, name), join(config, name));
    for (const [file, share] of [
      [join(project, `${conversation}.jsonl`), 0.9],
      [join(project, conversation, 'subagents', 'agent-a1.jsonl'), 0.1],
    ]) {
      const fd = fs.openSync(file, 'w', 0o600);
      let written = 0;
      let n = 0;
      while (written < bytes * share) {
        const msg = `msg_${i}_${file.length}_${n}`;
        const at = started + (i * 1000 + n) * 60_000;
        const chunk = `${filler(n)}\n${assistant(msg, 0, n, at)}\n${assistant(msg, 1, n, at + 500)}\n`;
        fs.writeSync(fd, chunk);
        written += chunk.length;
        n++;
        responses++;
      }
      fs.closeSync(fd);
    }
  }
  return responses;
}

const env = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(CLAUDE|ANTHROPIC_|XDG_)/.test(key)),
  ),
  HOME,
  CLAUDE_SESSION_ROOT: ROOT,
  CLAUDE_SESSION_NO_UPDATE: '1',
  TZ: 'UTC',
};
const opts = { env, cwd: TMP };
const timed = (args, runs = RUNS) => {
  run(BIN, args, opts);
  return median(Array.from({ length: runs }, () => run(BIN, args, opts).ms));
};
const dropCaches = () => {
  for (const id of fs.readdirSync(join(ROOT, 'sessions'))) {
    fs.rmSync(join(ROOT, 'sessions', id, 'usage-cache.json'), { force: true });
  }
};

fs.mkdirSync(HOME, { recursive: true });
const made = process.hrtime.bigint();
const responses = makeSessions(SESSIONS, (TOTAL_MB * 1024 * 1024) / SESSIONS);
const bytes = spawnSync('du', ['-sb', ROOT], { encoding: 'utf8' }).stdout.split('\t')[0];
console.log(
  `\n## usage: ${SESSIONS} sessions, ${fmt(Number(bytes) / 1024 / 1024, 0)} MB, ${responses} responses (${responses * 2} assistant lines), made in ${fmt(msSince(made) / 1000)} s\n`,
);

const node = median(Array.from({ length: RUNS }, () => run(process.execPath, ['-e', '0'], opts).ms));
const list = timed(['list']);
const cold = [];
for (let i = 0; i < COLD_RUNS; i++) {
  dropCaches();
  cold.push(run(BIN, ['usage'], opts).ms);
}
const caches = fs
  .readdirSync(join(ROOT, 'sessions'))
  .reduce((sum, id) => sum + fs.statSync(join(ROOT, 'sessions', id, 'usage-cache.json')).size, 0);
const warm = timed(['usage']);
const warmJson = timed(['usage', '--json', '--by', 'day']);
// A new response in 10 sessions before each run: those transcripts are read from where they were,
// and the price table is loaded to price them.
const grown = [];
for (let r = 0; r < RUNS; r++) {
  for (const id of fs.readdirSync(join(ROOT, 'sessions')).slice(0, 10)) {
    const folder = join(ROOT, 'sessions', id, 'config', 'projects', '-tmp-x');
    const main = fs.readdirSync(folder).find((name) => name.endsWith('.jsonl'));
    const msg = `msg_new_${id}_${r}`;
    fs.appendFileSync(
      join(folder, main),
      `${assistant(msg, 0, r, Date.now())}\n${assistant(msg, 1, r, Date.now())}\n`,
    );
  }
  grown.push(run(BIN, ['usage'], opts).ms);
}
const check = JSON.parse(run(BIN, ['usage', '--json'], opts).stdout).total;
const rows = [
  ['node -e 0', fmt(node), fmt(node / list, 2)],
  ['list', fmt(list), '1.00'],
  [`usage, first read (no cache; median of ${COLD_RUNS})`, fmt(median(cold)), fmt(median(cold) / list, 2)],
  ['usage, again (nothing new)', fmt(warm), fmt(warm / list, 2)],
  ['usage --json --by day, again', fmt(warmJson), fmt(warmJson / list, 2)],
  ['usage, 10 sessions with a new response each', fmt(median(grown)), fmt(median(grown) / list, 2)],
];
table(['command', 'median ms', '× list'], rows);
console.log(
  `\ncaches: ${fmt(caches / 1024, 0)} KB in all (${fmt(caches / SESSIONS / 1024, 1)} KB a session); total counted: ${check.inputTokens + check.cacheReadTokens + check.cacheWriteTokens} input tokens, ${check.outputTokens} output, $${check.costUSD?.toFixed(2)}; ${responses + RUNS * 10} responses expected, ${Object.values(check.models).reduce((n, m) => n + m.responses, 0)} counted`,
);
