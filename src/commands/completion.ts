import type { Shell } from '../completion/complete.js';
import { completionScript } from '../completion/scripts.js';
import type { Services } from '../config/services.js';

/** `claude-session completion bash|zsh|fish`: prints the shell's completion script. */
export function completion(services: Services, shell: Shell): number {
  services.out(completionScript(shell));
  return 0;
}
