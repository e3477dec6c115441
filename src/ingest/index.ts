import { UserError } from '../errors.js';
import type { Series, Warning } from '../types.js';
import { formatDuration } from '../util/duration.js';
import { sortAndMerge, type DuplicatePolicy } from './clean.js';
import { readCsv } from './read-csv.js';
import { resample, type Aggregation } from './resample.js';

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
export async function loadSeries(file: string, options: IngestOptions): Promise<Ingested> {
  const read = await readCsv(file, options);
  const clean = sortAndMerge(read.points, options.duplicates, file);
  if (clean.times.length < 2) {
    throw new UserError(
      `${file}: only ${clean.times.length} distinct timestamp(s); need a history`,
    );
  }
  const resampled = resample(clean.times, clean.values, {
    stepMs: options.intervalMs,
    agg: options.agg,
    maxFillSteps: Math.floor(options.fillGapsMs / options.intervalMs),
    fill: options.gapFill,
  });
  if (resampled.sampleStepMs > options.intervalMs * 1.5) {
    throw new UserError(
      `${file}: samples are ${formatDuration(resampled.sampleStepMs)} apart, coarser than --interval ${formatDuration(options.intervalMs)}`,
      `add --interval ${formatDuration(resampled.sampleStepMs)} (or longer)`,
    );
  }
  return {
    series: { name: read.valueColumn, ...resampled.series },
    file,
    timestampColumn: read.timestampColumn,
    valueColumn: read.valueColumn,
    rows: read.points.times.length,
    sampleStepMs: resampled.sampleStepMs,
    warnings: [...read.warnings, ...clean.warnings, ...resampled.warnings],
    notes:
      options.rowIntervalMs === undefined
        ? read.notes
        : [
            ...read.notes,
            `times come from row positions, ${formatDuration(options.rowIntervalMs)} apart; rows missing from the export shift every later time`,
          ],
  };
}
