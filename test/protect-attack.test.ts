import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO, type Result, Sandbox } from './support/sandbox.js';
import { chownTree, ordinaryUser, type TestUser } from './support/user.js';

/**
 * Issue 10, item 1: the victim's shared agents are a link to a tree another ordinary user can write (a
 * team checkout), and the victim's shared skills hold a drop box (root's, writable by all) with files of
 * the victim's in it. For a bounded time one attacker process flips directories (the team tree to a link
 * to the victim's HOME, a skills directory to a link to the victim's notes, named alike) and another swaps
 * files for links to the victim's credentials, ~/.bashrc and ~/.ssh/authorized_keys, while the victim
 * starts sessions, unlocks and locks. No file of the victim's outside the shared trees may change its
 * mode. The directory of 1000 files makes each walk long enough to be interrupted by the flips on this
 * 2-core machine (a walk that changes modes by name loses to them). Two ordinary users, so
 * root only (root ignores permission bits and is the only one who can act as both). Nothing here
 * depends on fs.protected_symlinks (no link sits in a sticky world-writable directory) or on
 * fs.protected_hardlinks (a hard link the attacker manages to make is left alone by the walk).
 */
const ATTACKER_SCRIPT = join(REPO, 'test', 'support', 'attacker.mjs');
const ATTACK_MS = 15_000;
const SHARED = ['skills', 'agents', 'commands', 'rules', 'output-styles', 'CLAUDE.md'];

let sandbox: Sandbox;
let victim: TestUser;
let attacker: TestUser;
const attackers: ChildProcess[] = [];
beforeEach(() => {
  sandbox = new Sandbox();
  victim = ordinaryUser() as TestUser;
  attacker = ordinaryUser('cs-attacker') as TestUser;
});
afterEach(async () => {
  for (const child of attackers.splice(0)) child.kill('SIGKILL');
  await sandbox.killSessions();
  sandbox.cleanup();
});

