/**
 * A mistake the user can fix (bad flag, bad file, bad row). The CLI prints the message without a
 * stack trace and exits with code 2. `hint` says how to fix it.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A user error tied to a place in an input file. */
export class InputError extends UserError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    problem: string,
    hint?: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${problem}`, hint);
    this.name = 'InputError';
  }
}
