import { describe, expect, it } from 'vitest';
import { conversationLines, messagesOf } from './conversation-end.js';

describe('messagesOf', () => {
  it('keeps the text of user and assistant messages, skips the rest', () => {
    const lines = [
      JSON.stringify({ type: 'user', message: { content: 'hello there' } }),
      JSON.stringify({ type: 'user', isMeta: true, message: { content: 'meta' } }),
      JSON.stringify({ type: 'summary', summary: 'x' }),
      '{not json',
      JSON.stringify({
        type: 'assistant',
        message: {
          content: [
            { type: 'thinking', thinking: 'hm' },
            { type: 'text', text: 'hi!' },
          ],
        },
      }),
      JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', content: 'x' }] } }),
    ];
    expect(messagesOf(lines)).toEqual([
      { who: 'you', text: 'hello there' },
      { who: 'claude', text: 'hi!' },
    ]);
  });
});

describe('conversationLines', () => {
  it('wraps each message to the width, the prompts marked', () => {
    expect(
      conversationLines(
        [
          { who: 'you', text: 'run the tests' },
          { who: 'claude', text: 'all ten pass now' },
        ],
        10,
      ),
    ).toEqual(['> run the', '  tests', '', '  all ten', '  pass now', '']);
  });
});
