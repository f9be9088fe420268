// Benchmark of sessions in tmux: (1) how long `claude-session new --detach` takes until the real Claude
// Code shows its prompt, next to the same binary started directly in a detached tmux session, and (2)
// what one hook event (libexec/hook) costs, next to `sh -c true` and `node -e 0`. Standalone:
// `node bench/tmux.mjs` (after `npm run build`); also run by bench/run.mjs. Prints tables; never asserts
// timings. Everything happens under a temporary HOME, removed at the end with every server started.
// Section 1 needs the pinned real Claude Code in .cache/ (the tests install it) and tmux; without them
// it is skipped.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'claude-session');
const HOOK = join(REPO, 'libexec', 'hook');
const LAUNCH_ROUNDS = 5; // per variant, alternating ours/baseline, after 1 warm-up round each
const HOOK_RUNS = 200;
const HOOK_WARMUPS = 10;
const PROMPT_READY = /^─{20,}\n❯/m; // the input box's top rule, then the prompt (as test/tmux-real.test.ts)
const POLL_MS = 20;
const PROMPT_TIMEOUT_MS = 30_000;

if (!fs.existsSync(join(REPO, 'dist', 'cli.cjs'))) {
  console.error('bench: dist/ is missing: run `npm run build` first');
  process.exit(1);
}

// ---------- helpers (as in bench/run.mjs) ----------
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const msSince = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const percentile = (xs, p) => [...xs].sort((x, y) => x - y)[Math.ceil((p / 100) * xs.length) - 1];
const median = (xs) => percentile(xs, 50);
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const signed = (x, digits = 1) => (x >= 0 ? `+${fmt(x, digits)}` : fmt(x, digits));

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

/** Runs a command to completion; returns its wall time in ms and its output. Throws when it fails. */
function run(command, args, options) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26, ...options });
  const ms = msSince(start);
  if (result.error || result.status !== 0) {
    const what = `\`${[command, ...args].join(' ')}\` failed (status ${result.status})`;
    throw new Error(`bench: ${what}: ${result.error ?? result.stderr}`);
  }
  return { ms, stdout: result.stdout };
}

const isAlive = (pid) => {
  try {
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

// ---------- fixture ----------
const TMP = fs.mkdtempSync(join(tmpdir(), 'claude-session-bench-tmux-'));
const HOME = join(TMP, 'home');
const PROJECT = join(HOME, 'project');
const ROOT = join(HOME, '.claude-sessions');
const OUR_SOCKET = join(ROOT, 'tmux', 'socket');
const TMUX = spawnSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' }).stdout.trim();
const sockets = new Set(); // tmux servers to kill at the end
const children = []; // the fake API

function cleanup() {
  for (const socket of sockets) spawnSync(TMUX, ['-S', socket, 'kill-server'], { stdio: 'ignore' });
  for (const child of children.splice(0)) child.kill('SIGKILL');
  spawnSync('chmod', ['-R', 'u+w', TMP]); // the tool's protection makes the shared entries read-only
  fs.rmSync(TMP, { recursive: true, force: true });
}
process.on('exit', cleanup); // also after a signal: the handlers below end through process.exit
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

/** The inherited environment without TMUX*, CLAUDE*, ANTHROPIC_*, XDG_* and NODE_OPTIONS, plus `extra`. */
const DROPPED = /^(TMUX|CLAUDE|ANTHROPIC_|XDG_|NODE_OPTIONS$|NO_COLOR$|FORCE_COLOR$)/;
function cleanEnv(extra) {
  const kept = Object.entries(process.env).filter(([key]) => !DROPPED.test(key));
  return { ...Object.fromEntries(kept), HOME, ...extra };
}

/** A `.claude.json` with onboarding done and the project trusted. */
const trustedConfig = () =>
  JSON.stringify({ hasCompletedOnboarding: true, projects: { [PROJECT]: { hasTrustDialogAccepted: true } } });

function makeHome() {
  fs.mkdirSync(PROJECT, { recursive: true });
  for (const dir of ['agents', 'commands', 'rules', 'output-styles', 'plugins'])
    fs.mkdirSync(join(HOME, '.claude', dir), { recursive: true });
  write(join(HOME, '.claude', 'settings.json'), '{}\n');
  write(join(HOME, '.claude.json'), trustedConfig());
}

/** The pinned real Claude Code the tests install into .cache/ (test/support/real-claude.ts), if there. */
function realClaude() {
  const source = fs.readFileSync(join(REPO, 'test', 'support', 'real-claude.ts'), 'utf8');
  const version = /REAL_CLAUDE_VERSION = '([^']+)'/.exec(source)?.[1];
  const bin = join(REPO, '.cache', 'claude-code', version ?? '?', 'node_modules', '.bin', 'claude');
  const said = spawnSync(bin, ['--version'], { encoding: 'utf8', env: cleanEnv({}) }).stdout?.trim();
  return said === `${version} (Claude Code)` ? { bin, version } : { version };
}

