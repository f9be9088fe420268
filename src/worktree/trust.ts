import type { Answers } from '../configdir/answers.js';

/**
 * Whether Claude would start in `folder` without asking about trust: the base's `.claude.json`, or an
 * answer kept from a session, trusts it or a folder above it (Claude's rule: a trusted parent covers its
 * children). A session's worktree is trusted exactly when the checkout it was made from is: the user's
 * decision carried over to the same repository, never trust granted for one they never trusted.
 */
export function isTrusted(baseClaudeJson: unknown, answers: Answers, folder: string): boolean {
  const trusted: string[] = [];
  if (isObject(baseClaudeJson) && isObject(baseClaudeJson.projects)) {
    for (const [path, settings] of Object.entries(baseClaudeJson.projects)) {
      if (isObject(settings) && settings.hasTrustDialogAccepted === true) trusted.push(path);
    }
  }
  for (const [path, flags] of Object.entries(answers.folders)) {
    if (flags.includes('hasTrustDialogAccepted')) trusted.push(path);
  }
  return trusted.some((path) => covers(path, folder));
}

function covers(parent: string, folder: string): boolean {
  if (!parent.startsWith('/')) return false;
  if (parent === '/' || parent === folder) return true;
  return folder.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The answers with trust added for the worktree (a copy; the kept answers are not changed). */
export function withTrustFor(answers: Answers, folder: string): Answers {
  const flags = answers.folders[folder] ?? [];
  if (flags.includes('hasTrustDialogAccepted')) return answers;
  return { ...answers, folders: { ...answers.folders, [folder]: [...flags, 'hasTrustDialogAccepted'] } };
}
