import { type Ingested } from '../ingest/index.js';
import { type ForecastResult } from '../pipeline.js';
import { type RawOptions } from './options.js';
export interface Forecasted {
    ingested: Ingested;
    result: ForecastResult;
    zone: string;
}
/** The shared first half of `forecast` and `plan`: read the CSV, then fit (or load) and forecast. */
export declare function forecastFromCsv(csv: string, raw: RawOptions): Promise<Forecasted>;
