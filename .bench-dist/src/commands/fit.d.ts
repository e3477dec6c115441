import { type RawOptions } from './options.js';
import { type CommandOutput } from './output.js';
export interface FitOptions extends RawOptions {
    save?: string;
}
export declare function fitCommand(csv: string, options: FitOptions): Promise<CommandOutput>;
