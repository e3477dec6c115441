import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY } from '../src/capacity/servers.js';
import { gaussian, mulberry32 } from '../src/data/synthetic.js';
import {
  CALIBRATION_LEVELS,
  calibrationOf,
  calibrationSums,
  runBacktest,
} from '../src/evaluate/backtest.js';
import { CALIBRATION_CHART_SIZE, renderCalibrationChart } from '../src/report/calibration-chart.js';
import type { CapacitySettings, Forecast } from '../src/types.js';
import { HOUR, MONDAY, WEEK, hourly } from './helpers/series.js';

/** Four steps at 100 with spread 10, scores −2…2 and a tail of scale 1. */
function knownForecast(): Forecast {
  const point = Float64Array.from([100, 100, 100, 100]);
  return {
    model: 'test',
    start: MONDAY,
    stepMs: HOUR,
    point,
    lower: point,
    upper: point,
    quantile: 0.9,
    intervalMethod: 'test',
    distribution: {
      scale: Float64Array.from([10, 10, 10, 10]),
      scores: Float64Array.from([-2, -1, 0, 1, 2]),
      tail: 1,
    },
  };
}

const capacity: CapacitySettings = { ...DEFAULT_CAPACITY, capacityPerServer: 115, risk: 0.05 };

describe('calibration', () => {
  it('counts actuals at or below each promised quantile, and short steps against the plan', () => {
    const actual = Float64Array.from([95, 111, 117, 125]);
    const servers = Float64Array.from([1, 1, 1, 1]);
    const sums = calibrationSums(actual, knownForecast(), servers, capacity);
    const c = calibrationOf(sums, HOUR, capacity);
    expect(c.steps).toBe(4);
    expect(c.coverage.map((l) => l.promised)).toEqual([...CALIBRATION_LEVELS]);
    // The i-th of the 5 scores is the (i + ½)/5 quantile; above the largest (2, the 0.9 quantile)
    // the tail of scale 1 gives 2 + ln(0.1 / (1 − q)): quantiles 100, 115, 120, 126.9, 143.0.
    expect(c.coverage.map((l) => l.realised)).toEqual([0.25, 0.5, 0.75, 1, 1]);
    // Capacity 115 is 1.5 spreads above the point, halfway between the scores 1 and 2 (the 0.7
    // and 0.9 quantiles): a 0.2 chance of more.
    expect(c.expectedShortShare).toBeCloseTo(0.2, 12);
    expect(c.expectedShortHours).toBeCloseTo(0.8, 12);
    // 117 and 125 are above 115.
    expect(c.realisedShortShare).toBe(0.5);
    expect(c.realisedShortHours).toBe(2);
    expect(c.budget).toBe(0.05);
  });

  it('leaves out missing actuals, and has no budget for a plan not made on risk', () => {
    const actual = Float64Array.from([NaN, 111, NaN, 125]);
    const servers = Float64Array.from([2, 2, 2, 2]);
    const planOn = { ...capacity, planOn: 'upper' as const };
    const c = calibrationOf(
      calibrationSums(actual, knownForecast(), servers, planOn),
      HOUR,
      planOn,
    );
    expect(c.steps).toBe(2);
    expect(c.coverage.map((l) => l.realised)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(c.realisedShortShare).toBe(0);
    // 230 is 13 spreads up, 11 tail scales past the largest score: 0.1 × e^−11.
    expect(c.expectedShortShare).toBeCloseTo(0.1 * Math.exp(-11), 12);
    expect(c.budget).toBeUndefined();
  });

  it('is reported per model by runBacktest, near the promise on iid noise', () => {
    const noise = gaussian(mulberry32(11));
    const series = hourly(MONDAY, 10 * 7 * 24, (t) => {
      const hour = new Date(t).getUTCHours();
      return 400 + 120 * Math.sin((2 * Math.PI * hour) / 24) + 25 * noise();
    });
    const result = runBacktest(series, {
      models: ['ridge', 'seasonal-naive'],
      origins: 4,
      horizonSteps: 168,
      trainWindowMs: 8 * WEEK,
      quantile: 0.9,
      context: { zone: 'UTC' },
      capacity: { ...DEFAULT_CAPACITY, capacityPerServer: 50, targetUtilization: 1 },
    });
    for (const m of result.models) {
      const c = m.calibration;
      expect(c.steps).toBe(4 * 168);
      const realised = c.coverage.map((l) => l.realised);
      // Monotone in the level, and each within 12 points of its promise.
      realised.forEach((r, i) => {
        if (i > 0) expect(r).toBeGreaterThanOrEqual(realised[i - 1]);
        expect(Math.abs(r - CALIBRATION_LEVELS[i])).toBeLessThan(0.12);
      });
      // The short steps are the same ones the scores count as under-provisioned.
      expect(c.realisedShortShare).toBeCloseTo(m.underProvisioned, 12);
      expect(c.realisedShortHours).toBeCloseTo(m.underProvisioned * 4 * 168, 9);
      expect(c.budget).toBe(0.01);
      // The plans keep within their 1% budget in expectation (the budget is per window).
      expect(c.expectedShortShare).toBeGreaterThan(0);
      expect(c.expectedShortShare).toBeLessThanOrEqual(0.01 + 1e-9);
    }
  });

  it('draws promised against realised coverage as a PNG', () => {
    const actual = Float64Array.from([95, 111, 117, 125]);
    const servers = Float64Array.from([1, 1, 1, 1]);
    const c = calibrationOf(
      calibrationSums(actual, knownForecast(), servers, capacity),
      HOUR,
      capacity,
    );
    const png = renderCalibrationChart([
      { model: 'auto', calibration: c },
      {
        model: 'ridge',
        calibration: { ...c, coverage: c.coverage.map((l) => ({ ...l, realised: l.promised })) },
      },
    ]);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(CALIBRATION_CHART_SIZE.width);
    expect(png.readUInt32BE(20)).toBe(CALIBRATION_CHART_SIZE.height);
  });
});
