import type { Warning } from '../types.js';
import { type ColumnRequest } from './columns.js';
/** Samples as read, in file order: parallel arrays of time, value and 1-based file line. */
export interface RawPoints {
    times: Float64Array;
    values: Float64Array;
    lines: Int32Array;
}
export interface ReadResult {
    points: RawPoints;
    timestampColumn: string;
    valueColumn: string;
    warnings: Warning[];
    notes: string[];
}
export interface ReadOptions extends ColumnRequest {
    timezone: string;
}
/** Streams a CSV file and returns its (timestamp, value) samples, with what was skipped. */
export declare function readCsv(file: string, options: ReadOptions): Promise<ReadResult>;
