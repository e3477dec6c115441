import { describe, expect, it } from 'vitest';
import { fillGaps, resample, type ResampleOptions } from '../src/ingest/resample.js';
import type { Warning } from '../src/types.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2024, 0, 1);

const opts = (overrides: Partial<ResampleOptions> = {}): ResampleOptions => ({
  stepMs: HOUR,
  agg: 'sum',
  maxFillSteps: 0,
  fill: 'linear',
  ...overrides,
});
const warning = (warnings: Warning[], code: string) => warnings.find((w) => w.code === code);

/** Samples every `everyMs` from `from` (inclusive) to `to` (exclusive), with value `f(i)`. */
function samples(from: number, to: number, everyMs: number, f: (i: number) => number) {
  const times: number[] = [];
  for (let t = from; t < to; t += everyMs) times.push(t);
  return {
    times: Float64Array.from(times),
    values: Float64Array.from(times, (_, i) => f(i)),
  };
}

describe('resample: aggregation', () => {
  it('sum keeps the total of fully covered buckets, bucket by bucket', () => {
    // 3 hours of 5-minute samples with irregular values.
    const { times, values } = samples(T0, T0 + 3 * HOUR, 5 * MIN, (i) => (i * 37) % 11);
    const out = resample(times, values, opts({ agg: 'sum' }));
    expect(out.series.start).toBe(T0);
    expect(out.series.stepMs).toBe(HOUR);
    expect(out.series.values.length).toBe(3);
    expect(out.sampleStepMs).toBe(5 * MIN);
    const total = values.reduce((a, b) => a + b, 0);
    expect(out.series.values.reduce((a, b) => a + b, 0)).toBe(total);
    for (let b = 0; b < 3; b++) {
      const expected = values.slice(b * 12, (b + 1) * 12).reduce((a, v) => a + v, 0);
      expect(out.series.values[b]).toBe(expected);
    }
    expect(out.warnings).toEqual([]);
  });

  // One 20-minute bucket holding 1..20 (in scrambled order), between two constant buckets.
  const scrambled = [7, 20, 1, 13, 2, 19, 3, 18, 4, 17, 5, 16, 6, 15, 8, 14, 9, 12, 10, 11];
  const bucketed = samples(T0, T0 + 60 * MIN, MIN, (i) =>
    i >= 20 && i < 40 ? scrambled[i - 20] : 100,
  );
  it.each<[ResampleOptions['agg'], number]>([
    ['sum', 210],
    ['mean', 10.5],
    ['max', 20],
    // Nearest-rank 95th percentile of 20 values: the 19th smallest.
    ['p95', 19],
  ])('%s of a hand-made bucket is %d', (agg, expected) => {
    const out = resample(bucketed.times, bucketed.values, opts({ stepMs: 20 * MIN, agg }));
    expect(out.series.values.length).toBe(3);
    expect(out.series.values[1]).toBe(expected);
    expect(out.series.values[0]).toBe(agg === 'sum' ? 2000 : 100);
  });

  it('p95 of a one-sample bucket is that sample', () => {
    const single = resample(
      Float64Array.from([T0, T0 + HOUR, T0 + 2 * HOUR]),
      Float64Array.from([3, 4, 5]),
      opts({ agg: 'p95' }),
    );
    expect(Array.from(single.series.values)).toEqual([3, 4, 5]);
  });

  it('p95 of 1..40 is the nearest-rank 38', () => {
    const forty = samples(T0, T0 + 40 * MIN, MIN, (i) => 40 - i);
    const out = resample(forty.times, forty.values, opts({ stepMs: 40 * MIN, agg: 'p95' }));
    expect(out.series.values.length).toBe(1);
    expect(out.series.values[0]).toBe(38);
  });

  it('p95 of 1..100 is the nearest-rank 95', () => {
    const from = 100 * MIN * 300_000; // a multiple of the bucket size
    const hundred = samples(from, from + 100 * MIN, MIN, (i) => 100 - i);
    const out = resample(hundred.times, hundred.values, opts({ stepMs: 100 * MIN, agg: 'p95' }));
    expect(out.series.values.length).toBe(1);
    expect(out.series.values[0]).toBe(95);
  });

  it('aligns buckets to the epoch, not to the first sample', () => {
    // Samples at :02, :07, … (the RDS file's phase): the 00:00 bucket holds :02 … :57.
    const { times, values } = samples(T0 + 2 * MIN, T0 + 3 * HOUR, 5 * MIN, () => 1);
    const out = resample(times, values, opts({ agg: 'sum' }));
    expect(out.series.start).toBe(T0);
    expect(Array.from(out.series.values)).toEqual([12, 12, 12]);
  });
});

