// Transcript lines in the shape the real Claude Code 2.1.332 writes them (copied from
// test/fixtures/claude-2.1.332/usage/, which it wrote against the fake API), with the figures a test
// chooses: for the usage accounting's tests and benchmarks.

export interface AssistantOptions {
  id: string;
  requestId?: string | null;
  model?: string;
  timestamp?: string;
  cwd?: string;
  input?: number;
  output?: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
  cacheRead?: number;
  webSearches?: number;
  /** The content block this line holds: Claude writes one line per block of a response. */
  block?: 'text' | 'tool_use' | 'thinking';
  sessionId?: string;
  /** Extra text in the block, to make a line as long as real ones get. */
  text?: string;
}

export function assistantLine(options: AssistantOptions): string {
  const {
    id,
    requestId = `req_${id}`,
    model = 'claude-opus-5-5',
    timestamp = '2026-12-03T13:08:45.119Z',
    cwd = '/tmp/usx/proj',
    input = 1234,
    output = 42,
    cacheWrite = 567,
    cacheWrite1h = 0,
    cacheRead = 89,
    webSearches = 0,
    block = 'text',
    sessionId = '2dba4ea3-a048-406d-a4ba-910e1964c27a',
    text = 'FAKE-REPLY-OK',
  } = options;
  const content =
    block === 'tool_use'
      ? [{ type: 'tool_use', id: `toolu_${id}`, name: 'Bash', input: { command: 'echo hi' } }]
      : block === 'thinking'
        ? [{ type: 'thinking', thinking: text, signature: '' }]
        : [{ type: 'text', text }];
  return JSON.stringify({
    parentUuid: 'd01023bb-47db-449d-a13d-dee67b7aaf32',
    isSidechain: false,
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: block === 'tool_use' ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: input,
        cache_creation_input_tokens: cacheWrite,
        cache_read_input_tokens: cacheRead,
        output_tokens: output,
        output_tokens_details: { thinking_tokens: 0 },
        server_tool_use: { web_search_requests: webSearches, web_fetch_requests: 0 },
        service_tier: 'standard',
        cache_creation: {
          ephemeral_1h_input_tokens: cacheWrite1h,
          ephemeral_5m_input_tokens: cacheWrite - cacheWrite1h,
        },
        inference_geo: '',
        iterations: [],
        speed: 'standard',
        fallback_credit: null,
      },
      stop_details: null,
    },
    apiBlockIndex: 0,
    ...(requestId === null ? {} : { requestId }),
    requestRef: '5ca8feb3-541b-4145-811c-52209797a970',
    requestedModel: model,
    promptCacheRequested: '5m',
    type: 'assistant',
    uuid: `uuid-${id}-${block}`,
    timestamp,
    effort: 'medium',
    perTurnEffort: 'medium',
    madeBy: 'model',
    userType: 'external',
    entrypoint: 'sdk-cli',
    cwd,
    sessionId,
    version: '2.1.332',
    gitBranch: 'HEAD',
  });
}

export interface ClaudeFigures {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  costUSD: number;
}

/** Claude's own running account of a conversation, as it writes it after a turn and at exit. */
export function costStateLine(models: Record<string, ClaudeFigures>, sessionId = 'conv'): string {
  const total = Object.values(models).reduce((sum, m) => sum + m.costUSD, 0);
  return JSON.stringify({
    type: 'cost-state',
    sessionId,
    totalCostUSD: total,
    totalAPIDuration: 265,
    totalAPIDurationWithoutRetries: 242,
    totalToolDuration: 39,
    totalLinesAdded: 0,
    totalLinesRemoved: 0,
    totalDuration: 1070,
    startTime: 1796303324223,
    modelUsage: Object.fromEntries(
      Object.entries(models).map(([model, m]) => [
        model,
        {
          inputTokens: m.input,
          outputTokens: m.output,
          thinkingTokens: 0,
          cacheReadInputTokens: m.cacheRead,
          cacheCreationInputTokens: m.cacheWrite,
          cacheCreationEphemeral5mInputTokens: m.cacheWrite,
          cacheCreationEphemeral1hInputTokens: 0,
          webSearchRequests: 0,
          costUSD: m.costUSD,
        },
      ]),
    ),
    hasUnknownModelCost: false,
  });
}

/** A user line (a prompt), as long as `pad` makes it: the bulk of a transcript that usage skips. */
export function userLine(text: string, pad = 0): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    type: 'user',
    message: { role: 'user', content: `${text}${'x'.repeat(pad)}` },
    uuid: 'a1d2c3b4-0000-4000-8000-000000000000',
    timestamp: '2026-12-03T13:08:44.000Z',
    userType: 'external',
    entrypoint: 'cli',
    cwd: '/tmp/usx/proj',
    sessionId: '2dba4ea3-a048-406d-a4ba-910e1964c27a',
    version: '2.1.332',
  });
}
