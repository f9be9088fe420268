/**
 * What `resume` tells Claude about the conversation to go on with. Pure: the facts are gathered in
 * commands/resume.ts.
 */
export interface ConversationFacts {
  /** Named by the user (`resume UUID`): exactly this one. */
  named?: string;
  /** The user's own arguments choose one (--continue, --resume, --session-id): theirs wins. */
  chosenByArgs: boolean;
  /** The latest conversation in the folder Claude starts in: the one `claude --continue` takes. */
  inCwd?: string;
  /** The latest conversation anywhere in the session's config dir. */
  latest?: string;
  /** For a fork: the conversation it was forked from (a copy of it is in the fork's config dir). */
  forkedFrom?: string;
}

export type ConversationChoice =
  | { how: 'named' | 'continue' | 'latest' | 'fork'; args: string[] }
  | { how: 'theirs' | 'none'; args: [] };

export function whichConversation(facts: ConversationFacts): ConversationChoice {
  if (facts.named !== undefined) return { how: 'named', args: ['--resume', facts.named] };
  if (facts.chosenByArgs) return { how: 'theirs', args: [] };
  // A fork whose Claude ended before its first prompt has written nothing of its own yet: --continue
  // would go on in the copy, under its source's uuid, so it is forked again.
  if (facts.forkedFrom !== undefined && (facts.inCwd ?? facts.latest) === facts.forkedFrom) {
    return { how: 'fork', args: ['--resume', facts.forkedFrom, '--fork-session'] };
  }
  if (facts.inCwd !== undefined) return { how: 'continue', args: ['--continue'] };
  // Claude's own `-w NAME` keeps the transcript in its worktree's folder, where --continue from the
  // session's directory does not look; --resume finds it anywhere in the config dir, and Claude goes
  // back into that worktree itself (the transcript's `worktree-state`).
  if (facts.latest !== undefined) return { how: 'latest', args: ['--resume', facts.latest] };
  return { how: 'none', args: [] };
}
