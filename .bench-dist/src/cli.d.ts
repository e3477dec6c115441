/** Exit codes: 0 success, 1 an internal error (a bug), 2 bad usage or bad input. */
export declare const EXIT: {
    readonly ok: 0;
    readonly internal: 1;
    readonly usage: 2;
};
export interface Io {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
}
/** Runs the CLI and returns the exit code; never calls process.exit, so tests can call it too. */
export declare function main(argv: string[], io?: Io): Promise<number>;
