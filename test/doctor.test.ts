import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, cleanEnv, FAKE_CLAUDE, Sandbox, waitFor } from './support/sandbox.js';
import { chownTree, ordinaryUser, type TestUser } from './support/user.js';

interface Finding {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
  fix?: string;
  session?: string;
}

let sandbox: Sandbox;
const children: ChildProcess[] = [];
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await sandbox.killSessions();
  sandbox.cleanup();
});

/** Starts a session through bin/claude-session whose fake Claude keeps running; resolves with its pid. */
async function startRunning(name: string, asUser?: TestUser): Promise<number> {
  const child = spawn(CLI, ['--name', name, '--', '-p', 'long'], {
    cwd: sandbox.dir,
    env: sandbox.env({ FAKE_CLAUDE_SLEEP_MS: '60000' }),
    stdio: 'ignore',
    ...(asUser ? { uid: asUser.uid, gid: asUser.gid } : {}),
  });
  children.push(child);
  return (await waitFor(() => sandbox.records().find((r) => r.env.CLAUDE_SESSION_NAME === name))).pid;
}

async function doctor(asUser?: TestUser): Promise<{ code: number | null; ok: boolean; findings: Finding[] }> {
  const result = await sandbox.run(['doctor', '--json'], asUser ? { asUser } : {});
  expect(result.stderr).toBe('');
  const json = JSON.parse(result.stdout) as { ok: boolean; findings: Finding[] };
  return { code: result.code, ...json };
}

const idOf = (name: string) =>
  sandbox.sessionIds().find((id) => sandbox.sessionRecord(id).name === name) as string;
const sessionDir = (id: string) => join(sandbox.root, 'sessions', id);
const problems = (findings: Finding[]) => findings.filter((finding) => finding.status !== 'ok');
const onPath = (name: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => readdirSafe(dir).includes(name));
function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** A fake Claude started by hand, not by us, made the session's process by rewriting its record. */
async function adoptProcess(
  id: string,
  env: NodeJS.ProcessEnv,
  [command, ...args]: string[] = [process.execPath, FAKE_CLAUDE],
  running = 'fake-claude',
): Promise<number> {
  const child = spawn(command as string, args, { env, stdio: 'ignore' });
  children.push(child);
  const pid = child.pid as number;
  // Until it has exec'ed node, /proc/PID/environ is still ours.
  await waitFor(() => (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(running) ? true : undefined));
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const startTime = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  const file = join(sessionDir(id), 'session.json');
  const record = JSON.parse(readFileSync(file, 'utf8'));
  record.process = { pid, startTime, bootId, startedAt: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(record));
  return pid;
}

