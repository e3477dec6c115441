import type { RawOptions } from './options.js';
import type { CommandOutput } from './output.js';
export interface ForecastOptions extends RawOptions {
    out: string;
}
export declare function forecastCommand(csv: string, options: ForecastOptions): Promise<CommandOutput>;
