import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../src/data/synthetic.js';
import {
  demandQuantile,
  exceedance,
  fitSpread,
  scoreQuantile,
  tailScale,
} from '../src/evaluate/predictive.js';
import { MODEL_NAMES } from '../src/models/registry.js';
import { forecastSeries } from '../src/pipeline.js';
import { HOUR, MONDAY, hourly } from './helpers/series.js';

describe('the predictive distribution', () => {
  it('fits the spread of errors to the level of load', () => {
    const levels = [100, 200, 300, 400, 100, 200, 300, 400];
    const errors = levels.map((l, i) => (i % 2 ? -1 : 1) * (5 + 0.1 * l));
    const spread = fitSpread(errors, levels);
    expect(spread.base).toBeCloseTo(5, 9);
    expect(spread.perUnit).toBeCloseTo(0.1, 9);
  });

  it('keeps both spread coefficients at or above zero', () => {
    // Errors that shrink as load grows: one spread for every level.
    const spread = fitSpread([-40, 30, -20, 10], [100, 200, 300, 400]);
    expect(spread.perUnit).toBe(0);
    expect(spread.base).toBe(25);
  });

  it('has quantiles and exceedance that are each other’s inverse, tail included', () => {
    fc.assert(
      fc.property(
        // Distinct scores: with ties the distribution has jumps that no capacity falls inside.
        fc.uniqueArray(fc.integer({ min: -5000, max: 20000 }), { minLength: 2, maxLength: 80 }),
        fc.double({ min: 0.01, max: 0.999, noNaN: true }),
        (raw, q) => {
          const scores = Float64Array.from(raw, (v) => v / 1000).sort();
          const d = { scores, tail: tailScale(scores) };
          fc.pre(q > 0.5 / scores.length);
          const capacity = demandQuantile(100, 10, d, q);
          expect(exceedance(100, 10, d, capacity)).toBeCloseTo(1 - q, 7);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never promises a capacity quite safe: the tail falls smoothly past the largest score', () => {
    const scores = Float64Array.from([-1, 0, 1, 2, 3]);
    const d = { scores, tail: tailScale(scores) };
    const at = (capacity: number) => exceedance(0, 1, d, capacity);
    expect(at(3)).toBeCloseTo(0.1, 12);
    expect(at(4)).toBeGreaterThan(0);
    expect(at(4)).toBeLessThan(at(3));
    expect(at(5)).toBeLessThan(at(4));
    expect(scoreQuantile(d, 0.99)).toBeGreaterThan(3);
  });
});

describe.each(MODEL_NAMES)('%s gets its band from the same distribution', (model) => {
  it('carries a distribution whose quantiles are the band, near its promise on noise', () => {
    const noise = gaussian(mulberry32(5));
    const shape = (t: number) =>
      500 + 200 * Math.sin((2 * Math.PI * new Date(t).getUTCHours()) / 24);
    const weeks = 7;
    const series = hourly(MONDAY, (weeks + 1) * 168, (t) => shape(t) + 30 * noise());
    const history = { ...series, values: series.values.slice(0, weeks * 168) };
    const { forecast } = forecastSeries(model, history, {
      horizonMs: 168 * HOUR,
      quantile: 0.9,
      trainWindowMs: weeks * 168 * HOUR,
      context: { zone: 'UTC' },
    });
    const d = forecast.distribution!;
    expect(d.scale).toHaveLength(168);
    forecast.upper.forEach((upper, i) => {
      const q90 = demandQuantile(forecast.point[i], d.scale[i], d, 0.9);
      expect(upper).toBeCloseTo(Math.max(forecast.point[i], q90), 6);
    });
    const actual = series.values.slice(weeks * 168);
    const covered = actual.filter((y, i) => y <= forecast.upper[i]).length / actual.length;
    // The linear model cannot draw the daily sine, so its errors are wide but still honest.
    expect(covered).toBeGreaterThan(0.8);
    expect(covered).toBeLessThan(model === 'linear' ? 1.0001 : 0.98);
  });
});
