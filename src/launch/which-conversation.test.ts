import { describe, expect, it } from 'vitest';
import { type ConversationFacts, whichConversation } from './which-conversation.js';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';

describe('whichConversation', () => {
  const cases: [string, ConversationFacts, string, string[]][] = [
    ['nothing yet', { chosenByArgs: false }, 'none', []],
    ['one in its folder', { chosenByArgs: false, inCwd: A, latest: A }, 'continue', ['--continue']],
    [
      'its folder wins over a later one elsewhere (as --continue has always done)',
      { chosenByArgs: false, inCwd: A, latest: B },
      'continue',
      ['--continue'],
    ],
    [
      "only elsewhere (Claude's own -w worktree)",
      { chosenByArgs: false, latest: B },
      'latest',
      ['--resume', B],
    ],
    ['named by the user', { named: C, chosenByArgs: false, inCwd: A }, 'named', ['--resume', C]],
    ['their own --continue or --resume', { chosenByArgs: true, inCwd: A }, 'theirs', []],
    [
      'a fork that never forked: forked again',
      { chosenByArgs: false, inCwd: A, latest: A, forkedFrom: A },
      'fork',
      ['--resume', A, '--fork-session'],
    ],
    [
      'a fork with its own conversation: continued',
      { chosenByArgs: false, inCwd: B, latest: B, forkedFrom: A },
      'continue',
      ['--continue'],
    ],
    [
      'a fork whose copy is elsewhere only',
      { chosenByArgs: false, latest: A, forkedFrom: A },
      'fork',
      ['--resume', A, '--fork-session'],
    ],
    [
      'a fork resumed with a conversation named',
      { named: A, chosenByArgs: false, inCwd: A, forkedFrom: A },
      'named',
      ['--resume', A],
    ],
    ['a fork with their own arguments', { chosenByArgs: true, inCwd: A, forkedFrom: A }, 'theirs', []],
  ];
  it.each(cases)('%s', (_, facts, how, args) => {
    expect(whichConversation(facts)).toEqual({ how, args });
  });
});
