/** Where a session stands against its budget: `warn` from 80 % of it, `over` from 100 %. */
export type BudgetState = 'none' | 'ok' | 'warn' | 'over';

/** The share of the budget at which a session is warned about (and notified, once). */
export const BUDGET_WARN_RATIO = 0.8;

/**
 * A session's budget state from its cost so far and its budget (US dollars). `none`: no budget.
 * An unknown cost (`null`: a model the price table does not know, and Claude reported no cost) is `ok`:
 * a session is never refused on a guess; its known tokens still show, with the cost marked unknown.
 */
export function budgetState(costUSD: number | null, budgetUSD: number | undefined): BudgetState {
  if (budgetUSD === undefined || !(budgetUSD > 0)) return 'none';
  if (costUSD === null || !Number.isFinite(costUSD)) return 'ok';
  if (costUSD >= budgetUSD) return 'over';
  if (costUSD >= budgetUSD * BUDGET_WARN_RATIO) return 'warn';
  return 'ok';
}
