import type { Warning } from '../types.js';

/** What a command hands back to the CLI: data for --json, text for people, and what it fixed. */
export interface CommandOutput {
  json: unknown;
  text: string;
  warnings: Warning[];
  notes: string[];
  /** Set when the command finished but must not report success (see src/exit-codes.ts). */
  exitCode?: number;
}

/** What every command's action hands to the runner: the work, and whether to print JSON. */
export type Runner = (work: () => Promise<CommandOutput>, json?: boolean) => Promise<void>;

/** A plain aligned table (in util/, so that the push targets' reports use it too). */
export { table } from '../util/table.js';