/**
 * A fake Anthropic Messages API in a child process of its own (the bench's own loop blocks in
 * spawnSync): a text reply, streamed as SSE as test/support/fake-anthropic.ts does; 404 for other paths.
 */
const FAKE_API = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (chunk) => (raw += chunk));
  req.on('end', () => {
    let body = {};
    try { body = JSON.parse(raw); } catch {}
    const path = (req.url || '').split('?')[0];
    const json = (status, value) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'POST' && path === '/v1/messages/count_tokens') return json(200, { input_tokens: 10 });
    if (req.method !== 'POST' || path !== '/v1/messages')
      return json(404, { type: 'error', error: { type: 'not_found_error', message: 'fake: no route' } });
    const text = 'FAKE-REPLY-OK';
    const usage = { input_tokens: 10, output_tokens: 4, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const message = { id: 'msg_fake', type: 'message', role: 'assistant', model: body.model || 'claude-fake' };
    if (body.stream !== true)
      return json(200, { ...message, content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const event = (name, data) => res.write('event: ' + name + '\\ndata: ' + JSON.stringify({ type: name, ...data }) + '\\n\\n');
    event('message_start', { message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage } });
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
    event('content_block_stop', { index: 0 });
    event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 4 } });
    event('message_stop', {});
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startFakeApi() {
  const child = spawn(process.execPath, ['-e', FAKE_API], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk) => {
      // The bench may end without waiting for it: the exit handler kills it.
      child.stdout.destroy();
      child.unref();
      resolve(Number(String(chunk).trim()));
    });
    child.once('exit', (code) => reject(new Error(`bench: the fake API exited (${code})`)));
  });
  return `http://127.0.0.1:${port}`;
}

// ---------- 1. new --detach until the prompt, against the same Claude in tmux directly ----------
const capture = (socket, target) =>
  spawnSync(TMUX, ['-S', socket, 'capture-pane', '-p', '-t', target], { encoding: 'utf8' }).stdout ?? '';

/** Polls the pane every POLL_MS until Claude's prompt shows; returns ms since `start`. */
async function untilPrompt(socket, target, start) {
  const deadline = Date.now() + PROMPT_TIMEOUT_MS;
  let screen = '';
  while (Date.now() < deadline) {
    screen = capture(socket, target);
    if (PROMPT_READY.test(screen)) return msSince(start);
    await sleep(POLL_MS);
  }
  throw new Error(`bench: no prompt in ${target} after ${PROMPT_TIMEOUT_MS / 1000} s; the pane:\n${screen}`);
}

/** Kills a tmux server and waits until Claude (the pane's process) is gone: SIGKILL after 3 s. */
async function killServer(socket, pid) {
  spawnSync(TMUX, ['-S', socket, 'kill-server'], { stdio: 'ignore' });
  for (const deadline = Date.now() + 3_000; isAlive(pid) && Date.now() < deadline; ) await sleep(10);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(10);
}

