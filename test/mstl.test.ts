import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MSTL, initSync } from '@bsull/augurs/mstl';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MONDAY, UTC, WEEK } from './helpers/series.js';
import { firstDesignSample, gaussian, mulberry32 } from '../src/data/synthetic.js';
import { UserError } from '../src/errors.js';
import {
  gapFree,
  mstlForecaster,
  mstlInterval,
  mstlPeriods,
  restoreMstl,
} from '../src/models/mstl.js';
import type { Series } from '../src/types.js';

const AMPLITUDE = 60;

/** A daily sine with a weekend dip. */
function shape(t: number): number {
  const d = new Date(t);
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  return 200 + AMPLITUDE * Math.sin((2 * Math.PI * d.getUTCHours()) / 24) + (weekend ? -50 : 0);
}

/** `steps` hourly values of the shape plus seeded noise (σ = 5) from `start`. */
function noisy(start: number, steps: number, seed = 7): Series {
  const normal = gaussian(mulberry32(seed));
  const values = new Float64Array(steps);
  for (let i = 0; i < steps; i++) values[i] = shape(start + i * HOUR) + 5 * normal();
  return { name: 'load', start, stepMs: HOUR, values };
}

function truth(start: number, steps: number): Float64Array {
  return Float64Array.from({ length: steps }, (_, i) => shape(start + i * HOUR));
}

const mae = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
};

const after = (history: Series) => history.start + history.values.length * history.stepMs;

describe('mstlPeriods', () => {
  it.each([
    { stepMs: HOUR, steps: 30, periods: [] },
    { stepMs: HOUR, steps: 48, periods: [24] },
    { stepMs: HOUR, steps: 335, periods: [24] },
    { stepMs: HOUR, steps: 336, periods: [24, 168] },
    { stepMs: 15 * 60_000, steps: 1344, periods: [96, 672] },
    { stepMs: DAY, steps: 30, periods: [7] },
    { stepMs: WEEK, steps: 100, periods: [] },
  ])('$steps steps of $stepMs ms → $periods', ({ stepMs, steps, periods }) => {
    expect(mstlPeriods(stepMs, steps)).toEqual(periods);
  });
});

describe('gapFree', () => {
  it('drops leading and trailing gaps and interpolates interior ones', () => {
    const clean = gapFree(Float64Array.from([NaN, 1, NaN, NaN, 4, 5, NaN]));
    expect(Array.from(clean.values)).toEqual([1, 2, 3, 4, 5]);
    expect(clean.first).toBe(1);
    expect(clean.trailing).toBe(1);
  });
});

describe('mstl', () => {
  const history = noisy(MONDAY, 4 * 7 * 24);
  const horizon = 7 * 24;
  const actual = truth(after(history), horizon);

  it('forecasts next week from four weeks with both periods, beating a flat mean', () => {
    const model = mstlForecaster.fit(history, UTC);
    const forecast = model.predict(history, horizon);
    expect(forecast).toHaveLength(horizon);
    expect(model.toJSON()).toEqual({
      model: 'mstl',
      zone: 'UTC',
      stepMs: HOUR,
      periods: [24, 168],
    });
    const error = mae(forecast, actual);
    expect(error).toBeLessThan(AMPLITUDE / 6);
    const mean = history.values.reduce((a, b) => a + b, 0) / history.values.length;
    expect(error).toBeLessThan(mae(new Float64Array(horizon).fill(mean), actual) / 3);
    const described = model.describe();
    expect(described.periods).toEqual([24, 168]);
    expect(described.r2).toBeGreaterThan(0.9);
    expect(described.mse).toBeGreaterThan(0);
  });

  it('uses only the daily period with five days of history', () => {
    const short = noisy(MONDAY, 5 * 24);
    const model = mstlForecaster.fit(short, UTC);
    expect(model.toJSON().periods).toEqual([24]);
    const forecast = model.predict(short, 24);
    // Saturday is a weekend day it has never seen, so compare against a weekday's shape.
    expect(mae(forecast, truth(MONDAY, 24))).toBeLessThan(AMPLITUDE / 4);
  });

  it('copes with gaps inside and at the end of the history', () => {
    const gappy: Series = { ...history, values: history.values.slice() };
    for (const [from, to] of [
      [0, 5],
      [100, 130],
      [400, 401],
      [600, 610],
    ]) {
      gappy.values.fill(NaN, from, to);
    }
    // Two missing hours at the end: the forecast must still start at the hour after the history.
    gappy.values.fill(NaN, gappy.values.length - 2);
    const model = mstlForecaster.fit(gappy, UTC);
    const forecast = model.predict(gappy, horizon);
    expect(forecast.every(Number.isFinite)).toBe(true);
    expect(mae(forecast, actual)).toBeLessThan(AMPLITUDE / 5);
    expect(model.describe().r2).toBeGreaterThan(0.9);
  });

  it('forecasts the same after toJSON → restoreMstl, from any history', () => {
    const model = mstlForecaster.fit(history, UTC);
    const restored = restoreMstl(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(restored.predict(history, horizon))).toEqual(
      Array.from(model.predict(history, horizon)),
    );
    // A longer history than the one fitted: the forecast follows it, not the fitted one.
    const longer = noisy(MONDAY, 5 * 7 * 24, 11);
    const fromLonger = restored.predict(longer, 24);
    expect(mae(fromLonger, truth(after(longer), 24))).toBeLessThan(AMPLITUDE / 6);
    expect(Array.from(fromLonger)).toEqual(Array.from(model.predict(longer, 24)));
    // A history too short for the weekly period falls back to the daily one, then to ETS alone.
    expect(restored.predict(noisy(MONDAY, 3 * 24), 24)).toHaveLength(24);
    expect(restored.predict(noisy(MONDAY, 20), 5).every(Number.isFinite)).toBe(true);
    expect(Array.from(restored.predict(noisy(MONDAY, 3), 2))).toEqual(
      Array(2).fill(noisy(MONDAY, 3).values[2]),
    );
  });

  it('rejects a saved state without periods and a history at another step', () => {
    expect(() => restoreMstl({ model: 'mstl', zone: 'UTC', stepMs: HOUR })).toThrow(UserError);
    const model = mstlForecaster.fit(history, UTC);
    expect(() => model.predict({ ...history, stepMs: DAY }, 3)).toThrow(UserError);
  });

  it('gives its own prediction interval, wider at a higher level', () => {
    const narrow = mstlInterval(history, horizon, 0.8);
    const wide = mstlInterval(history, horizon, 0.99);
    expect(Array.from(narrow.point)).toEqual(Array.from(wide.point));
    for (let h = 0; h < horizon; h++) {
      expect(narrow.lower[h]).toBeLessThanOrEqual(narrow.point[h]);
      expect(narrow.point[h]).toBeLessThanOrEqual(narrow.upper[h]);
      expect(wide.upper[h] - wide.lower[h]).toBeGreaterThan(narrow.upper[h] - narrow.lower[h]);
    }
    expect(() => mstlInterval(history, horizon, 90)).toThrow(RangeError);
    expect(() => mstlInterval(noisy(MONDAY, 3), 2, 0.9)).toThrow(UserError);
  });
});

