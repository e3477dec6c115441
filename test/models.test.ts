import { describe, expect, it } from 'vitest';
import { HOUR, hourly, MONDAY, UTC, WEEK } from './helpers/series.js';
import { gaussian, mulberry32 } from '../src/data/synthetic.js';
import { UserError } from '../src/errors.js';
import { withBand } from '../src/evaluate/intervals.js';
import { FIRST_DESIGN_FEATURES, firstDesignRow } from '../src/features/calendar.js';
import { linearForecaster } from '../src/models/linear.js';
import { getForecaster, MODEL_NAMES, restoreModel } from '../src/models/registry.js';
import { ridgeForecaster } from '../src/models/ridge.js';
import {
  robustSeasonalNaive,
  seasonalNaive,
  seasonalNaiveForecaster,
} from '../src/models/seasonal-naive.js';
import type { SavedState } from '../src/models/types.js';
import { forecastWith, trainingWindow, type ForecastRequest } from '../src/pipeline.js';

/** A daily sine with a weekday/weekend level shift: the shape load usually has. */
function shape(t: number): number {
  const d = new Date(t);
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  return 200 + 60 * Math.sin((2 * Math.PI * d.getUTCHours()) / 24) + (weekend ? -50 : 0);
}

const mae = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
};

const roundTrip = (state: SavedState) => JSON.parse(JSON.stringify(state)) as SavedState;

describe('seasonal naive', () => {
  const random = mulberry32(1);
  const threeWeeks = hourly(MONDAY, 3 * 168, () => Math.round(random() * 1000));
  const tenDays = hourly(MONDAY, 240, () => Math.round(random() * 1000));

  it('repeats the last week exactly when it has two weeks or more', () => {
    const model = seasonalNaiveForecaster.fit(threeWeeks, UTC);
    expect(model.describe().season_steps).toBe(168);
    const out = seasonalNaive(threeWeeks, 400, 168);
    const n = threeWeeks.values.length;
    for (let h = 0; h < 400; h++) expect(out[h]).toBe(threeWeeks.values[n - 168 + (h % 168)]);
  });

  it('repeats the last day when the history is under two weeks', () => {
    const model = seasonalNaiveForecaster.fit(tenDays, UTC);
    expect(model.describe().season_steps).toBe(24);
    const out = seasonalNaive(tenDays, 60, 24);
    for (let h = 0; h < 60; h++) expect(out[h]).toBe(tenDays.values[240 - 24 + (h % 24)]);
  });

  it("as a model, repeats a regular series exactly but not last week's outage", () => {
    const noise = gaussian(mulberry32(9));
    const regular = hourly(MONDAY, 4 * 168, (t) => shape(t) + 5 * noise());
    const n = regular.values.length;
    const model = seasonalNaiveForecaster.fit(regular, UTC);
    expect(Array.from(model.predict(regular, 168))).toEqual(
      Array.from(regular.values.slice(n - 168)),
    );

    // A day-long outage last Tuesday: the model forecasts the median of the Tuesdays before it.
    const values = regular.values.slice();
    for (let i = n - 168 + 24; i < n - 168 + 48; i++) values[i] = 0;
    const outage = { ...regular, values };
    const forecast = model.predict(outage, 168);
    for (let h = 24; h < 48; h++) {
      const earlier = [2, 3, 4].map((k) => values[n - k * 168 + h]).sort((a, b) => a - b);
      expect(forecast[h]).toBe(earlier[1]);
    }
    expect(Array.from(forecast.slice(48))).toEqual(Array.from(values.slice(n - 168 + 48)));
    expect(robustSeasonalNaive(outage, 168, 168).replaced).toBe(24);
  });

  it('reaches back one more season over a missing value, and again over two', () => {
    const values = threeWeeks.values.slice();
    const n = values.length;
    values[n - 168 + 5] = NaN;
    values[n - 168 + 9] = NaN;
    values[n - 336 + 9] = NaN;
    const out = seasonalNaive({ ...threeWeeks, values }, 168, 168);
    expect(out[5]).toBe(values[n - 336 + 5]);
    expect(out[9]).toBe(values[n - 504 + 9]);
    expect(out[6]).toBe(values[n - 168 + 6]);
  });

  it('falls back to the last known value when a slot was never observed', () => {
    const values = Float64Array.from([NaN, 2, NaN, 4, 5, NaN]);
    expect(Array.from(seasonalNaive({ ...threeWeeks, values }, 3, 3))).toEqual([4, 5, 5]);
  });
});

