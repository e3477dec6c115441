import type { Series, Warning } from '../types.js';
import { describeDuration, formatDuration } from '../util/duration.js';
import { formatTimestamp } from '../util/time.js';

export type Aggregation = 'sum' | 'mean' | 'max' | 'p95';
export const AGGREGATIONS: Aggregation[] = ['sum', 'mean', 'max', 'p95'];

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
  const { stepMs, agg } = options;
  const warnings: Warning[] = [];
  const sampleStepMs = medianStep(times);
  let first = Math.floor(times[0] / stepMs);
  let last = Math.floor(times[times.length - 1] / stepMs);
  const length = last - first + 1;
  const out = new Float64Array(length).fill(NaN);
  const counts = new Int32Array(length);

  let i = 0;
  const bucketValues: number[] = [];
  while (i < times.length) {
    const bucket = Math.floor(times[i] / stepMs);
    bucketValues.length = 0;
    while (i < times.length && Math.floor(times[i] / stepMs) === bucket)
      bucketValues.push(values[i++]);
    out[bucket - first] = aggregate(bucketValues, agg);
    counts[bucket - first] = bucketValues.length;
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
  last = first + (to - from) - 1;
  const series = out.slice(from, to);
  warnings.push(...fillGaps(series, first * stepMs, options));
  return { series: { start: first * stepMs, stepMs, values: series }, sampleStepMs, warnings };
}

function aggregate(group: number[], agg: Aggregation): number {
  switch (agg) {
    case 'sum':
      return group.reduce((a, b) => a + b, 0);
    case 'max':
      return Math.max(...group);
    case 'p95': {
      const sorted = [...group].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
    }
    default:
      return group.reduce((a, b) => a + b, 0) / group.length;
  }
}

function medianStep(times: Float64Array): number {
  if (times.length < 2) return 0;
  const steps = new Float64Array(times.length - 1);
  for (let i = 1; i < times.length; i++) steps[i - 1] = times[i] - times[i - 1];
  steps.sort();
  return steps[Math.floor(steps.length / 2)];
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
