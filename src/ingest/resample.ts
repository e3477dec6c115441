import { UserError } from '../errors.js';
import type { Series, Warning } from '../types.js';
import { BucketAccumulator, type Aggregation, type Buckets } from './buckets.js';
import { describeDuration, formatDuration } from '../util/duration.js';
import { formatTimestamp } from '../util/time.js';

export { AGGREGATIONS, type Aggregation } from './buckets.js';

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
export function resample(
  times: Float64Array,
  values: Float64Array,
  options: ResampleOptions,
): Resampled {
  const buckets = new BucketAccumulator({ stepMs: options.stepMs, agg: options.agg });
  for (let i = 0; i < times.length; i++) buckets.add(times[i], values[i], 0);
  return toGrid(buckets.finish(), options);
}

/** Intervals a series may have; more is a stray timestamp or a far too fine --interval. */
export const MAX_INTERVALS = 20_000_000;

/** The regular series from aggregated buckets: partly covered edges dropped, short gaps filled. */
export function toGrid(buckets: Buckets, options: ResampleOptions): Resampled {
  const { stepMs } = options;
  const warnings: Warning[] = [];
  const { index, value, count, sampleStepMs, originMs } = buckets;
  const at = (i: number) => originMs + i * stepMs;
  let first = index[0];
  const lastIndex = index[index.length - 1];
  const length = lastIndex - first + 1;
  if (length > MAX_INTERVALS) {
    throw new UserError(
      `the rows span ${describeDuration(length * stepMs)} (${formatTimestamp(at(first))} to ${formatTimestamp(at(lastIndex))}): ${length.toLocaleString('en-US')} intervals of ${formatDuration(stepMs)}, more than ${MAX_INTERVALS.toLocaleString('en-US')}`,
      'look for a stray timestamp far from the rest, or choose a longer --interval',
    );
  }
  const out = new Float64Array(length).fill(NaN);
  const counts = new Int32Array(length);
  for (let k = 0; k < index.length; k++) {
    out[index[k] - first] = value[k];
    counts[index[k] - first] = count[k];
  }

  // A first or last bucket with fewer samples than usual covers only part of its interval.
  let from = 0;
  let to = length;
  if (sampleStepMs < stepMs && length > 2) {
    const expected = Math.round(stepMs / sampleStepMs);
    if (counts[0] < expected) from = 1;
    if (counts[length - 1] < expected) to = length - 1;
    const dropped = from + (length - to);
    if (dropped > 0) {
      warnings.push({
        code: 'partial-buckets',
        count: dropped,
        message: `${dropped} partly covered ${formatDuration(stepMs)} bucket(s) at the edges dropped`,
      });
    }
  }
  first += from;
  const series = out.slice(from, to);
  warnings.push(...fillGaps(series, at(first), options));
  return { series: { start: at(first), stepMs, values: series }, sampleStepMs, warnings };
}

/** Fills runs of NaN in place; returns warnings for what was filled and what was left. */
export function fillGaps(values: Float64Array, start: number, options: ResampleOptions): Warning[] {
  const { stepMs, maxFillSteps, fill } = options;
  let filledSteps = 0;
  let filledGaps = 0;
  const long: { from: number; steps: number }[] = [];
  let i = 0;
  while (i < values.length) {
    if (!Number.isNaN(values[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < values.length && Number.isNaN(values[j])) j++;
    const steps = j - i;
    const inside = i > 0 && j < values.length;
    if (inside && steps <= maxFillSteps) {
      const a = values[i - 1];
      const b = values[j];
      for (let k = i; k < j; k++) {
        values[k] = fill === 'zero' ? 0 : a + ((b - a) * (k - i + 1)) / (steps + 1);
      }
      filledSteps += steps;
      filledGaps++;
    } else {
      long.push({ from: start + i * stepMs, steps });
    }
    i = j;
  }
  const warnings: Warning[] = [];
  if (filledGaps > 0) {
    warnings.push({
      code: 'gaps-filled',
      count: filledGaps,
      message: `${filledGaps} short gap(s) (${filledSteps} interval(s) in all) filled ${fill === 'zero' ? 'with zero' : 'by linear interpolation'}`,
    });
  }
  if (long.length > 0) {
    const longest = long.reduce((a, b) => (b.steps > a.steps ? b : a));
    warnings.push({
      code: 'gaps-long',
      count: long.length,
      message:
        `${long.length} gap(s) ${maxFillSteps === 0 ? 'of one interval or more' : `longer than ${describeDuration(maxFillSteps * stepMs)}`} left empty; ` +
        `the longest is ${describeDuration(longest.steps * stepMs)} from ${formatTimestamp(longest.from)} ` +
        `(models skip missing intervals; raise --fill-gaps to interpolate)`,
    });
  }
  return warnings;
}
