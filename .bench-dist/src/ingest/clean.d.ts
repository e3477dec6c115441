import type { Warning } from '../types.js';
import type { RawPoints } from './read-csv.js';
export type DuplicatePolicy = 'mean' | 'sum' | 'first' | 'last' | 'error';
export declare const DUPLICATE_POLICIES: DuplicatePolicy[];
export interface CleanPoints {
    times: Float64Array;
    values: Float64Array;
    warnings: Warning[];
}
/** Sorts samples by time (stable, so "first"/"last" keep file order) and merges equal timestamps. */
export declare function sortAndMerge(points: RawPoints, policy: DuplicatePolicy, file: string): CleanPoints;