describe('linear (the first design)', () => {
  const beta = [3, -5, 2, 7, 40]; // hour, day_of_week, day_of_month, month, is_weekend
  const truth = (t: number) =>
    100 + firstDesignRow(t, 'UTC').reduce((sum, v, j) => sum + v * beta[j], 0);
  // Six weeks from 2024-04-22 cross into May, so every feature varies.
  const history = hourly(MONDAY, 6 * 168, (t) => truth(t));

  it('recovers a series that is exactly linear in its five features', () => {
    const model = linearForecaster.fit(history, UTC);
    const described = model.describe() as {
      r2: number;
      mse: number;
      intercept: number;
      coefficients: Record<string, number>;
    };
    expect(described.r2).toBeGreaterThan(1 - 1e-9);
    expect(described.mse).toBeLessThan(1e-12);
    expect(Object.keys(described.coefficients)).toEqual(FIRST_DESIGN_FEATURES);
    expect(Object.keys(described.coefficients)).toEqual([
      'hour',
      'day_of_week',
      'day_of_month',
      'month',
      'is_weekend',
    ]);
    expect(Number.isFinite(described.intercept)).toBe(true);

    // Standardised coefficients map back to the generating ones.
    const state = model.toJSON() as SavedState & { means: number[]; scales: number[] };
    FIRST_DESIGN_FEATURES.forEach((name, j) => {
      expect(described.coefficients[name] / state.scales[j]).toBeCloseTo(beta[j], 6);
    });
    const interceptRaw = FIRST_DESIGN_FEATURES.reduce(
      (sum, name, j) => sum - (described.coefficients[name] * state.means[j]) / state.scales[j],
      described.intercept,
    );
    expect(interceptRaw).toBeCloseTo(100, 6);

    // …and forecasts the next week exactly.
    const out = model.predict(history, 168);
    const future = hourly(history.start + history.values.length * HOUR, 168, (t) => truth(t));
    for (let h = 0; h < 168; h++) expect(out[h]).toBeCloseTo(future.values[h], 6);
  });

  it('forecasts sensibly past the end of a month it was not trained on', () => {
    const january = hourly(Date.UTC(2024, 0, 1), 3 * 168, (t) => {
      const [hour, dow] = firstDesignRow(t, 'UTC');
      return 10 + 3 * hour + dow;
    });
    const model = linearForecaster.fit(january, UTC);
    // 2024-01-22 + 12 days reaches February.
    const out = model.predict(january, 12 * 24);
    for (const v of out) expect(Math.abs(v)).toBeLessThan(1000);
  });
});

describe('ridge', () => {
  const weeks = 4;
  const clean = hourly(MONDAY, weeks * 168, shape);
  const nextWeek = hourly(MONDAY + weeks * WEEK, 168, shape);

  it('forecasts a noiseless daily sine with a weekend shift almost exactly', () => {
    const model = ridgeForecaster.fit(clean, UTC);
    const out = model.predict(clean, 168);
    // Amplitude 60, weekend shift 50: the error must be a small fraction of either.
    expect(mae(out, nextWeek.values)).toBeLessThan(0.075 * 60);
    expect((model.describe() as { r2: number }).r2).toBeGreaterThan(0.99);
    // Weekend level is lower than weekday level in the forecast, as in the data.
    const saturdayNoon = 5 * 24 + 12;
    const mondayNoon = 12;
    expect(out[mondayNoon] - out[saturdayNoon]).toBeGreaterThan(40);
  });

  it('beats seasonal naive on a noisy version of the same series', () => {
    const noise = gaussian(mulberry32(42));
    const history = hourly(MONDAY, weeks * 168, (t) => shape(t) + 25 * noise());
    const actual = hourly(MONDAY + weeks * WEEK, 168, (t) => shape(t) + 25 * noise());
    const ridge = ridgeForecaster.fit(history, UTC).predict(history, 168);
    const naive = seasonalNaiveForecaster.fit(history, UTC).predict(history, 168);
    const ridgeError = mae(ridge, actual.values);
    const naiveError = mae(naive, actual.values);
    expect(ridgeError).toBeLessThan(naiveError * 0.85);
    // …and stays near the noise floor (E|N(0, 25)| ≈ 20).
    expect(ridgeError).toBeLessThan(26);
  });
});

