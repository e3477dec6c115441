import type { DuplicatePolicy } from './clean.js';
import type { Aggregation } from './resample.js';

/** How a CSV becomes a regular series: its columns, zone, duplicates, interval and gaps. */
export interface IngestOptions {
  timestampColumn?: string;
  valueColumn?: string;
  /** The flag messages name for valueColumn (default --value-column). */
  valueFlag?: string;
  hourColumn?: string;
  /** strftime-like pattern of the timestamps (`%d/%m/%Y %H:%M`), when not ISO 8601 or epoch. */
  timestampFormat?: string;
  /** Long format: the column that names the series, and the one series to read. */
  seriesColumn?: string;
  series?: string;
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
  /** The values are a utilisation averaged over this many servers: the load is value × n. */
  currentServers?: number;
  /** The values are a utilisation averaged over the servers this column counts, row by row. */
  serversColumn?: string;
}
