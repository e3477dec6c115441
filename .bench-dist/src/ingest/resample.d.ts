import type { Series, Warning } from '../types.js';
export type Aggregation = 'sum' | 'mean' | 'max' | 'p95';
export declare const AGGREGATIONS: Aggregation[];
export interface ResampleOptions {
    stepMs: number;
    agg: Aggregation;
    /** Gaps up to this many steps are filled; longer ones stay missing (NaN). */
    maxFillSteps: number;
    fill: 'linear' | 'zero';
}
export interface Resampled {
    series: Omit<Series, 'name'>;
    /** Median spacing of the input samples. */
    sampleStepMs: number;
    warnings: Warning[];
}
/**
 * Buckets sorted, de-duplicated samples into a regular grid aligned to the epoch, aggregates each
 * bucket, drops partly covered first/last buckets, and fills short gaps.
 */
export declare function resample(times: Float64Array, values: Float64Array, options: ResampleOptions): Resampled;
/** Fills runs of NaN in place; returns warnings for what was filled and what was left. */
export declare function fillGaps(values: Float64Array, start: number, options: ResampleOptions): Warning[];
