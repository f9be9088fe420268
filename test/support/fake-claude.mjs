#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
// A stand-in for Claude Code: records its argv, environment, cwd and pid, writes a history line and a
// transcript into CLAUDE_CONFIG_DIR the way Claude does, and can be told to try things (FAKE_CLAUDE_*).
// With FAKE_CLAUDE_INTERACTIVE=1 it then chats on its terminal, running the hooks of its --settings files.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// What --version prints; test/support/registry.ts bakes a fixed answer into the packages it publishes.
const VERSION_ANSWER = `${process.env.FAKE_CLAUDE_VERSION ?? '2.0.0'} (Claude Code)`;

const args = process.argv.slice(2);
if (args[0] === '--version') {
  process.stdout.write(`${VERSION_ANSWER}\n`);
  process.exit(0);
}
if (args[0] === 'setup-token') {
  process.stdout.write('Your OAuth token (valid for 1 year):\n\nsk-ant-oat01-FAKETOKENFAKETOKENFAKETOKEN\n');
  process.exit(0);
}

const config = process.env.CLAUDE_CONFIG_DIR;
const conversation = randomUUID();
const folder = config && join(config, 'projects', process.cwd().replace(/[^a-zA-Z0-9]/g, '-'));
const writes = config && !process.env.FAKE_CLAUDE_NO_WRITE;
const remember = (display) =>
  appendFileSync(join(config, 'history.jsonl'), `${JSON.stringify({ display, timestamp: Date.now() })}\n`);
const record = {
  argv: args,
  env: process.env,
  cwd: process.cwd(),
  pid: process.pid,
  ppid: process.ppid,
  tries: {},
};
if (writes) {
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, `${conversation}.jsonl`),
    `${JSON.stringify({ type: 'user', cwd: process.cwd(), sessionId: conversation })}\n`,
  );
  remember(args.join(' '));
  record.sees = {};
  for (const entry of ['skills', 'agents', 'commands']) {
    try {
      record.sees[entry] = readdirSync(join(config, entry));
    } catch (error) {
      record.sees[entry] = error.code;
    }
  }
  const attempt = (name, action) => {
    try {
      action();
      record.tries[name] = 'ok';
    } catch (error) {
      record.tries[name] = error.code ?? String(error);
    }
  };
  if (process.env.FAKE_CLAUDE_DELETE) {
    attempt('delete', () => rmSync(join(config, process.env.FAKE_CLAUDE_DELETE), { recursive: true }));
  }
  if (process.env.FAKE_CLAUDE_WRITE) {
    attempt('write', () =>
      writeFileSync(join(config, process.env.FAKE_CLAUDE_WRITE), 'changed by a session\n'),
    );
  }
}
if (process.env.FAKE_CLAUDE_LOG) {
  mkdirSync(process.env.FAKE_CLAUDE_LOG, { recursive: true });
  // Temp file + rename: a test reading the log at this moment sees the whole record or none.
  const final = join(process.env.FAKE_CLAUDE_LOG, `${process.pid}.json`);
  writeFileSync(`${final}.tmp`, JSON.stringify(record));
  renameSync(`${final}.tmp`, final);
}
// Hooks from every --settings FILE, in order; an unreadable file is skipped like a missing setting.
const hooks = {};
for (let i = args.indexOf('--settings'); i !== -1; i = args.indexOf('--settings', i + 1)) {
  try {
    const settings = JSON.parse(readFileSync(args[i + 1], 'utf8'));
    for (const [event, groups] of Object.entries(settings.hooks ?? {})) {
      hooks[event] = [...(hooks[event] ?? []), ...groups];
    }
  } catch {}
}

const matches = (matcher, value) => {
  // Events without a matcher value (UserPromptSubmit, Stop, ...) run all their hooks, as in Claude.
  if (!matcher || matcher === '*' || value === undefined || matcher === value) return true;
  try {
    return new RegExp(`^(?:${matcher})$`).test(value);
  } catch {
    return false;
  }
};

