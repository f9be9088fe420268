/**
 * Which arguments for `git diff` a user may pass through `claude-session diff SESSION -- ARGS`. They go
 * to git as argv words after `diff <base>` (never through a shell), so they can only be git diff's own
 * options, revisions and paths; what is refused is what would write a file: `--output` (also as an
 * abbreviation, should a git ever accept one). Pure.
 */
export function diffArgsProblem(args: readonly string[]): string | undefined {
  for (const arg of args) {
    if (arg === '--') return undefined;
    if (/^--o(u(t(p(u(t)?)?)?)?)?(=|$)/.test(arg)) {
      return `git diff's ${arg.split('=')[0]} writes a file, which diff does not do: redirect the output instead (\`claude-session diff SESSION > FILE\`)`;
    }
  }
  return undefined;
}
