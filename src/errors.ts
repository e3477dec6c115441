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

/** A guardrail stopped a change that might be a mistake; `--force` overrides it. */
export class GuardrailError extends UserError {
  constructor(message: string, hint = 'check the plan; add --force if it is what you mean') {
    super(message, hint);
    this.name = 'GuardrailError';
  }
}

/** A remote API (AWS, Kubernetes) refused a request or could not be reached. */
export class RemoteError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'RemoteError';
  }
}
