/**
 * One line of a Claude Code transcript, as far as usage goes. Pure.
 *
 * An assistant line carries `message.usage` of the API response it belongs to (Claude Code 2.1.332):
 * `input_tokens` (uncached input), `cache_creation_input_tokens` (with `cache_creation.
 * {ephemeral_5m_input_tokens, ephemeral_1h_input_tokens}`), `cache_read_input_tokens`, `output_tokens`,
 * `server_tool_use.web_search_requests`, with `message.model`, `message.id` and the response's
 * `requestId`. Claude writes one line per content block of a response, and while a response streams
 * `output_tokens` grows from one of those lines to the next (ccusage/ccusage#901): the lines of one
 * response share message.id + requestId, and its largest figures are the final ones.
 *
 * A `cost-state` line is Claude's own running account of the conversation: `modelUsage[model]` with its
 * tokens and `costUSD`, cumulative over the conversation (a resume carries it on, so does a fork).
 */

export interface Tokens {
  /** Input not read from or written to the cache. */
  input: number;
  output: number;
  /** Cache writes, all durations. */
  cacheWrite: number;
  /** The part of cacheWrite kept for an hour (priced higher than the 5-minute kind). */
  cacheWrite1h: number;
  cacheRead: number;
  webSearches: number;
}

export interface Response {
  kind: 'response';
  /** message.id and requestId: the same for every line of one API response; null without a message id. */
  key: string | null;
  model: string;
  /** The working directory Claude recorded for the line; '' when it did not. */
  cwd: string;
  /** The line's timestamp in ms, or null when it has none that parses. */
  at: number | null;
  tokens: Tokens;
}

/** Claude's own figures for one model, from a cost-state line. */
export interface ClaudeModelCost {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  costUSD: number;
}

export interface CostState {
  kind: 'cost-state';
  models: Record<string, ClaudeModelCost>;
}

export type Line = Response | CostState | { kind: 'other' } | { kind: 'corrupt' };

/**
 * Lines worth parsing contain one of these, as Claude writes them (compact JSON); the others, most of a
 * transcript's bytes (requests, attachments, tool results), are skipped unparsed.
 */
export const MARKERS = ['"type":"assistant"', '"type":"cost-state"'] as const;

/** What Claude writes for its own messages (an API error, an interrupted turn): no API response. */
const SYNTHETIC_MODEL = '<synthetic>';

export function parseLine(text: string): Line {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'corrupt' };
  }
  if (!isObject(value)) return { kind: 'corrupt' };
  if (value.type === 'assistant') return response(value);
  if (value.type === 'cost-state') return costState(value);
  return { kind: 'other' };
}

function response(line: Record<string, unknown>): Line {
  const message = line.message;
  if (!isObject(message)) return { kind: 'corrupt' };
  const usage = message.usage;
  if (usage === undefined || usage === null) return { kind: 'other' };
  if (!isObject(usage) || typeof message.model !== 'string' || message.model === '')
    return { kind: 'corrupt' };
  if (message.model === SYNTHETIC_MODEL) return { kind: 'other' };
  const cacheCreation = isObject(usage.cache_creation) ? usage.cache_creation : {};
  const serverTools = isObject(usage.server_tool_use) ? usage.server_tool_use : {};
  const tokens: Tokens = {
    input: count(usage.input_tokens),
    output: count(usage.output_tokens),
    cacheWrite: count(usage.cache_creation_input_tokens),
    cacheWrite1h: count(cacheCreation.ephemeral_1h_input_tokens),
    cacheRead: count(usage.cache_read_input_tokens),
    webSearches: count(serverTools.web_search_requests),
  };
  if (Object.values(tokens).some(Number.isNaN)) return { kind: 'corrupt' };
  // The 1-hour writes are a part of all writes; figures that say otherwise are priced as 5-minute ones.
  if (tokens.cacheWrite1h > tokens.cacheWrite) tokens.cacheWrite1h = 0;
  const id = typeof message.id === 'string' && message.id !== '' ? message.id : null;
  const requestId = typeof line.requestId === 'string' ? line.requestId : '';
  const at = typeof line.timestamp === 'string' ? Date.parse(line.timestamp) : Number.NaN;
  return {
    kind: 'response',
    key: id === null ? null : `${id}:${requestId}`,
    model: message.model,
    cwd: typeof line.cwd === 'string' ? line.cwd : '',
    at: Number.isFinite(at) ? at : null,
    tokens,
  };
}

function costState(line: Record<string, unknown>): Line {
  if (!isObject(line.modelUsage)) return { kind: 'corrupt' };
  const models: Record<string, ClaudeModelCost> = {};
  for (const [model, usage] of Object.entries(line.modelUsage)) {
    if (!isObject(usage)) return { kind: 'corrupt' };
    const figures: ClaudeModelCost = {
      input: count(usage.inputTokens),
      output: count(usage.outputTokens),
      cacheWrite: count(usage.cacheCreationInputTokens),
      cacheRead: count(usage.cacheReadInputTokens),
      costUSD: typeof usage.costUSD === 'number' && usage.costUSD >= 0 ? usage.costUSD : Number.NaN,
    };
    if (Object.values(figures).some(Number.isNaN)) return { kind: 'corrupt' };
    models[model] = figures;
  }
  return { kind: 'cost-state', models };
}

/** A token count: a whole number >= 0; absent is 0; anything else NaN (the line is corrupt). */
function count(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : Number.NaN;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
