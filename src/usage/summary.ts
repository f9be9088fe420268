import type { Bucket, FileState } from './ledger.js';
import type { ClaudeModelCost } from './line.js';

/**
 * Totals for people and scripts, from the buckets of one or more config dirs. Pure.
 *
 * A cost comes from the price table, response by response (costSource 'table'). For a model the table
 * does not know, Claude's own figure fills in (costSource 'claude'), but only where it provably covers
 * exactly the responses counted: Claude keeps one running account per conversation (the cost-state
 * lines), so its figure is used when the tokens it counted for that model in the config dir are the
 * tokens counted here (a fork carries its parent's account on, a crash loses the last of it: then the
 * figures differ and the cost stays unknown), and the group asked for holds all of that model's
 * responses of that config dir (a day, when they were all on that day). Otherwise the cost is null:
 * unknown, never guessed. Where the table priced a model and Claude's figure covers the same tokens,
 * it is given beside it (claudeCostUSD) as a check.
 */

export type CostSource = 'table' | 'claude' | 'mixed';

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  /** US dollars; null when unknown (no price for the model, and no figure of Claude's that fits). */
  costUSD: number | null;
  /** Where costUSD comes from; null when it is null. */
  costSource: CostSource | null;
  /** Claude's own figure for the same responses, where it has one that covers exactly them. */
  claudeCostUSD: number | null;
  /** API responses counted. */
  responses: number;
}

export interface UsageFigures {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  /** US dollars; null when the cost of some model is unknown (see models). */
  costUSD: number | null;
  costSource: CostSource | null;
  /** By model id, as the transcripts name them. */
  models: Record<string, ModelUsage>;
}

/** A session's usage as `list --json` and `show` give it: tokens by kind, cost, and per model. */
export interface SessionUsage extends UsageFigures {
  /** Transcript lines that could not be read (corrupt JSON, impossible figures): skipped. */
  corruptLines: number;
}

/** What the given transcripts add up to, as one group. */
export function usageOfFiles(files: Iterable<FileState>): SessionUsage {
  const list = [...files];
  const figures = summarize([{ files: list }], () => 'all').get('all');
  return {
    ...(figures ?? emptyFigures()),
    corruptLines: list.reduce((sum, file) => sum + file.corrupt, 0),
  };
}

/** The transcripts of one config dir (a session's, or the base). */
export interface UsageSource {
  files: Iterable<FileState>;
}

/** The group a bucket counts in, or undefined to leave it out (before --since). */
export type GroupOf<S extends UsageSource> = (source: S, bucket: Bucket) => string | undefined;

const OUTSIDE = '\u0000outside';

interface Tally {
  responses: number;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  costUSD: number;
  unpriced: number;
}

const emptyTally = (): Tally => ({
  responses: 0,
  input: 0,
  output: 0,
  cacheWrite: 0,
  cacheRead: 0,
  costUSD: 0,
  unpriced: 0,
});

export function emptyFigures(): UsageFigures {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheWriteTokens: 0,
    cacheReadTokens: 0,
    costUSD: 0,
    costSource: null,
    models: {},
  };
}

export function summarize<S extends UsageSource>(
  sources: S[],
  groupOf: GroupOf<S>,
): Map<string, UsageFigures> {
  const groups = new Map<string, Map<string, ModelUsage>>();
  for (const source of sources) {
    for (const [group, models] of summarizeSource(source, groupOf)) {
      let merged = groups.get(group);
      if (!merged) {
        merged = new Map();
        groups.set(group, merged);
      }
      for (const [model, usage] of models) {
        const before = merged.get(model);
        merged.set(model, before ? mergeModel(before, usage) : usage);
      }
    }
  }
  const result = new Map<string, UsageFigures>();
  for (const [group, models] of groups) result.set(group, figuresOf(models));
  return result;
}