describe('doctor', () => {
  it('finds nothing wrong on a fresh install with a live session, run as an ordinary user', async () => {
    const user = ordinaryUser();
    if (!user) throw new Error('no ordinary user to run as');
    chownTree(sandbox.dir, user);
    const login = await sandbox.run(['login', '--stdin'], {
      asUser: user,
      input: `sk-ant-oat01-${'x'.repeat(40)}\n`,
    });
    expect(login.code, login.stderr).toBe(0);
    const pid = await startRunning('live', user);

    const { code, ok, findings } = await doctor(user);
    // tmux is the host's to have; everything else is ours.
    const expected = problems(findings).filter((finding) => finding.check !== 'tmux' || onPath('tmux'));
    expect(expected).toEqual([]);
    expect(ok).toBe(true);
    expect(code).toBe(0);
    const env = findings.find((finding) => finding.check === 'session-env');
    expect(env).toMatchObject({ status: 'ok', session: idOf('live') });
    expect(env?.message).toContain(`(pid ${pid}) runs with its own CLAUDE_CONFIG_DIR and our environment`);
    for (const check of [
      'claude',
      'base',
      'permissions',
      'protection',
      'login',
      'shared-links',
      'base-writes',
      'memory-cap',
      'update',
    ]) {
      expect(findings.some((finding) => finding.check === check)).toBe(true);
    }

    const human = await sandbox.run(['doctor'], { asUser: user });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ok {4}Claude Code 2\.0\.0: /m);
    if (onPath('tmux')) expect(human.stdout).toMatch(/^all \d+ checks ok$/m);
  });

  it('fails on a live session whose process lost its CLAUDE_CONFIG_DIR, or runs with another one', async () => {
    await sandbox.run(['--name', 'lost', '--', '-p', 'x']);
    await sandbox.run(['--name', 'borrowed', '--', '-p', 'x']);
    const plain = { ...cleanEnv(), HOME: sandbox.home, FAKE_CLAUDE_SLEEP_MS: '60000' };
    const lostPid = await adoptProcess(idOf('lost'), plain);
    const other = join(sessionDir(idOf('lost')), 'config');
    const borrowedPid = await adoptProcess(idOf('borrowed'), {
      ...plain,
      CLAUDE_CONFIG_DIR: other,
      FAKE_CLAUDE_NO_WRITE: '1',
    });

    const { code, ok, findings } = await doctor();
    expect(code).toBe(1);
    expect(ok).toBe(false);
    const lost = findings.find(
      (finding) => finding.session === idOf('lost') && finding.check === 'session-env',
    );
    expect(lost).toMatchObject({ status: 'fail' });
    expect(lost?.message).toMatch(
      new RegExp(
        `^session ${idOf('lost').slice(0, 8)} \\(lost\\) \\(pid ${lostPid}\\) runs without CLAUDE_CONFIG_DIR`,
      ),
    );
    expect(lost?.fix).toBe(
      `end it (kill ${lostPid}), then \`claude-session resume ${idOf('lost').slice(0, 8)}\``,
    );
    const borrowed = findings.find(
      (finding) => finding.session === idOf('borrowed') && finding.check === 'session-env',
    );
    expect(borrowed).toMatchObject({ status: 'fail' });
    expect(borrowed?.message).toContain(
      `(pid ${borrowedPid}) runs with CLAUDE_CONFIG_DIR=${other}, not its own`,
    );

    const human = await sandbox.run(['doctor']);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(
      `FAIL  session ${idOf('lost').slice(0, 8)} (lost) (pid ${lostPid}) runs without CLAUDE_CONFIG_DIR`,
    );
    expect(human.stdout).toContain(`      fix: end it (kill ${lostPid}), then`);
  });

  it('does not take a process that is still our launcher shell (about to exec Claude) for a lost one', async () => {
    await sandbox.run(['--name', 'starting', '--', '-p', 'x']);
    // bin/claude-session records its own pid and execs Claude only after the Node part has exited.
    const launcher = join(sandbox.dir, 'claude-session');
    writeFileSync(launcher, '#!/bin/sh\nsleep 60\nexit 0\n', { mode: 0o755 });
    const pid = await adoptProcess(
      idOf('starting'),
      { ...cleanEnv(), HOME: sandbox.home },
      [launcher],
      'claude-session',
    );
    const { code, findings } = await doctor();
    expect(code).toBe(0);
    expect(findings.find((finding) => finding.check === 'session-env')).toMatchObject({
      status: 'ok',
      message: expect.stringContaining(`(pid ${pid}) is starting`),
    });
  });

  it('reports a real directory where a shared link should be, and a missing link; resume repairs both', async () => {
    await sandbox.run(['--name', 'a', '--', '-p', 'x']);
    const config = join(sessionDir(idOf('a')), 'config');
    rmSync(join(config, 'skills'));
    mkdirSync(join(config, 'skills', 'local-skill'), { recursive: true });
    rmSync(join(config, 'agents'));

    const { code, findings } = await doctor();
    expect(code).toBe(1);
    const links = findings.filter((finding) => finding.check === 'shared-links');
    expect(links.map((finding) => [finding.status, finding.session])).toEqual([
      ['fail', idOf('a')],
      ['warn', idOf('a')],
    ]);
    expect(links[0]?.message).toContain(`skills is a real directory, not a link to ~/.claude/skills`);
    expect(links[0]?.fix).toContain(`mv ${join(config, 'skills')} ${join(config, 'skills')}.local`);
    expect(links[1]?.message).toContain('the link agents -> ~/.claude/agents is missing');

    // Following the fix makes doctor content again.
    renameSync(join(config, 'skills'), join(config, 'skills.local'));
    expect((await sandbox.run(['resume', 'a'])).code).toBe(0);
    const after = await doctor();
    expect(after.findings.filter((finding) => finding.check === 'shared-links')).toEqual([
      { check: 'shared-links', status: 'ok', message: 'shared links intact in 1 session(s)' },
    ]);
  });

  it('reports session dirs others can read and a login token others can read', async () => {
    await sandbox.run(['--name', 'a', '--', '-p', 'x']);
    await sandbox.run(['login', '--stdin'], { input: `sk-ant-oat01-${'y'.repeat(40)}\n` });
    const dir = sessionDir(idOf('a'));
    chmodSync(dir, 0o755);
    let { code, findings } = await doctor();
    const permissions = () => problems(findings).filter((finding) => finding.check === 'permissions');
    expect(code).toBe(0);
    expect(permissions()).toEqual([
      {
        check: 'permissions',
        status: 'warn',
        session: idOf('a'),
        message: `session ${idOf('a').slice(0, 8)} (a): session dir ~/.claude-sessions/sessions/${idOf('a')} has mode 0755: others can read it (wanted 0700)`,
        fix: `chmod 700 ${dir}`,
      },
    ]);

    const token = join(sandbox.root, 'credentials', 'oauth-token');
    chmodSync(token, 0o644);
    chmodSync(join(dir, 'config'), 0o777);
    ({ code, findings } = await doctor());
    expect(code).toBe(1);
    expect(permissions().map((finding) => [finding.status, finding.fix])).toEqual([
      ['fail', `chmod 600 ${token}`],
      ['warn', `chmod 700 ${dir}`],
      ['fail', `chmod 700 ${join(dir, 'config')}`],
    ]);

    chmodSync(token, 0o600);
    chmodSync(dir, 0o700);
    chmodSync(join(dir, 'config'), 0o700);
    ({ code, findings } = await doctor());
    expect(permissions()).toEqual([]);
  });

  it('reports a corrupt record without crashing, and still checks the other sessions', async () => {
    await sandbox.run(['--name', 'torn', '--', '-p', 'x']);
    await sandbox.run(['--name', 'fine', '--', '-p', 'x']);
    const torn = idOf('torn');
    writeFileSync(join(sessionDir(torn), 'session.json'), '{"schema": 1, "id": ');

    const { code, findings } = await doctor();
    expect(code).toBe(1);
    expect(findings.find((finding) => finding.check === 'records')).toEqual({
      check: 'records',
      status: 'fail',
      session: torn,
      message: `session ${torn.slice(0, 8)}: session.json is not valid JSON`,
      fix: `inspect ${sessionDir(torn)}/session.json, or remove the session: rm -r ${sessionDir(torn)}`,
    });
    expect(findings.find((finding) => finding.check === 'shared-links')?.message).toBe(
      'shared links intact in 1 session(s)',
    );
    const human = await sandbox.run(['doctor']);
    expect(human.code).toBe(1);
    expect(human.stderr).toBe('');
  });

  it("finds a session's conversation in the base, and a live session writing into the base", async () => {
    await sandbox.run(['--name', 'old', '--', '-p', 'x'], { cwd: sandbox.dir });
    const config = join(sessionDir(idOf('old')), 'config');
    const [folder] = readdirSync(join(config, 'projects')) as [string];
    const [transcript] = readdirSync(join(config, 'projects', folder)) as [string];
    mkdirSync(join(sandbox.base, 'projects', folder), { recursive: true });
    copyFileSync(
      join(config, 'projects', folder, transcript),
      join(sandbox.base, 'projects', folder, transcript),
    );
    const pid = await startRunning('live');
    const marker = join(sandbox.base, 'sessions', `${pid}.json`);
    mkdirSync(join(sandbox.base, 'sessions'));
    // A leftover of an earlier process with the same pid does not count...
    writeFileSync(marker, JSON.stringify({ pid, sessionId: 'x', startedAt: Date.now() - 3_600_000 }));
    let { findings } = await doctor();
    let writes = findings.filter((finding) => finding.check === 'base-writes');
    expect(writes.map((finding) => [finding.status, finding.session])).toEqual([['warn', idOf('old')]]);
    expect(writes[0]?.message).toContain(
      `1 of its conversation(s) are also in the base (~/.claude/projects/${folder}/${transcript})`,
    );

    // ...Claude's marker of this very process does.
    writeFileSync(marker, JSON.stringify({ pid, sessionId: 'abc', cwd: sandbox.dir, startedAt: Date.now() }));
    ({ findings } = await doctor());
    writes = findings.filter((finding) => finding.check === 'base-writes');
    expect(writes.find((finding) => finding.session === idOf('live'))).toMatchObject({
      status: 'fail',
      message: expect.stringContaining(
        `(pid ${pid}) is writing into ~/.claude: Claude's marker ~/.claude/sessions/${pid}.json`,
      ),
    });
  });

  it('prints {ok, findings} with --json, every problem with a fix', async () => {
    await sandbox.run(['--', '-p', 'x']);
    const result = await sandbox.run(['doctor', '--json']);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual(['ok', 'findings']);
    expect(typeof json.ok).toBe('boolean');
    for (const finding of json.findings as Finding[]) {
      for (const key of Object.keys(finding))
        expect(['check', 'status', 'message', 'fix', 'session']).toContain(key);
      expect(['ok', 'warn', 'fail']).toContain(finding.status);
      expect(finding.message.length).toBeGreaterThan(0);
      if (finding.status !== 'ok') expect(finding.fix).toBeTruthy();
    }
    // Running as root: nothing is protected, which doctor says (a warning, not a failure).
    if (process.getuid?.() === 0) {
      expect(json.findings).toContainEqual(expect.objectContaining({ check: 'protection', status: 'warn' }));
    }
  });
});
