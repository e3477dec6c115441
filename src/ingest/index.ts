import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../errors.js';
import { withScratchFolders } from '../util/scratch.js';
import type { Series, Warning } from '../types.js';
import { formatDuration } from '../util/duration.js';
import {
  BucketAccumulator,
  BucketRegression,
  GridShift,
  type BucketSettings,
  type Buckets,
} from './buckets.js';
import { mergeInOrder, orderWarnings } from './clean.js';
import { scanCsv, type ScanSummary } from './read-csv.js';
import { toGrid } from './resample.js';
import { PointChunks } from './sort.js';

export type { IngestOptions } from './options.js';
import type { IngestOptions } from './options.js';

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

/**
 * Reads a CSV file into a regular series at `intervalMs`, reporting everything it fixed. Rows in
 * time order stream into their intervals, so memory stays flat however long the file is; rows out
 * of order across intervals make it read the file again, keeping every row to sort (24 bytes each:
 * time, value, line and a sort index).
 */
export async function loadSeries(file: string, options: IngestOptions): Promise<Ingested> {
  if (file === STDIN) return loadStandardInput(options);
  if (await isPipe(file)) {
    // /dev/stdin, a named pipe or `<(command)`: read once, so kept in a scratch file like `-`.
    const { ingested } = await loadSpooled(file, options, (spooled) =>
      pipeline(createReadStream(file), createWriteStream(spooled)),
    );
    return ingested;
  }
  const settings = {
    stepMs: options.intervalMs,
    agg: options.agg,
    duplicates: options.duplicates,
    file,
    zone: options.timezone,
  };
  let read: ScanSummary;
  let buckets: Buckets;
  try {
    ({ read, buckets } = await bucketFile(file, options, settings));
  } catch (error) {
    // The grid is cut on the local boundaries the history ends with: read again on that grid.
    if (!(error instanceof GridShift)) throw error;
    ({ read, buckets } = await bucketFile(file, options, {
      ...settings,
      originMs: error.originMs,
    }));
  }
  const distinct = buckets.count.reduce((sum, n) => sum + n, 0);
  if (distinct < 2) {
    throw new UserError(`${file}: only ${distinct} distinct timestamp(s); need a history`);
  }
  const resampled = toGrid(buckets, {
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
    rows: read.rows,
    sampleStepMs: resampled.sampleStepMs,
    warnings: [
      ...read.warnings,
      ...orderWarnings(buckets.outOfOrder, buckets.duplicateRows, options.duplicates),
      ...resampled.warnings,
    ],
    notes:
      options.rowIntervalMs === undefined
        ? read.notes
        : [
            ...read.notes,
            `times come from row positions, ${formatDuration(options.rowIntervalMs)} apart; rows missing from the export shift every later time`,
          ],
  };
}

/** Whether `file` is a pipe or a character device (such as /dev/stdin), which reads only once. */
export async function isPipe(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    return info.isFIFO() || info.isCharacterDevice() || info.isSocket();
  } catch {
    return false; // the reader says what is wrong with it
  }
}

/**
 * The file's rows in their intervals: streaming when they come in time order, else every row kept
 * and sorted (see loadSeries).
 */
async function bucketFile(
  file: string,
  options: IngestOptions,
  settings: BucketSettings,
): Promise<{ read: ScanSummary; buckets: Buckets }> {
  try {
    let accumulator = new BucketAccumulator(settings);
    const read = await scanCsv(file, options, () => {
      accumulator = new BucketAccumulator(settings);
      return (time, value, line) => accumulator.add(time, value, line);
    });
    return { read, buckets: accumulator.finish() };
  } catch (error) {
    if (!(error instanceof BucketRegression)) throw error;
    let points = new PointChunks();
    const read = await scanCsv(file, options, () => (points = new PointChunks()).add);
    const sorted = new BucketAccumulator({ ...settings, duplicates: undefined, file: undefined });
    const merged = mergeInOrder(points, options.duplicates, file, (t, v) => sorted.add(t, v, 0));
    return { read, buckets: { ...sorted.finish(), ...merged } };
  }
}

/** The file name that means standard input, as in most command-line tools. */
export const STDIN = '-';
const STDIN_NAME = 'standard input';

/**
 * `-`: the CSV comes on standard input. It is kept in a scratch file while it is read (an unsorted
 * file is read twice), removed however the run ends, and named "standard input" in every message.
 */
async function loadStandardInput(options: IngestOptions): Promise<Ingested> {
  const { ingested } = await loadSpooled(STDIN_NAME, options, spoolStandardInput);
  return ingested;
}

/** Copies standard input into `file`; refused when it is a terminal (nothing was piped in). */
export async function spoolStandardInput(file: string): Promise<void> {
  if (process.stdin.isTTY) {
    throw new UserError(
      'the CSV is to come on standard input (-), but standard input is a terminal',
      'pipe the file in (`cat load.csv | headroom plan -`) or name it instead of -',
    );
  }
  await pipeline(process.stdin, createWriteStream(file));
}

/**
 * A CSV that `write` puts into a scratch file, read like any file and named `name` in every
 * message; `keep` also returns the file's text (a remote source's history, for history.csv).
 */
export async function loadSpooled(
  name: string,
  options: IngestOptions,
  write: (file: string) => Promise<void>,
  keep = false,
): Promise<{ ingested: Ingested; text?: string }> {
  return withScratchFolders('headroom-spool-', async (make) => {
    const spooled = join(await make(), 'history.csv');
    await write(spooled);
    const rename = (text: string) => text.split(spooled).join(name);
    try {
      const ingested = await loadSeries(spooled, options);
      return {
        ingested: {
          ...ingested,
          file: name,
          warnings: ingested.warnings.map((w) => ({ ...w, message: rename(w.message) })),
          notes: ingested.notes.map(rename),
        },
        text: keep ? await readFile(spooled, 'utf8') : undefined,
      };
    } catch (error) {
      if (error instanceof UserError) error.message = rename(error.message);
      throw error;
    }
  });
}