describe('every registered model', () => {
  const noise = gaussian(mulberry32(7));
  const makeHistory = () => {
    const series = hourly(MONDAY, 3 * 168, (t) => shape(t) + 10 * noise());
    series.values[100] = NaN;
    series.values[101] = NaN;
    series.values[400] = NaN;
    return series;
  };

  it('includes the three documented models', () => {
    expect(MODEL_NAMES).toEqual(expect.arrayContaining(['ridge', 'seasonal-naive', 'linear']));
  });

  it.each(MODEL_NAMES)(
    '%s: fits 3 weeks, predicts 48 finite steps, leaves its input alone',
    (name) => {
      const history = makeHistory();
      const before = { ...history, values: history.values.slice() };
      const forecaster = getForecaster(name);
      expect(forecaster.name).toBe(name);
      const model = forecaster.fit(history, UTC);
      expect(model.name).toBe(name);
      const out = model.predict(history, 48);
      expect(out).toBeInstanceOf(Float64Array);
      expect(out.length).toBe(48);
      expect(out.every(Number.isFinite)).toBe(true);
      // The forecast is in the range of the data, not somewhere else.
      expect(mae(out, hourly(MONDAY + 3 * WEEK, 48, shape).values)).toBeLessThan(80);
      expect(history.start).toBe(before.start);
      expect(history.stepMs).toBe(before.stepMs);
      expect(Array.from(history.values)).toEqual(Array.from(before.values));
      expect(typeof model.describe()).toBe('object');
    },
  );

  it.each(MODEL_NAMES)('%s: survives toJSON → JSON → restoreModel', (name) => {
    const history = makeHistory();
    const model = getForecaster(name).fit(history, UTC);
    const state = roundTrip(model.toJSON());
    expect(state.model).toBe(name);
    expect(state.stepMs).toBe(HOUR);
    const restored = restoreModel(state);
    expect(restored.name).toBe(name);
    expect(Array.from(restored.predict(history, 72))).toEqual(
      Array.from(model.predict(history, 72)),
    );
  });

  it('rejects unknown model names', () => {
    expect(() => getForecaster('prophet')).toThrow(UserError);
    expect(() => restoreModel({ model: 'prophet', zone: 'UTC', stepMs: HOUR })).toThrow(
      /unknown model 'prophet'/,
    );
  });
});

