/**
 * Versions as this tool accepts them: strict `MAJOR.MINOR.PATCH`, digits only, no leading zeros, no
 * pre-release. A version read from a registry (or typed by the user) is untrusted input until it parses
 * here; only then may it reach an npm command line. Pure.
 */
export type Version = readonly [number, number, number];

const STRICT = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;

export function parseVersion(text: unknown): Version | undefined {
  if (typeof text !== 'string' || text.length > 32) return undefined;
  const match = STRICT.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

export function isVersion(text: unknown): text is string {
  return parseVersion(text) !== undefined;
}

export function compareVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (!left || !right) throw new Error(`not a version: ${!left ? a : b}`);
  for (let i = 0; i < 3; i++) {
    const diff = (left[i] as number) - (right[i] as number);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

export function newest(versions: readonly string[]): string | undefined {
  return [...versions].filter(isVersion).sort(compareVersions).at(-1);
}

/** npm package names (scoped or not), so an overridden package name cannot smuggle in an argument. */
const PACKAGE = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

export function isPackageName(name: string): boolean {
  return name.length <= 214 && PACKAGE.test(name);
}
