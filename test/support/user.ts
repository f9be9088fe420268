import { execFileSync } from 'node:child_process';
import { chownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Root ignores permission bits, so tests of permission-based protection run the CLI as an ordinary user,
 * created once (tests and CI run as root).
 */
export const TEST_USER = 'cs-test';

export interface TestUser {
  uid: number;
  gid: number;
}

/**
 * An ordinary user to run as: `name` (created once), or, when the tests do not run as root, ourselves for
 * the default test user and none for any other (only root can act as a second user).
 */
export function ordinaryUser(name = TEST_USER): TestUser | undefined {
  if (process.getuid?.() !== 0) {
    return name === TEST_USER ? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 } : undefined;
  }
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', name], {
        stdio: 'ignore',
      });
    } catch {
      // Another test file may have created it at the same moment.
    }
  }
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** Hands a tree to the user, without following links. */
export function chownTree(path: string, user: TestUser): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  chownSync(path, user.uid, user.gid);
  if (stat.isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), user);
}