function runHooks(event, payload = {}, matcherValue = undefined) {
  if (process.env.FAKE_CLAUDE_HOOKS === '0') return;
  const input = JSON.stringify({
    session_id: conversation,
    transcript_path: folder ? join(folder, `${conversation}.jsonl`) : undefined,
    hook_event_name: event,
    cwd: process.cwd(),
    ...payload,
  });
  for (const group of hooks[event] ?? []) {
    if (!matches(group.matcher, matcherValue)) continue;
    for (const hook of group.hooks ?? []) {
      if (hook.type !== 'command') continue;
      spawnSync('/bin/sh', ['-c', hook.command], { input, stdio: ['pipe', 'ignore', 'ignore'] });
    }
  }
}

function onSigterm() {
  if (process.env.FAKE_CLAUDE_LOG)
    writeFileSync(join(process.env.FAKE_CLAUDE_LOG, `${process.pid}.sigterm`), 'got SIGTERM\n');
  // A stuck Claude, for `kill`'s SIGKILL after the grace time.
  if (process.env.FAKE_CLAUDE_IGNORE_TERM !== '1') process.exit(143);
}

async function interactive() {
  process.on('SIGTERM', onSigterm);
  process.on('SIGHUP', () => process.exit(129));
  const say = (text) => process.stdout.write(`${text}\n`);
  const prompt = () => say('fake-claude ready>');
  const replyMs = Number(process.env.FAKE_CLAUDE_REPLY_MS ?? 300);
  const bash = { tool_name: 'Bash', tool_input: { command: 'echo fake' } };
  let asking = false;
  runHooks('SessionStart', { source: 'startup' }, 'startup');
  prompt();
  for await (const raw of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
    const line = raw.replaceAll('\x1b[200~', '').replaceAll('\x1b[201~', '');
    if (!line.trim()) continue;
    if (asking) {
      asking = false;
      if (line.trim() === 'y') {
        runHooks('PostToolUse', { ...bash, tool_response: { stdout: 'fake', stderr: '' } }, 'Bash');
        say('FAKE-ANSWER: allowed');
      } else {
        say('FAKE-ANSWER: denied');
      }
      runHooks('Stop', { stop_hook_active: false });
      prompt();
      continue;
    }
    if (writes) remember(line);
    if (line.trim() === '/exit') {
      runHooks('SessionEnd', { reason: 'prompt_input_exit' });
      process.exit(0);
    }
    runHooks('UserPromptSubmit', { prompt: line });
    if (line.includes('NEED-PERMISSION')) {
      say('fake-claude asks: allow Bash? (y/n)');
      runHooks('PermissionRequest', bash, 'Bash');
      runHooks(
        'Notification',
        { message: 'Claude needs your permission to use Bash', notification_type: 'permission_prompt' },
        'permission_prompt',
      );
      asking = true;
      continue;
    }
    if (line.includes('SILENT-DIALOG')) {
      // Like auto mode's gateway dialog in Claude Code 2.1.332: a question that fires no hook at all.
      say('Auto mode cannot check actions in this session');
      say('Enter to stay in auto mode · Esc to cancel');
      asking = true;
      continue;
    }
    say(`you said: ${line}`);
    await new Promise((done) => setTimeout(done, replyMs));
    // A test's "still working" moment: the reply waits until the file FAKE_CLAUDE_REPLY_GATE names exists.
    const gate = process.env.FAKE_CLAUDE_REPLY_GATE;
    while (gate && !existsSync(gate)) await new Promise((done) => setTimeout(done, 50));
    say(`FAKE-ANSWER: ${line}`);
    runHooks('Stop', { stop_hook_active: false });
    prompt();
  }
  process.exit(0);
}

const exit = Number(process.env.FAKE_CLAUDE_EXIT ?? 0);
const sleep = Number(process.env.FAKE_CLAUDE_SLEEP_MS ?? 0);
if (process.env.FAKE_CLAUDE_INTERACTIVE === '1') {
  await interactive();
} else if (sleep > 0) {
  process.on('SIGTERM', onSigterm);
  setTimeout(() => process.exit(exit), sleep);
} else {
  process.exit(exit);
}
