import { rmSync } from 'node:fs';
import type { Services } from '../config/services.js';
import { readStoredToken } from '../configdir/login.js';
import { tokenFile } from '../store/layout.js';

/** `claude-session logout`: removes the token stored by `claude-session login`. */
export async function logout(services: Services): Promise<number> {
  const file = tokenFile(services.settings().root);
  const had = readStoredToken(file) !== undefined;
  rmSync(file, { force: true });
  services.out(had ? `removed the stored token (${file})\n` : 'no stored token\n');
  return 0;
}
