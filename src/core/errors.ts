/** Exit statuses with a meaning of their own (sysexits.h where one fits). */
export const EXIT = {
  FAILURE: 1,
  USAGE: 2,
  SOFTWARE: 70,
  /** Try again later: busy, starting, at a limit (EX_TEMPFAIL). */
  TEMPFAIL: 75,
} as const;

/** An error the user can act on: printed as one line, without a stack, with its exit code. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * Recognises a UserError structurally: launch.cjs and program.cjs are separate bundles, each with its own
 * copy of the class, so `instanceof` does not hold across them.
 */
export function isUserError(error: unknown): error is UserError {
  return (
    error instanceof Error && error.name === 'UserError' && typeof (error as UserError).exitCode === 'number'
  );
}

export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}
