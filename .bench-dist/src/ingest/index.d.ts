import type { Series, Warning } from '../types.js';
import { type DuplicatePolicy } from './clean.js';
import { type Aggregation } from './resample.js';
export interface IngestOptions {
    timestampColumn?: string;
    valueColumn?: string;
    hourColumn?: string;
    timezone: string;
    duplicates: DuplicatePolicy;
    intervalMs: number;
    agg: Aggregation;
    /** Longest gap, in milliseconds, that is filled rather than left missing. */
    fillGapsMs: number;
    gapFill: 'linear' | 'zero';
}
export interface Ingested {
    series: Series;
    file: string;
    timestampColumn: string;
    valueColumn: string;
    rows: number;
    sampleStepMs: number;
    warnings: Warning[];
    notes: string[];
}
/** Reads a CSV file into a regular series at `intervalMs`, reporting everything it fixed. */
export declare function loadSeries(file: string, options: IngestOptions): Promise<Ingested>;
