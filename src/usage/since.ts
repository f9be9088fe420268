import { parseDuration } from '../core/duration.js';
import { EXIT, UserError } from '../core/errors.js';

/**
 * `--since`: a day (`2026-12-01`, from local midnight), a local or zoned time (`2026-12-01T09:00`,
 * `2026-12-01T09:00:00Z`), or a duration back from now (`7d`, `24h`, `30m`). Pure: `now` is given.
 */
export function parseSince(text: string, now: Date): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const [year, month, date] = day.slice(1).map(Number) as [number, number, number];
    const midnight = new Date(year, month - 1, date);
    if (midnight.getFullYear() === year && midnight.getMonth() === month - 1 && midnight.getDate() === date)
      return midnight.getTime();
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/.test(text)) {
    // Without a zone, JavaScript reads a date-time as local time, as a person typing it means it.
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  } else if (/^\d{1,6}[dhms]$/.test(text)) {
    return now.getTime() - parseDuration(text, '--since');
  }
  throw new UserError(
    `--since ${JSON.stringify(text.slice(0, 40))}: give a day (2026-12-01), a time (2026-12-01T09:00) or a duration (7d, 24h, 30m)`,
    EXIT.USAGE,
  );
}
