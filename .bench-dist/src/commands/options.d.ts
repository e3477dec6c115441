import { type Command } from 'commander';
import type { IngestOptions } from '../ingest/index.js';
import type { ForecastRequest } from '../pipeline.js';
import type { CapacitySettings } from '../types.js';
/** Option values as commander hands them over (strings until parsed here). */
export interface RawOptions {
    timestampColumn?: string;
    valueColumn?: string;
    hourColumn?: string;
    timezone: string;
    duplicates: string;
    interval: string;
    agg: string;
    fillGaps: string;
    gapFill: string;
    model: string;
    modelFile?: string;
    horizon: string;
    quantile: string;
    trainWindow: string;
    json?: boolean;
    capacityPerServer?: string;
    targetUtilization?: string;
    headroom?: string;
    baseServers?: string;
    minServers?: string;
    maxServers?: string;
    rounding?: string;
    planOn?: string;
}
export declare function addIngestOptions(command: Command): Command;
export declare function addModelOptions(command: Command): Command;
export declare function addCapacityOptions(command: Command): Command;
export declare function ingestOptions(raw: RawOptions): IngestOptions;
export declare function forecastRequest(raw: RawOptions): ForecastRequest;
export declare function capacitySettings(raw: RawOptions): CapacitySettings;
