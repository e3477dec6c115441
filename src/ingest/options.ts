import type { DuplicatePolicy } from './clean.js';
import type { Aggregation } from './resample.js';

/** How a CSV becomes a regular series: its columns, zone, duplicates, interval and gaps. */
export interface IngestOptions {
  timestampColumn?: string;
  valueColumn?: string;
  hourColumn?: string;
  /** No timestamp column: row k is at rowStart + k × rowIntervalMs. */
  rowIntervalMs?: number;
  rowStart?: number;
  timezone: string;
  duplicates: DuplicatePolicy;
  intervalMs: number;
  agg: Aggregation;
  /** Longest gap, in milliseconds, that is filled rather than left missing. */
  fillGapsMs: number;
  gapFill: 'linear' | 'zero';
}