function summarizeSource<S extends UsageSource>(
  source: S,
  groupOf: GroupOf<S>,
): Map<string, Map<string, ModelUsage>> {
  const files = [...source.files];
  // Per model: all its responses in this config dir, and the groups they fall in.
  const whole = new Map<string, { tally: Tally; groups: Set<string> }>();
  const tallies = new Map<string, Map<string, Tally>>();
  for (const file of files) {
    for (const bucket of file.buckets.values()) {
      const group = groupOf(source, bucket) ?? OUTSIDE;
      let model = whole.get(bucket.model);
      if (!model) {
        model = { tally: emptyTally(), groups: new Set() };
        whole.set(bucket.model, model);
      }
      addBucket(model.tally, bucket);
      model.groups.add(group);
      if (group === OUTSIDE) continue;
      let byModel = tallies.get(group);
      if (!byModel) {
        byModel = new Map();
        tallies.set(group, byModel);
      }
      let tally = byModel.get(bucket.model);
      if (!tally) {
        tally = emptyTally();
        byModel.set(bucket.model, tally);
      }
      addBucket(tally, bucket);
    }
  }
  const claims = claudeClaims(files);
  const result = new Map<string, Map<string, ModelUsage>>();
  for (const [group, byModel] of tallies) {
    const models = new Map<string, ModelUsage>();
    for (const [model, tally] of byModel) {
      const all = whole.get(model);
      const claim = claims.get(model);
      const fits =
        claim !== undefined && all !== undefined && covers(claim, all.tally) && all.groups.size === 1;
      const claudeCost = fits ? claim.costUSD : null;
      const tableCost = tally.unpriced === 0 ? tally.costUSD : null;
      const cost = tableCost ?? claudeCost;
      models.set(model, {
        inputTokens: tally.input,
        outputTokens: tally.output,
        cacheWriteTokens: tally.cacheWrite,
        cacheReadTokens: tally.cacheRead,
        costUSD: cost,
        costSource: tableCost !== null ? 'table' : claudeCost !== null ? 'claude' : null,
        claudeCostUSD: claudeCost,
        responses: tally.responses,
      });
    }
    result.set(group, models);
  }
  return result;
}

/** Claude's figures per model over the config dir: the latest account of each conversation, added up. */
function claudeClaims(files: FileState[]): Map<string, ClaudeModelCost> {
  const claims = new Map<string, ClaudeModelCost>();
  for (const file of files) {
    for (const [model, figures] of Object.entries(file.claude ?? {})) {
      const claim = claims.get(model) ?? { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, costUSD: 0 };
      claim.input += figures.input;
      claim.output += figures.output;
      claim.cacheWrite += figures.cacheWrite;
      claim.cacheRead += figures.cacheRead;
      claim.costUSD += figures.costUSD;
      claims.set(model, claim);
    }
  }
  return claims;
}

function covers(claim: ClaudeModelCost, tally: Tally): boolean {
  return (
    claim.input === tally.input &&
    claim.output === tally.output &&
    claim.cacheWrite === tally.cacheWrite &&
    claim.cacheRead === tally.cacheRead
  );
}

function addBucket(tally: Tally, bucket: Bucket): void {
  tally.responses += bucket.responses;
  tally.input += bucket.input;
  tally.output += bucket.output;
  tally.cacheWrite += bucket.cacheWrite;
  tally.cacheRead += bucket.cacheRead;
  tally.costUSD += bucket.costUSD;
  tally.unpriced += bucket.unpriced;
}

function sumOrNull(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

export function combineSources(a: CostSource | null, b: CostSource | null): CostSource | null {
  if (a === null) return b;
  if (b === null) return a;
  return a === b ? a : 'mixed';
}

function mergeModel(a: ModelUsage, b: ModelUsage): ModelUsage {
  const costUSD = sumOrNull(a.costUSD, b.costUSD);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    costUSD,
    costSource: costUSD === null ? null : combineSources(a.costSource, b.costSource),
    claudeCostUSD: sumOrNull(a.claudeCostUSD, b.claudeCostUSD),
    responses: a.responses + b.responses,
  };
}

/** Dollars to a hundred-millionth: sums of many small prices carry floating-point noise beyond that. */
export function roundUSD(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}

function figuresOf(models: Map<string, ModelUsage>): UsageFigures {
  const figures = emptyFigures();
  let known = true;
  let cost = 0;
  for (const [model, usage] of [...models].sort(([a], [b]) => a.localeCompare(b))) {
    figures.inputTokens += usage.inputTokens;
    figures.outputTokens += usage.outputTokens;
    figures.cacheWriteTokens += usage.cacheWriteTokens;
    figures.cacheReadTokens += usage.cacheReadTokens;
    if (usage.costUSD === null) known = false;
    else cost += usage.costUSD;
    figures.costSource = combineSources(figures.costSource, usage.costSource);
    figures.models[model] = {
      ...usage,
      costUSD: usage.costUSD === null ? null : roundUSD(usage.costUSD),
      claudeCostUSD: usage.claudeCostUSD === null ? null : roundUSD(usage.claudeCostUSD),
    };
  }
  figures.costUSD = known ? roundUSD(cost) : null;
  if (!known) figures.costSource = null;
  return figures;
}