async function benchLaunch() {
  const claude = realClaude();
  console.log('\n## tmux: `new --detach` until the prompt shows (real Claude Code, fake API)\n');
  if (!claude.bin || !TMUX) {
    const missing = TMUX
      ? `the real Claude Code ${claude.version} is not in .cache/ (the tests install it)`
      : 'no tmux';
    console.log(`skipped: ${missing}`);
    return;
  }
  const api = await startFakeApi();
  const env = cleanEnv({
    CLAUDE_SESSION_NO_UPDATE: '1',
    CLAUDE_SESSION_CLAUDE: claude.bin,
    ANTHROPIC_BASE_URL: api,
    ANTHROPIC_AUTH_TOKEN: 'test-token',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
  });
  sockets.add(OUR_SOCKET);

  /** Ours: `new --detach --json` (returns once Claude's first hook reported), then the pane. */
  async function ours() {
    const start = process.hrtime.bigint();
    const { ms: returned, stdout } = run(BIN, ['new', '--detach', '--json'], { env, cwd: PROJECT });
    const { id, pid } = JSON.parse(stdout);
    const prompt = await untilPrompt(OUR_SOCKET, `=${id}:`, start);
    await killServer(OUR_SOCKET, pid);
    // Keep the root as it was: the next round finds no session left behind.
    const dir = join(ROOT, 'sessions', id);
    spawnSync('chmod', ['-R', 'u+w', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
    return { returned, prompt };
  }

  /**
   * Baseline: the same binary in a detached tmux session of a private server, with a fresh config dir
   * seeded like a session's (onboarding done, project trusted) and the two settings a session adds
   * that are not our hooks (no auto-updater, no URL handler written into HOME).
   */
  let round = 0;
  async function baseline() {
    const dir = join(TMP, `baseline-${++round}`);
    const config = join(dir, 'config');
    const socket = join(dir, 'sock');
    write(join(config, '.claude.json'), trustedConfig());
    write(join(dir, 'settings.json'), '{"disableDeepLinkRegistration":"disable"}\n');
    sockets.add(socket);
    const start = process.hrtime.bigint();
    const server = ['-S', socket, 'new-session', '-d', '-P', '-F', '#{pane_pid}', '-s', 'b'];
    const size = ['-x', '80', '-y', '24', '-c', PROJECT];
    const command = ['env', `CLAUDE_CONFIG_DIR=${config}`, 'DISABLE_AUTOUPDATER=1', claude.bin];
    const settings = ['--settings', join(dir, 'settings.json')];
    const args = [...server, ...size, '--', ...command, ...settings];
    const { ms: returned, stdout } = run(TMUX, args, { env, cwd: PROJECT });
    const prompt = await untilPrompt(socket, '=b:', start);
    await killServer(socket, Number(stdout.trim()));
    sockets.delete(socket);
    return { returned, prompt };
  }

  const times = { ours: [], baseline: [] };
  for (let i = 0; i < 1 + LAUNCH_ROUNDS; i++) {
    const a = await ours();
    const b = await baseline();
    if (i === 0) continue; // warm-up
    times.ours.push(a);
    times.baseline.push(b);
  }
  const med = (list, key) => median(list.map((t) => t[key]));
  const range = (list, key) => {
    const xs = list.map((t) => t[key]);
    return `${fmt(Math.min(...xs), 0)}–${fmt(Math.max(...xs), 0)}`;
  };
  const row = (label, key) => {
    const [ours, base] = [med(times.ours, key), med(times.baseline, key)];
    const ratio = fmt(ours / base, 2);
    return [
      label,
      fmt(ours),
      fmt(base),
      ratio,
      signed(ours - base),
      range(times.ours, key),
      range(times.baseline, key),
    ];
  };
  const paired = median(times.ours.map((t, i) => t.prompt - times.baseline[i].prompt));
  console.log(`Claude Code ${claude.version}; ${LAUNCH_ROUNDS} rounds each after 1 warm-up, alternating;`);
  console.log(
    `the pane polled every ${POLL_MS} ms for ${PROMPT_READY}; each tmux server killed after its round\n`,
  );
  console.log('ours:     `claude-session new --detach --json` (a new session; starts our tmux server)');
  console.log(
    'baseline: `tmux -S <private> new-session -d -x 80 -y 24 -- env CLAUDE_CONFIG_DIR=<seeded> claude`\n',
  );
  const headers = ['until', 'ours median ms', 'baseline median ms', 'ours / baseline', 'ours − baseline ms'];
  table(
    [...headers, 'ours range', 'baseline range'],
    [row('prompt visible', 'prompt'), row('command returned', 'returned')],
  );
  const after = median(times.ours.map((t) => t.prompt - t.returned));
  console.log(
    `\nours: prompt visible ${fmt(after)} ms (median) after \`new --detach\` returned (it waits for the first hook, SessionStart)`,
  );
  console.log(`median of the per-round differences (prompt visible): ${signed(paired)} ms`);
}

// ---------- 2. one hook event ----------
async function benchHook() {
  const payload = JSON.stringify({
    session_id: '3f2b8c1e-0d4a-4c5e-9b7a-1a2b3c4d5e6f',
    transcript_path: join(HOME, '.claude-sessions', 'sessions', 'x', 'config', 'projects', '-p', 'x.jsonl'),
    cwd: PROJECT,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command: 'ls -la', description: 'List the files' },
    tool_use_id: 'toolu_01ABCDEFGHIJKLMNOPQRSTUV',
  }).padEnd(500, ' ');
  const payloadFile = join(TMP, 'hook-event.json');
  write(payloadFile, payload);
  const dir = (name) => {
    const path = join(TMP, 'hook', name);
    fs.mkdirSync(path, { recursive: true, mode: 0o700 });
    return path;
  };
  const setState = (path, state) => fs.writeFileSync(join(path, 'state'), `${state}\n`);
  const base = cleanEnv({});
  const changing = dir('changing');
  const unchanged = dir('unchanged');
  setState(unchanged, 'idle');
  let flip = false;
  const variants = [
    { label: '(a) sh -c true', cmd: ['/bin/sh', '-c', 'true'], env: base },
    { label: '(b) node -e 0', cmd: [process.execPath, '-e', '0'], env: base },
    {
      label: '(c) hook working/idle alternately (state written)',
      cmd: [HOOK, 'working'],
      env: { ...base, CLAUDE_SESSION_DIR: changing },
      before(v) {
        flip = !flip;
        v.cmd[1] = flip ? 'working' : 'idle';
      },
    },
    {
      label: '(d) hook idle, state already idle (early exit)',
      cmd: [HOOK, 'idle'],
      env: { ...base, CLAUDE_SESSION_DIR: unchanged },
    },
  ];
  // A waiting event in a detached tmux session nobody is attached to: the hook asks tmux (list-clients).
  if (TMUX) {
    const socket = join(TMP, 'hook', 'tmux.sock');
    const id = '3f2b8c1e-0d4a-4c5e-9b7a-1a2b3c4d5e6f';
    sockets.add(socket);
    run(TMUX, ['-S', socket, '-f', '/dev/null', 'new-session', '-d', '-s', id, '--', 'sleep', '3600'], {
      env: base,
    });
    const waiting = dir('waiting');
    variants.push({
      label: '(e) hook waiting, detached tmux session, no client',
      cmd: [HOOK, 'waiting'],
      env: {
        ...base,
        CLAUDE_SESSION_DIR: waiting,
        CLAUDE_SESSION_ID: id,
        CLAUDE_SESSION_TMUX: socket,
        CLAUDE_SESSION_TMUX_BIN: TMUX,
        CLAUDE_SESSION_TMUX_MESSAGE: '1',
      },
      before: () => setState(waiting, 'idle'), // untimed: each run is a change to waiting
    });
  }
  for (const v of variants) v.times = [];
  for (let i = 0; i < HOOK_WARMUPS + HOOK_RUNS; i++) {
    for (const v of variants) {
      v.before?.(v);
      // stdin from a file, not a pipe: the hook never reads it, and a pipe's write could fail with EPIPE.
      const stdin = fs.openSync(payloadFile, 'r');
      const options = { env: v.env, stdio: [stdin, 'pipe', 'pipe'], shell: false };
      const { ms } = run(v.cmd[0], v.cmd.slice(1), options);
      fs.closeSync(stdin);
      if (i >= HOOK_WARMUPS) v.times.push(ms);
    }
    if (i % 50 === 0) await sleep(0);
  }
  const states = ['changing', 'unchanged', 'waiting'].map((name) =>
    fs.existsSync(join(TMP, 'hook', name, 'state'))
      ? fs.readFileSync(join(TMP, 'hook', name, 'state'), 'utf8').trim()
      : '-',
  );
  for (const v of variants) Object.assign(v, { median: median(v.times), p90: percentile(v.times, 90) });
  const [sh, node] = variants.map((v) => v.median);
  console.log(
    `\n## tmux: one hook event (libexec/hook; ${HOOK_RUNS} runs each after ${HOOK_WARMUPS} warm-ups, round-robin; spawnSync, no shell, ${payload.length} bytes of JSON on stdin)\n`,
  );
  table(
    ['variant', 'median ms', 'p90 ms', 'x sh -c true', 'x node -e 0', '− sh -c true ms'],
    variants.map((v) => [
      v.label,
      fmt(v.median, 2),
      fmt(v.p90, 2),
      fmt(v.median / sh, 2),
      fmt(v.median / node, 2),
      signed(v.median - sh, 2),
    ]),
  );
  console.log(`\nstate files at the end: (c) ${states[0]}, (d) ${states[1]}, (e) ${states[2]}`);
}

// ---------- main ----------
try {
  makeHome();
  console.log(`\n# claude-session tmux bench (node ${process.version}, ${hostname()}, temp HOME ${HOME})`);
  await benchLaunch();
  await benchHook();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