describe('resample: partial edge buckets', () => {
  it('drops a partly covered first and last bucket when downsampling', () => {
    // 00:30 → 03:25: the 00:00 and 03:00 buckets hold 6 of 12 samples each.
    const { times, values } = samples(T0 + 30 * MIN, T0 + 3 * HOUR + 30 * MIN, 5 * MIN, () => 2);
    const out = resample(times, values, opts({ agg: 'sum' }));
    expect(out.series.start).toBe(T0 + HOUR);
    expect(Array.from(out.series.values)).toEqual([24, 24]);
    expect(warning(out.warnings, 'partial-buckets')?.count).toBe(2);
  });

  it('drops only the partial last bucket when the first is complete', () => {
    const { times, values } = samples(T0, T0 + 3 * HOUR + 10 * MIN, 5 * MIN, () => 1);
    const out = resample(times, values, opts({ agg: 'mean' }));
    expect(out.series.start).toBe(T0);
    expect(out.series.values.length).toBe(3);
    expect(warning(out.warnings, 'partial-buckets')?.count).toBe(1);
  });

  it('keeps every bucket when the samples are already at the interval', () => {
    const { times, values } = samples(T0 + 30 * MIN, T0 + 5 * HOUR, HOUR, (i) => i);
    const out = resample(times, values, opts());
    expect(out.series.start).toBe(T0);
    expect(Array.from(out.series.values)).toEqual([0, 1, 2, 3, 4]);
    expect(out.warnings).toEqual([]);
  });
});

describe('resample: gaps', () => {
  // Hourly values 0..23 × 10, with hours 3–4 (2 steps), 8–10 (3 steps) and 14–18 (5 steps) missing.
  const missing = new Set([3, 4, 8, 9, 10, 14, 15, 16, 17, 18]);
  const hours = Array.from({ length: 24 }, (_, h) => h).filter((h) => !missing.has(h));
  const times = Float64Array.from(hours, (h) => T0 + h * HOUR);
  const values = Float64Array.from(hours, (h) => h * h);

  it('interpolates gaps up to maxFillSteps linearly and leaves longer ones missing', () => {
    const out = resample(times, values, opts({ maxFillSteps: 3 }));
    const v = out.series.values;
    expect(v.length).toBe(24);
    // Between 2 → 4 and 5 → 25: thirds.
    expect(v[3]).toBeCloseTo(4 + (25 - 4) / 3, 12);
    expect(v[4]).toBeCloseTo(4 + (2 * (25 - 4)) / 3, 12);
    // A gap of exactly maxFillSteps is filled: 7 → 49, 11 → 121, in quarters of 72.
    expect(v[8]).toBeCloseTo(67, 12);
    expect(v[9]).toBeCloseTo(85, 12);
    expect(v[10]).toBeCloseTo(103, 12);
    for (const h of [14, 15, 16, 17, 18]) expect(v[h]).toBeNaN();
    for (const h of hours) expect(v[h]).toBe(h * h);
    expect(warning(out.warnings, 'gaps-filled')?.count).toBe(2);
    expect(warning(out.warnings, 'gaps-filled')?.message).toMatch(/5 interval/);
    const long = warning(out.warnings, 'gaps-long');
    expect(long?.count).toBe(1);
    expect(long?.message).toContain('2024-01-01T14:00:00Z');
    expect(long?.message).toContain('5h');
  });

  it('leaves every gap missing with maxFillSteps 0 and counts them', () => {
    const out = resample(times, values, opts({ maxFillSteps: 0 }));
    expect(out.series.values.filter(Number.isNaN).length).toBe(10);
    expect(warning(out.warnings, 'gaps-long')?.count).toBe(3);
    expect(warning(out.warnings, 'gaps-filled')).toBeUndefined();
  });

  it('does not describe a zero fill limit as "0w"', () => {
    const out = resample(times, values, opts({ maxFillSteps: 0 }));
    expect(warning(out.warnings, 'gaps-long')?.message).not.toMatch(/\b0w\b/);
  });

  it('fills with zero when asked', () => {
    const out = resample(times, values, opts({ maxFillSteps: 3, fill: 'zero' }));
    for (const h of [3, 4, 8, 9, 10]) expect(out.series.values[h]).toBe(0);
    expect(out.series.values[14]).toBeNaN();
    expect(warning(out.warnings, 'gaps-filled')?.message).toMatch(/zero/);
  });

  it('fillGaps never fills leading or trailing runs', () => {
    const v = Float64Array.from([NaN, 1, NaN, 3, NaN, NaN]);
    const warnings = fillGaps(v, T0, opts({ maxFillSteps: 10 }));
    expect(Array.from(v)).toEqual([NaN, 1, 2, 3, NaN, NaN]);
    expect(warning(warnings, 'gaps-filled')?.count).toBe(1);
    expect(warning(warnings, 'gaps-long')?.count).toBe(2);
  });
});
