#!/usr/bin/env node
import { randomUUID } from 'node:crypto';
// A stand-in for Claude Code: records its argv, environment, cwd and pid, writes a history line and a
// transcript into CLAUDE_CONFIG_DIR the way Claude does, and can be told to try things (FAKE_CLAUDE_*).
import { appendFileSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
const record = {
  argv: args,
  env: process.env,
  cwd: process.cwd(),
  pid: process.pid,
  ppid: process.ppid,
  tries: {},
};
if (config && !process.env.FAKE_CLAUDE_NO_WRITE) {
  const conversation = randomUUID();
  const folder = join(config, 'projects', process.cwd().replace(/[^a-zA-Z0-9]/g, '-'));
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, `${conversation}.jsonl`),
    `${JSON.stringify({ type: 'user', cwd: process.cwd(), sessionId: conversation })}\n`,
  );
  appendFileSync(
    join(config, 'history.jsonl'),
    `${JSON.stringify({ display: args.join(' '), timestamp: Date.now() })}\n`,
  );
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
const exit = Number(process.env.FAKE_CLAUDE_EXIT ?? 0);
const sleep = Number(process.env.FAKE_CLAUDE_SLEEP_MS ?? 0);
if (sleep > 0) {
  process.on('SIGTERM', () => {
    if (process.env.FAKE_CLAUDE_LOG)
      writeFileSync(join(process.env.FAKE_CLAUDE_LOG, `${process.pid}.sigterm`), 'got SIGTERM\n');
    process.exit(143);
  });
  setTimeout(() => process.exit(exit), sleep);
} else {
  process.exit(exit);
}
