import { EXIT, UserError } from './errors.js';

/** Durations as people type them for cleanup: a whole number and one unit. Pure. */
const UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
const MAX_MS = 100 * 365 * 86_400_000;

export function parseDuration(text: string, option = '--older-than'): number {
  const match = /^(\d{1,6})([dhms])$/.exec(text);
  const ms = match ? Number(match[1]) * (UNITS[match[2] as string] as number) : Number.NaN;
  if (!(ms <= MAX_MS)) {
    throw new UserError(
      `${option} ${JSON.stringify(text.slice(0, 40))}: give a whole number and a unit, e.g. 7d, 12h, 30m or 90s`,
      EXIT.USAGE,
    );
  }
  return ms;
}

/** The largest whole unit: 45d, 3h, 20m, 30s (rounded down, so "inactive for 30d" never overstates). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'ever';
  const value = Math.max(0, ms);
  for (const [unit, size] of Object.entries(UNITS)) {
    if (value >= size) return `${Math.floor(value / size)}${unit}`;
  }
  return '0s';
}

/** A time limit: seconds (`30`, `2.5`) or a duration as above (`5m`). */
export function parseTimeout(text: string, option: string): number {
  if (/^\d{1,7}(\.\d{1,3})?$/.test(text)) return Math.round(Number(text) * 1000);
  return parseDuration(text, option);
}
