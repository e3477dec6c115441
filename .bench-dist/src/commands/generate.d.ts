import type { CommandOutput } from './output.js';
export interface GenerateOptions {
    days: string;
    seed: string;
    start: string;
    out?: string;
}
export declare function generateCommand(options: GenerateOptions): Promise<CommandOutput>;
