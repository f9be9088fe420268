import { readFileSync } from 'node:fs';

/** Total and available memory of the host (or container) in bytes, from /proc/meminfo. */
export interface HostMemory {
  totalBytes: number;
  availableBytes: number;
}

export function parseMeminfo(text: string): HostMemory | undefined {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  const totalBytes = field('MemTotal');
  const availableBytes = field('MemAvailable');
  return totalBytes === undefined || availableBytes === undefined
    ? undefined
    : { totalBytes, availableBytes };
}

export function hostMemory(): HostMemory | undefined {
  try {
    return parseMeminfo(readFileSync('/proc/meminfo', 'utf8'));
  } catch {
    return undefined;
  }
}