describe('mstl fast path', () => {
  /** augurs' own MSTL.ets forecast, for comparison. */
  function augurs(values: Float64Array, periods: number[], horizon: number): number[] {
    const entry = createRequire(import.meta.url).resolve('@bsull/augurs/mstl');
    initSync({ module: readFileSync(join(dirname(entry), 'mstl_bg.wasm')) });
    const model = MSTL.ets(periods);
    try {
      model.fit(values);
      return model.predict(horizon).point;
    } finally {
      model.free();
    }
  }

  it('is the path taken, and says so', () => {
    const history = noisy(MONDAY, 4 * 7 * 24);
    expect(mstlForecaster.fit(history, UTC).describe().method).toMatch(
      /^MSTL, periods \[24, 168\], ETS (ANN|AAN|AAdN) trend \(TypeScript fast path\)$/,
    );
    expect(mstlForecaster.fit(noisy(MONDAY, 30), UTC).describe().method).toMatch(
      /^ETS .* alone \(history shorter than two periods; TypeScript fast path\)$/,
    );
  });

  it('forecasts as augurs does on eight weeks of realistic hourly load', () => {
    for (const seed of [1, 2, 3]) {
      const { load } = firstDesignSample({ days: 56, start: MONDAY, seed });
      const history: Series = {
        name: 'load',
        start: MONDAY,
        stepMs: HOUR,
        values: Float64Array.from(load),
      };
      const ours = mstlForecaster.fit(history, UTC).predict(history, 168);
      const theirs = augurs(history.values, [24, 168], 168);
      const mean = load.reduce((a, b) => a + b, 0) / load.length;
      // Same decomposition and the same ETS model: within 0.5% of the mean load at every step.
      for (let h = 0; h < 168; h++)
        expect(Math.abs(ours[h] - theirs[h])).toBeLessThan(0.005 * mean);
    }
  });

  it("gives augurs' own point and band, its point close to the forecaster's", () => {
    const history = noisy(MONDAY, 4 * 7 * 24);
    const { point, lower, upper } = mstlInterval(history, 48, 0.9);
    const ours = mstlForecaster.fit(history, UTC).predict(history, 48);
    const mean = history.values.reduce((a, b) => a + b, 0) / history.values.length;
    for (let h = 0; h < 48; h++) expect(Math.abs(point[h] - ours[h])).toBeLessThan(0.005 * mean);
    // augurs' non-seasonal ETS band is symmetric and widens with lead time.
    for (let h = 0; h < 48; h++) expect(upper[h] - point[h]).toBeCloseTo(point[h] - lower[h], 6);
    expect(upper[47] - lower[47]).toBeGreaterThan(upper[0] - lower[0]);
  });
});
