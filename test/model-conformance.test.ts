import { describe, expect, it } from 'vitest';
import { getForecaster } from '../src/models/registry.js';
import type { Series } from '../src/types.js';

// Every model against series with a known answer. The tolerances say what each model can promise:
// the first design's linear model has no interaction of hour and weekday, so it is only asked to
// be in the right range; seasonal naive repeats and cannot follow a trend.
const HOUR = 3_600_000;
const MONDAY = Date.UTC(2024, 3, 22);
const WEEKS = 4;

function hourly(steps: number, f: (hourIndex: number) => number, start = MONDAY): Series {
  return {
    name: 'load',
    start,
    stepMs: HOUR,
    values: Float64Array.from({ length: steps }, (_, i) => f(i)),
  };
}

const dailySine = (i: number) => 500 + 200 * Math.sin((2 * Math.PI * i) / 24);
const weekly = (i: number) => dailySine(i) * (i % 168 >= 120 ? 0.5 : 1);
const trend = (i: number) => 300 + 0.5 * i + 100 * Math.sin((2 * Math.PI * i) / 24);

const mae = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
};

type Case = [model: string, shape: string, f: (i: number) => number, maxMae: number];

const cases: Case[] = [
  ['ridge', 'daily sine', dailySine, 5],
  ['ridge', 'weekly pattern', weekly, 15],
  ['seasonal-naive', 'daily sine', dailySine, 1e-9],
  ['seasonal-naive', 'weekly pattern', weekly, 1e-9],
  ['mstl', 'daily sine', dailySine, 5],
  ['mstl', 'weekly pattern', weekly, 15],
  ['mstl', 'trend', trend, 10],
  ['linear', 'daily sine', dailySine, 150],
];

describe.each(cases)('%s on a %s', (model, _shape, f, maxMae) => {
  it(`forecasts the next week within MAE ${maxMae}`, () => {
    const history = hourly(WEEKS * 168, f);
    const before = Float64Array.from(history.values);
    const forecast = getForecaster(model).fit(history, { zone: 'UTC' }).predict(history, 168);
    const actual = Float64Array.from({ length: 168 }, (_, h) => f(WEEKS * 168 + h));
    expect(forecast).toHaveLength(168);
    expect(forecast.every(Number.isFinite)).toBe(true);
    expect(mae(forecast, actual)).toBeLessThanOrEqual(maxMae);
    expect(history.values).toEqual(before);
  });
});

describe('trends', () => {
  it('ridge follows a steady trend part of the way: its trend is damped on purpose', () => {
    const history = hourly(WEEKS * 168, trend);
    const forecast = getForecaster('ridge').fit(history, { zone: 'UTC' }).predict(history, 168);
    const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;
    const lastWeek = mean(history.values.slice(-168));
    const nextWeek = mean(Float64Array.from({ length: 168 }, (_, h) => trend(WEEKS * 168 + h)));
    const forecastMean = mean(forecast);
    expect(forecastMean).toBeGreaterThan(lastWeek);
    expect(forecastMean).toBeLessThanOrEqual(nextWeek + 1);
  });

  it('seasonal naive stays at last week’s level under a trend', () => {
    const history = hourly(WEEKS * 168, trend);
    const forecast = getForecaster('seasonal-naive')
      .fit(history, { zone: 'UTC' })
      .predict(history, 168);
    expect(Array.from(forecast)).toEqual(Array.from(history.values.slice(-168)));
  });
});
