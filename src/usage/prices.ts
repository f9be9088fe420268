import { createRequire } from 'node:module';
import type { Tokens } from './line.js';

/**
 * The price table: @pydantic/genai-prices, pinned exactly (package.json), with the data it was
 * published with; it works offline and is never updated at run time. scripts/build.mjs bundles it on
 * its own into dist/prices.cjs (about 480 KB), loaded only when a response must be priced: never on
 * the launch path, and not when every transcript is as the usage cache remembers it.
 */
export const PRICE_TABLE = {
  package: '@pydantic/genai-prices',
  version: '0.1.8',
  /** When that version was published on npm: its prices are as of about then. */
  published: '2026-09-23',
} as const;

export interface PriceTable {
  /**
   * The cost in US dollars of one API response, at the prices in force at `at` (some change on a date),
   * or null when the table has no price for the model. Each response is priced on its own: a tier
   * depends on the size of that request.
   */
  price(model: string, tokens: Tokens, at: number | null): number | null;
}

type Usage = Record<string, number>;
interface Genai {
  calcPrice(
    usage: Usage,
    model: string,
    options?: { providerId?: string; timestamp?: Date },
  ): { total_price: number } | null;
}

let genai: Genai | undefined;
let problem: string | undefined;

function load(): Genai | undefined {
  if (genai || problem) return genai;
  const requireHere = createRequire(import.meta.url);
  try {
    // Beside the bundle that runs (dist/program.cjs); from the sources, the package itself.
    genai = requireHere('./prices.cjs') as Genai;
  } catch {
    try {
      genai = requireHere(PRICE_TABLE.package) as Genai;
    } catch (error) {
      problem = `the price table could not be loaded (${String(error).split('\n')[0]}): reinstall claude-sessions`;
    }
  }
  return genai;
}

/** Why every cost is unknown, when the table was needed and could not be loaded (it is not loaded here). */
export function priceTableProblem(): string | undefined {
  return problem;
}

/** The table, loaded on the first price asked for. */
export function lazyPriceTable(): PriceTable {
  return {
    price(model, tokens, at) {
      const table = load();
      if (!table) return null;
      // The table wants input_tokens as the TOTAL input, cache reads and writes included; the cache
      // kinds are parts of it, priced at their own rates (the 1-hour writes apart from the 5-minute ones).
      const usage: Usage = {
        input_tokens: tokens.input + tokens.cacheWrite + tokens.cacheRead,
        cache_write_tokens: tokens.cacheWrite,
        cache_read_tokens: tokens.cacheRead,
        output_tokens: tokens.output,
      };
      if (tokens.cacheWrite1h > 0) usage.cache_write_1h_tokens = tokens.cacheWrite1h;
      if (tokens.webSearches > 0) usage.web_searches = tokens.webSearches;
      const timestamp = at === null ? undefined : new Date(at);
      try {
        // Anthropic's own models first; a model of another provider (Claude Code pointed at another
        // API) is looked up in the whole table.
        const result =
          table.calcPrice(usage, model, { providerId: 'anthropic', timestamp }) ??
          table.calcPrice(usage, model, { timestamp });
        return result && Number.isFinite(result.total_price) ? result.total_price : null;
      } catch {
        // The table refuses figures it finds inconsistent: no price rather than a wrong one.
        return null;
      }
    },
  };
}
