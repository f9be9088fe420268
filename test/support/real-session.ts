// What the tests of sessions with the real Claude Code share: the environment that points it at the
// fake API, the base's trust, and reading a session's tmux pane.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeAnthropic } from './fake-anthropic.js';
import type { Sandbox } from './sandbox.js';

/** Claude's prompt box, ready for input: a rule, then the `❯` prompt. */
export const PROMPT_READY = /^─{20,}\n❯/m;

/**
 * The sandbox's environment for the real Claude against the fake API. `login`: ANTHROPIC_AUTH_TOKEN
 * (never asked about), or an ANTHROPIC_API_KEY nobody approved yet (Claude asks at start).
 */
export function realEnv(
  sandbox: Sandbox,
  claude: string,
  api: FakeAnthropic,
  login: 'token' | 'api-key' = 'token',
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  return sandbox.env({
    CLAUDE_SESSION_CLAUDE: claude,
    ANTHROPIC_BASE_URL: api.url,
    ...(login === 'token'
      ? { ANTHROPIC_AUTH_TOKEN: 'test-token' }
      : { ANTHROPIC_API_KEY: 'sk-ant-api03-never-approved-0123456789abcdef' }),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
    FAKE_CLAUDE_LOG: undefined,
    ...extra,
  });
}

/** The user trusted these folders in their own Claude configuration once; sessions carry that over. */
export function trustInBase(sandbox: Sandbox, ...folders: string[]): void {
  const file = join(sandbox.home, '.claude.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  json.projects = Object.fromEntries(folders.map((folder) => [folder, { hasTrustDialogAccepted: true }]));
  writeFileSync(file, JSON.stringify(json));
}

/** What a session's tmux pane shows now. */
export function pane(sandbox: Sandbox, id: string): string {
  return sandbox.tmux('capture-pane', '-p', '-t', `=${id}:`).stdout;
}
