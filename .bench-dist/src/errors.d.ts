/**
 * A mistake the user can fix (bad flag, bad file, bad row). The CLI prints the message without a
 * stack trace and exits with code 2. `hint` says how to fix it.
 */
export declare class UserError extends Error {
    readonly hint?: string | undefined;
    constructor(message: string, hint?: string | undefined);
}
/** A user error tied to a place in an input file. */
export declare class InputError extends UserError {
    readonly file: string;
    readonly line: number | undefined;
    constructor(file: string, line: number | undefined, problem: string, hint?: string);
}
