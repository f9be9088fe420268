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

export function ordinaryUser(): TestUser | undefined {
  if (process.getuid?.() !== 0) return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  try {
    execFileSync('id', ['-u', TEST_USER], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', TEST_USER], {
        stdio: 'ignore',
      });
    } catch {
      // Another test file may have created it at the same moment.
    }
  }
  try {
    const uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', TEST_USER], { encoding: 'utf8' }).trim());
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
