/** Text formatting for tables. Pure. */

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  const units = ['B', 'K', 'M', 'G', 'T'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)}${units[unit]}`;
}

export function formatAge(thenMs: number | undefined, nowMs: number): string {
  if (thenMs === undefined) return '-';
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.round(hours / 24)}d ago`;
}

export function tildify(path: string, home: string): string {
  return path === home ? '~' : path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** Characters that would move the cursor or recolour a terminal are shown as `?`. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/**
 * The columns of a table for a terminal `width` wide: while the columns before the last, and the
 * first `lastAtLeast` characters of the last, would not fit, the columns named in `droppable` are left
 * out, in that order. Returns the indexes of the columns kept.
 */
export function fitColumns(
  header: string[],
  rows: string[][],
  width: number,
  droppable: string[],
  lastAtLeast = 20,
): number[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const kept = header.map((_, column) => column);
  const needed = () => {
    const last = kept[kept.length - 1] as number;
    const before = kept.slice(0, -1).reduce((sum, column) => sum + (widths[column] ?? 0) + 2, 0);
    return before + Math.min(widths[last] ?? 0, lastAtLeast);
  };
  for (const name of droppable) {
    if (needed() <= width) break;
    const column = header.indexOf(name);
    if (column >= 0 && column !== header.length - 1) kept.splice(kept.indexOf(column), 1);
  }
  return kept;
}

/** A word for a POSIX shell, quoted only when it needs it: for commands we print for the user to run. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
