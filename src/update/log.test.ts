import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEvent, logUpdate, MAX_LOG_BYTES } from './log.js';

describe('update.log', () => {
  it('formats one printable line per event, whatever the registry sent', () => {
    const line = formatEvent(new Date('2026-01-02T03:04:05.000Z'), 7, {
      action: 'check',
      from: '1.0.0',
      to: null,
      outcome: 'error',
      durationMs: 12.4,
      reason: 'bad "tag"\n\u001b[31mred',
    });
    expect(line).toBe(
      `2026-01-02T03:04:05.000Z check    outcome=error from=1.0.0 to=- duration=12ms pid=7 reason="bad 'tag' ?[31mred"\n`,
    );
  });

  it('moves a full log to update.log.1 and starts a new one', () => {
    const root = mkdtempSync(join(tmpdir(), 'cs-log-'));
    try {
      writeFileSync(join(root, 'update.log'), 'x'.repeat(MAX_LOG_BYTES));
      logUpdate(root, { action: 'check', outcome: 'up-to-date' });
      expect(readFileSync(join(root, 'update.log.1'), 'utf8')).toHaveLength(MAX_LOG_BYTES);
      expect(readFileSync(join(root, 'update.log'), 'utf8').split('\n')).toHaveLength(2);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
