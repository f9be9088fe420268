import { printable } from '../core/format.js';
import { type BudgetState, budgetState } from './budget.js';
import { PRICE_TABLE } from './prices.js';
import type { SessionUsage } from './session-usage.js';
import type { ModelUsage } from './summary.js';

/**
 * A session's usage and budget as `list` and `show` give them: the COST cell and its footnotes, and
 * show's lines per model. Pure.
 */
export interface UsageView {
  /** Null when its transcripts were not read (a session dir that is a link is not read through). */
  usage: SessionUsage | null;
  budgetUSD: number | null;
  budget: BudgetState;
}

export function usageView(usage: SessionUsage | null, budgetUSD: number | undefined): UsageView {
  return {
    usage,
    budgetUSD: budgetUSD ?? null,
    budget: budgetState(usage?.costUSD ?? null, budgetUSD),
  };
}

const hasResponses = (usage: SessionUsage | null): usage is SessionUsage =>
  usage !== null && Object.keys(usage.models).length > 0;

/** Whether `list` needs its COST column: some session has an API response or a budget. */
export function needsCostColumn(views: readonly UsageView[]): boolean {
  return views.some((view) => view.budgetUSD !== null || hasResponses(view.usage));
}

/** A budget as short as it reads: 5, 2.5, 0.25. */
export function budgetAmount(budgetUSD: number): string {
  return String(Math.round(budgetUSD * 10_000) / 10_000);
}

/** Dollars in a table cell: cents, whole dollars from $100 on, `<$0.01` for less than half a cent. */
export function shortDollars(value: number): string {
  if (value > 0 && value < 0.005) return '<$0.01';
  return value < 99.995 ? `$${value.toFixed(2)}` : `$${Math.round(value).toLocaleString('en-US')}`;
}

/** Dollars for show: four decimals under a dollar, so that small sessions can be compared. */
export function dollars(value: number): string {
  return value > 0 && value < 0.99995 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

/** What is known of a cost: the models priced, added up. */
function knownCost(usage: SessionUsage): number {
  return Object.values(usage.models).reduce((sum, model) => sum + (model.costUSD ?? 0), 0);
}

/** `$1.23`, `?` (no price), `$1.23+?` (partly unknown), `$1.23*` (Claude's own figure in it). */
function spentText(usage: SessionUsage, format: (value: number) => string): string {
  const models = Object.values(usage.models);
  const mark = models.some((model) => model.costSource === 'claude') ? '*' : '';
  if (usage.costUSD !== null) return `${format(usage.costUSD)}${mark}`;
  return models.some((model) => model.costUSD !== null) ? `${format(knownCost(usage))}${mark}+?` : '?';
}

/**
 * The COST cell: `$1.23`, `?` (unknown: a model without a price), `$1.23+?`, `$1.23*` (Claude's own
 * figure), `-` (no response yet); with a budget `$1.23/5`, and ` !` once it is reached.
 */
export function costCell(view: UsageView): string {
  const spent = hasResponses(view.usage)
    ? spentText(view.usage, shortDollars)
    : view.budgetUSD !== null
      ? '$0.00'
      : '-';
  if (view.budgetUSD === null) return spent;
  return `${spent}/${budgetAmount(view.budgetUSD)}${view.budget === 'over' ? ' !' : ''}`;
}

/** What the marks in the COST column mean, once each, for the marks that appear. */
export function costFootnotes(views: readonly UsageView[]): string[] {
  const unknown = new Set<string>();
  const claude = new Set<string>();
  for (const view of views) {
    for (const [model, usage] of Object.entries(view.usage?.models ?? {})) {
      if (usage.costUSD === null) unknown.add(model);
      if (usage.costSource === 'claude') claude.add(model);
    }
  }
  const names = (models: Set<string>) => [...models].sort().map(printable).join(', ');
  const lines: string[] = [];
  if (unknown.size > 0) {
    lines.push(`? no price for ${names(unknown)}: its cost is unknown (its tokens: \`claude-session show\`)`);
  }
  if (claude.size > 0) {
    lines.push(`* ${names(claude)}: cost from Claude's own account (not in the price table)`);
  }
  if (views.some((view) => view.budget === 'over')) {
    lines.push('! over budget (cost/budget, in US dollars)');
  }
  return lines;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Where a model's cost comes from, after the figure. */
function modelCost(usage: ModelUsage): string {
  if (usage.costUSD === null) return '? (no price for this model; its tokens are counted)';
  if (usage.costSource === 'claude') {
    return `${dollars(usage.costUSD)} (Claude's own account: not in the price table)`;
  }
  const check = usage.claudeCostUSD === null ? '' : `; Claude's own account: ${dollars(usage.claudeCostUSD)}`;
  return `${dollars(usage.costUSD)} (price table${check})`;
}

function budgetLine(view: UsageView): string | null {
  if (view.budgetUSD === null) return null;
  const budget = dollars(view.budgetUSD);
  const spent = view.usage?.costUSD ?? null;
  if (spent === null) {
    return hasResponses(view.usage) ? `${budget} (the cost is unknown: it cannot be checked)` : budget;
  }
  // Rounded down (79.9 % is not yet 80 %), past floating-point noise.
  const share = `${Math.floor((spent / view.budgetUSD) * 100 + 1e-9)} %`;
  if (view.budget === 'over') return `${budget}: over it (${dollars(spent)}, ${share})`;
  if (view.budget === 'warn') return `${budget}: ${share} used, near it`;
  return `${budget}: ${share} used`;
}

/**
 * `show`'s lines for usage, as key and value (indented keys under `usage:`): the cost and where it
 * came from, the budget, and per model its responses, tokens by kind and cost.
 */
export function usageRows(view: UsageView): [string, string][] {
  const rows: [string, string][] = [];
  const usage = view.usage;
  if (usage === null) return rows;
  const budget = budgetLine(view);
  if (!hasResponses(usage)) {
    rows.push(['cost', 'none yet (no API response in its transcripts)']);
    if (budget !== null) rows.push(['budget', budget]);
  } else {
    const models = Object.entries(usage.models);
    const unknown = models.filter(([, model]) => model.costUSD === null).map(([name]) => printable(name));
    const source =
      unknown.length > 0
        ? ` (unknown for ${unknown.join(', ')})`
        : usage.costSource === 'claude'
          ? " (Claude's own account)"
          : usage.costSource === 'mixed'
            ? " (price table and Claude's own account)"
            : '';
    rows.push(['cost', `${spentText(usage, dollars).replace('*', '')}${source}`]);
    if (budget !== null) rows.push(['budget', budget]);
    if (models.some(([, model]) => model.costSource === 'table')) {
      rows.push([
        'prices',
        `${PRICE_TABLE.package} ${PRICE_TABLE.version}, published ${PRICE_TABLE.published}`,
      ]);
    }
    rows.push(['usage', '']);
    for (const [name, model] of models) {
      rows.push([`  ${printable(name)}`, '']);
      rows.push(['    responses', count(model.responses)]);
      rows.push(['    input', count(model.inputTokens)]);
      rows.push(['    output', count(model.outputTokens)]);
      rows.push(['    cache write', count(model.cacheWriteTokens)]);
      rows.push(['    cache read', count(model.cacheReadTokens)]);
      rows.push(['    cost', modelCost(model)]);
    }
  }
  if (usage.corruptLines > 0) {
    const lines =
      usage.corruptLines === 1 ? '1 transcript line' : `${count(usage.corruptLines)} transcript lines`;
    rows.push(['skipped', `${lines} could not be read (not counted)`]);
  }
  return rows;
}