/** The mode of every path under HOME but the shared trees, which are the protection's to change. */
function modesOutsideSharedTrees(): Record<string, string> {
  const skip = new Set(SHARED.map((name) => join(sandbox.base, name)));
  const modes: Record<string, string> = {};
  const walk = (path: string) => {
    if (skip.has(path)) return;
    const stat = lstatSync(path);
    modes[relative(sandbox.dir, path) || '.'] = (stat.mode & 0o7777).toString(8);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(sandbox.home);
  return modes;
}

/** Runs test/support/attacker.mjs as the attacker; `done` resolves when it exits. */
function startAttacker(plan: unknown, cwd: string) {
  const child = spawn(process.execPath, [ATTACKER_SCRIPT, JSON.stringify(plan)], {
    cwd,
    uid: attacker.uid,
    gid: attacker.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  attackers.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

describe.skipIf(process.getuid?.() !== 0)('shared protection against another user', () => {
  it(
    'changes no mode outside the shared trees while an attacker swaps entries for links to the victim’s files',
    async () => {
      const home = sandbox.home;
      const credentials = join(sandbox.base, '.credentials.json');
      const bashrc = join(home, '.bashrc');
      const keys = join(home, '.ssh', 'authorized_keys');
      writeFileSync(credentials, '{"claudeAiOauth":{"accessToken":"victim-token"}}\n');
      writeFileSync(bashrc, 'alias ll="ls -l"\n');
      mkdirSync(join(home, '.ssh'));
      writeFileSync(keys, 'ssh-ed25519 AAAA victim@host\n');
      // Notes named like the skills below, so that a walk that goes by name lands on them.
      const noteNames = Array.from({ length: 1000 }, (_, i) => `note-${i}.md`);
      mkdirSync(join(home, 'notes'));
      for (const name of noteNames) writeFileSync(join(home, 'notes', name), 'my note\n');
      // The victim's team agents: a link to a checkout in a directory the attacker owns.
      const teamDir = join(sandbox.dir, 'attacker');
      const teamAgents = join(teamDir, 'agents');
      rmSync(join(sandbox.base, 'agents'), { recursive: true });
      mkdirSync(teamAgents, { recursive: true });
      const agentFiles = Array.from({ length: 10 }, (_, i) => join(teamAgents, `agent-${i}.md`));
      for (const file of agentFiles) writeFileSync(file, '---\nname: team\n---\n');
      symlinkSync(teamAgents, join(sandbox.base, 'agents'));
      // A drop box in the victim's skills, holding skills of the victim's.
      const drop = join(sandbox.base, 'skills', 'drop');
      mkdirSync(join(drop, 'sub'), { recursive: true });
      const dropFiles = Array.from({ length: 10 }, (_, i) => join(drop, `skill-${i}.md`));
      for (const file of dropFiles) writeFileSync(file, 'a skill\n');
      for (const name of noteNames) writeFileSync(join(drop, 'sub', name), 'a skill\n');

      chownTree(sandbox.dir, victim);
      chownTree(teamDir, attacker);
      for (const file of agentFiles) chmodSync(file, 0o777);
      chownSync(drop, 0, 0);
      chmodSync(drop, 0o777);
      chmodSync(credentials, 0o600);
      chmodSync(bashrc, 0o640);
      chmodSync(join(home, '.ssh'), 0o700);
      chmodSync(keys, 0o600);
      const before = modesOutsideSharedTrees();

      const targets = [credentials, bashrc, keys];
      const files = dropFiles.map((path, i) => ({ path, target: targets[i % targets.length] }));
      const dirs = [
        { path: teamAgents, target: home },
        { path: join(drop, 'sub'), target: join(home, 'notes') },
      ];
      const hardlinks = [
        { from: bashrc, to: join(drop, 'hard-bashrc') },
        { from: credentials, to: join(drop, 'hard-credentials') },
      ];
      // One attacker flips directories, the other swaps files (none inside those directories): each as
      // often as it can.
      const plans = [
        { durationMs: ATTACK_MS, files: [], dirs, hardlinks },
        { durationMs: ATTACK_MS, files, dirs: [], hardlinks: [] },
      ];
      const running = plans.map((plan) => startAttacker(plan, teamDir));
      let attackOver = false;
      const reports = Promise.all(running.map((attacker) => attacker.done)).then((done) => {
        attackOver = true;
        return done;
      });

      const starts: Result[] = [];
      const changes: Result[] = [];
      while (!attackOver) {
        starts.push(await sandbox.run(['--', '-p', 'x'], { asUser: victim }));
        changes.push(await sandbox.run(['shared', 'unlock'], { asUser: victim }));
        changes.push(await sandbox.run(['shared', 'lock'], { asUser: victim }));
      }
      for (const { code, stdout, stderr } of await reports) {
        expect(code, stderr).toBe(0);
        expect((JSON.parse(stdout) as { swaps: number }).swaps).toBeGreaterThan(0);
      }

      const after = modesOutsideSharedTrees();
      expect(Object.fromEntries(Object.keys(before).map((path) => [path, after[path]]))).toEqual(before);
      expect(readFileSync(credentials, 'utf8')).toContain('victim-token');

      for (const result of starts) {
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toContain(`not protected: shared agents leads through ${teamDir}`);
      }
      for (const result of changes) {
        // The link to the attacker's tree is refused every time, so neither command can claim success.
        expect(result.code, result.stderr).toBe(1);
        expect(result.stderr).toContain(`not protected: shared agents leads through ${teamDir}`);
        expect(result.stderr).not.toContain('internal error');
      }

      // The walk did reach into the drop box: once the attack is over, a lock protects the victim's skills there.
      await sandbox.run(['shared', 'lock'], { asUser: victim });
      expect(statSync(dropFiles[0] as string).mode & 0o777).toBe(0o444);
      expect(statSync(join(drop, 'sub', 'note-0.md')).mode & 0o777).toBe(0o444);
      expect(statSync(drop).mode & 0o777).toBe(0o777);

      const doctor = await sandbox.run(['doctor', '--json'], { asUser: victim });
      const findings = (
        JSON.parse(doctor.stdout) as { findings: { check: string; status: string; message: string }[] }
      ).findings;
      expect(findings).toContainEqual(
        expect.objectContaining({
          check: 'protection',
          status: 'warn',
          message: expect.stringContaining(
            `shared agents leads through ${teamDir}, which belongs to another user`,
          ),
        }),
      );
      const status = JSON.parse(
        (await sandbox.run(['shared', 'status', '--json'], { asUser: victim })).stdout,
      );
      expect(status).toMatchObject({ root: false, protected: false, refused: [{ name: 'agents' }] });
    },
    ATTACK_MS + 90_000,
  );
});
