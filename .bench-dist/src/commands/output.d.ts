import type { Warning } from '../types.js';
/** What a command hands back to the CLI: data for --json, text for people, and what it fixed. */
export interface CommandOutput {
    json: unknown;
    text: string;
    warnings: Warning[];
    notes: string[];
}
/** A plain aligned table; numbers right-aligned. */
export declare function table(header: string[], rows: (string | number)[][]): string;
