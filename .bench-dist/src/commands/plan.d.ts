import { type RawOptions } from './options.js';
import { type CommandOutput } from './output.js';
export interface PlanOptions extends RawOptions {
    outDir: string;
    /** A label for charts and the summary, e.g. "requests/h". */
    unit?: string;
}
export declare const SCHEDULE_FORMAT = "headroom.schedule/v1";
export declare function planCommand(csv: string, options: PlanOptions): Promise<CommandOutput>;