describe('forecast bands (intervals and pipeline)', () => {
  const sigma = 20;
  const weeks = 4;
  // One random process; the history and its continuation come from the same stream.
  const noise = gaussian(mulberry32(2024));
  const series = hourly(MONDAY, weeks * 168, (t) => shape(t) + sigma * noise());
  const continuation = hourly(MONDAY + weeks * WEEK, 168, (t) => shape(t) + sigma * noise());
  const request = (quantile: number): ForecastRequest => ({
    horizonMs: WEEK,
    quantile,
    trainWindowMs: 8 * WEEK,
    context: UTC,
  });
  const result90 = forecastWith(ridgeForecaster, series, request(0.9));

  it('orders lower ≤ point ≤ upper at every step', () => {
    const { forecast } = result90;
    expect(forecast.point.length).toBe(168);
    expect(forecast.start).toBe(MONDAY + weeks * WEEK);
    expect(forecast.quantile).toBe(0.9);
    expect(forecast.intervalMethod).toMatch(/out-of-sample/);
    for (let i = 0; i < 168; i++) {
      expect(forecast.lower[i]).toBeLessThanOrEqual(forecast.point[i]);
      expect(forecast.point[i]).toBeLessThanOrEqual(forecast.upper[i]);
    }
    expect(forecast.upper[0] - forecast.point[0]).toBeGreaterThan(0);
  });

  it('widens the band with the quantile', () => {
    const width = (q: number) => {
      const { forecast } = forecastWith(ridgeForecaster, series, request(q));
      return forecast.upper[0] - forecast.lower[0];
    };
    const w80 = width(0.8);
    const w99 = width(0.99);
    expect(w99).toBeGreaterThan(w80 * 1.5);
  });

  it('has an upper bound that covers about 90% of a fresh continuation', () => {
    const { upper } = result90.forecast;
    let covered = 0;
    for (let i = 0; i < 168; i++) if (continuation.values[i] <= upper[i]) covered++;
    const coverage = covered / 168;
    expect(coverage).toBeGreaterThanOrEqual(0.75);
    expect(coverage).toBeLessThanOrEqual(0.99);
  });

  it('refuses under two days of history', () => {
    const short = hourly(MONDAY, 47, shape);
    expect(() => forecastWith(ridgeForecaster, short, request(0.9))).toThrow(UserError);
    expect(() => forecastWith(ridgeForecaster, short, request(0.9))).toThrow(/at least 2d/);
    // Three days on the grid, but only 40 hours with values.
    const sparse = hourly(MONDAY, 72, (t, i) => (i < 32 ? NaN : shape(t)));
    expect(() => forecastWith(seasonalNaiveForecaster, sparse, request(0.9))).toThrow(UserError);
    // Exactly two days is enough.
    const twoDays = hourly(MONDAY, 48, shape);
    expect(forecastWith(seasonalNaiveForecaster, twoDays, request(0.9)).forecast.point.length).toBe(
      168,
    );
  });

  it('trainingWindow keeps only the last N steps', () => {
    const s = hourly(MONDAY, 100, (_, i) => i);
    const window = trainingWindow(s, 24 * HOUR);
    expect(window.values.length).toBe(24);
    expect(window.start).toBe(MONDAY + 76 * HOUR);
    expect(Array.from(window.values)).toEqual(Array.from({ length: 24 }, (_, i) => 76 + i));
    expect(trainingWindow(s, 1000 * HOUR).values.length).toBe(100);
    // A window that would start on missing values starts at the first known one.
    const gappy = { ...s, values: s.values.map((v, i) => (i >= 76 && i < 80 ? NaN : v)) };
    const trimmed = trainingWindow(gappy, 24 * HOUR);
    expect(trimmed.start).toBe(MONDAY + 80 * HOUR);
    expect(trimmed.values[0]).toBe(80);
  });

  it('forecastWith learns only from the training window', () => {
    const { training } = forecastWith(ridgeForecaster, series, {
      ...request(0.9),
      trainWindowMs: 3 * WEEK,
    });
    expect(training.values.length).toBe(3 * 168);
    expect(training.start).toBe(MONDAY + WEEK);
  });

  it('withBand adds the error quantiles and clamps at zero for non-negative data', () => {
    // A sample saved without a spread (an older model file) is used as it is: the i-th of the
    // five errors is their (i + ½)/5 quantile, so 0.75 lies a quarter of the way from 10 to 50
    // and 0.25 three quarters of the way from −30 to −10.
    const errors = { errors: [-30, -10, 0, 10, 50], method: 'test' };
    const band = withBand('m', 0, HOUR, Float64Array.from([5, 100]), errors, 0.75, true);
    expect(Array.from(band.upper)).toEqual([25, 120]);
    expect(Array.from(band.lower)).toEqual([0, 85]);
    expect(Array.from(band.point)).toEqual([5, 100]);
  });
});
