/**
 * A mistake the user can fix (bad flag, bad file, bad row). The CLI prints the message without a
 * stack trace and exits with code 2. `hint` says how to fix it.
 */
export class UserError extends Error {
    hint;
    constructor(message, hint) {
        super(message);
        this.hint = hint;
        this.name = 'UserError';
    }
}
/** A user error tied to a place in an input file. */
export class InputError extends UserError {
    file;
    line;
    constructor(file, line, problem, hint) {
        super(`${file}${line === undefined ? '' : `:${line}`}: ${problem}`, hint);
        this.file = file;
        this.line = line;
        this.name = 'InputError';
    }
}
//# sourceMappingURL=errors.js.map