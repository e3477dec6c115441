import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY } from '../src/capacity/servers.js';
import { gaussian, mulberry32 } from '../src/data/synthetic.js';
import { UserError } from '../src/errors.js';
import {
  backtestOrigins,
  backtestPeak,
  fittingHorizon,
  naiveScale,
  runBacktest,
  type BacktestOptions,
  type BacktestResult,
} from '../src/evaluate/backtest.js';
import { BACKTEST_CHART_SIZE, renderBacktestChart } from '../src/report/backtest-chart.js';
import type { Series } from '../src/types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** Monday 2024-04-22 00:00 UTC. */
const MONDAY = Date.UTC(2024, 3, 22);

function hourly(steps: number, f: (t: number, i: number) => number): Series {
  const values = new Float64Array(steps);
  for (let i = 0; i < steps; i++) values[i] = f(MONDAY + i * HOUR, i);
  return { name: 'load', start: MONDAY, stepMs: HOUR, values };
}

/** A daily sine with a weekday/weekend level shift. */
function shape(t: number): number {
  const d = new Date(t);
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  return 200 + 60 * Math.sin((2 * Math.PI * d.getUTCHours()) / 24) + (weekend ? -50 : 0);
}

function options(overrides: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    models: ['ridge', 'seasonal-naive'],
    origins: 3,
    horizonSteps: 48,
    trainWindowMs: 8 * WEEK,
    quantile: 0.9,
    context: { zone: 'UTC' },
    capacity: DEFAULT_CAPACITY,
    ...overrides,
  };
}

function scoresOf(result: BacktestResult, model: string) {
  const found = result.models.find((m) => m.model === model);
  if (!found) throw new Error(`no scores for ${model}`);
  return found;
}

describe('runBacktest', () => {
  it('places the windows at the end of the history, oldest first, without overlap', () => {
    const series = hourly(5 * 7 * 24, shape);
    const result = runBacktest(series, options({ models: ['seasonal-naive'] }));
    expect(backtestOrigins(series.values.length, 3, 48)).toEqual([
      series.values.length - 144,
      series.values.length - 96,
      series.values.length - 48,
    ]);
    expect(result.origins).toEqual([
      result.end - 144 * HOUR,
      result.end - 96 * HOUR,
      result.end - 48 * HOUR,
    ]);
    expect(result.windows.map((w) => w.start)).toEqual(result.origins);
    for (const w of result.windows) {
      expect(w.forecast?.start).toBe(w.start);
      expect(w.forecast?.point.length).toBe(48);
      expect(w.steps).toBe(48);
    }
  });

  it('forecasts a noiseless weekly shape almost exactly, and plans it with no shortfall', () => {
    const series = hourly(6 * 7 * 24, shape);
    const result = runBacktest(series, options({ models: ['ridge', 'seasonal-naive', 'auto'] }));
    const mean = series.values.reduce((s, v) => s + v, 0) / series.values.length;
    for (const model of ['ridge', 'seasonal-naive', 'auto']) {
      const s = scoresOf(result, model);
      expect(s.steps).toBe(3 * 48);
      // Ridge is regularised (and fits on the log scale), so only nearly exact.
      expect(s.mae).toBeLessThan(0.02 * mean);
      expect(s.smape).toBeLessThan(0.02);
      expect(s.underProvisioned).toBe(0);
      expect(Math.abs(s.excess)).toBeLessThan(0.02);
    }
    // The chosen model is recorded for auto only.
    expect(scoresOf(result, 'auto').chosen).toBeDefined();
    expect(scoresOf(result, 'ridge').chosen).toBeUndefined();
    expect(result.windows.filter((w) => w.model === 'auto').every((w) => w.chosen)).toBe(true);
  });

  it('ridge beats seasonal naive on noise around a fixed shape (MASE)', () => {
    const noise = gaussian(mulberry32(7));
    const series = hourly(8 * 7 * 24, (t) => shape(t) + 15 * noise());
    const result = runBacktest(series, options({ origins: 2, horizonSteps: 168 }));
    const ridge = scoresOf(result, 'ridge');
    const naive = scoresOf(result, 'seasonal-naive');
    // Seasonal naive adds this week's noise to last week's: about √2 × the noise of a good fit.
    expect(naive.mase).toBeGreaterThan(0.85);
    expect(naive.mase).toBeLessThan(1.2);
    expect(ridge.mase).toBeLessThan(0.85 * naive.mase);
  });

  it('never lets a window see its own future: a jump at the last origin is not foreseen', () => {
    const steps = 5 * 7 * 24;
    const jumpAt = steps - 48;
    const flat = hourly(steps, shape);
    const jumped = hourly(steps, (t, i) => shape(t) + (i >= jumpAt ? 500 : 0));
    const models = ['auto', 'ridge', 'seasonal-naive', 'mstl', 'linear'];
    const before = runBacktest(flat, options({ models }));
    const after = runBacktest(jumped, options({ models }));
    expect(after.origins[2]).toBe(MONDAY + jumpAt * HOUR);
    for (let k = 0; k < after.windows.length; k++) {
      const a = after.windows[k];
      const b = before.windows[k];
      expect(a.failure).toBeUndefined();
      // Same history before every origin, so the same forecasts and bands, to the bit.
      expect(Array.from(a.forecast?.point ?? [])).toEqual(Array.from(b.forecast?.point ?? []));
      expect(Array.from(a.forecast?.upper ?? [])).toEqual(Array.from(b.forecast?.upper ?? []));
      if (a.index === 2) {
        // The jump is 500 on a load of about 200: its window's forecast misses all of it.
        expect(a.mae).toBeGreaterThan(450);
        expect(a.underProvisioned).toBeGreaterThan(0.9);
      } else {
        expect(a.mae).toBe(b.mae);
      }
    }
  });

  it('reports coverage near the asked level on iid noise', () => {
    const noise = gaussian(mulberry32(11));
    const series = hourly(10 * 7 * 24, (t) => shape(t) + 20 * noise());
    const result = runBacktest(
      series,
      options({ models: ['ridge', 'seasonal-naive'], origins: 4, horizonSteps: 168 }),
    );
    for (const s of result.models) {
      for (const value of [s.coverage, s.upperCoverage, s.underProvisioned]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
      expect(s.upperCoverage).toBeGreaterThan(0.75);
      expect(s.upperCoverage).toBeLessThan(0.99);
      // The 10–90% band: asked 80%.
      expect(s.coverage).toBeGreaterThan(0.6);
      expect(s.coverage).toBeLessThan(0.95);
      expect(s.upperCoverage).toBeGreaterThanOrEqual(s.coverage);
    }
  });

  it('does not score missing actuals', () => {
    const series = hourly(4 * 7 * 24, shape);
    const n = series.values.length;
    for (let i = n - 10; i < n; i++) series.values[i] = NaN;
    const result = runBacktest(series, options({ models: ['ridge'] }));
    const last = result.windows[2];
    expect(last.steps).toBe(38);
    expect(Number.isFinite(last.mae)).toBe(true);
    expect(scoresOf(result, 'ridge').steps).toBe(48 + 48 + 38);
  });

  it('refuses when less than 2 days of history precede the first window', () => {
    const series = hourly(5 * 24, shape);
    const run = () => runBacktest(series, options({ origins: 4, horizonSteps: 24 }));
    expect(run).toThrow(UserError);
    try {
      run();
    } catch (error) {
      expect((error as UserError).message).toContain('before the first');
      expect((error as UserError).hint).toMatch(/--origins.*--horizon/);
    }
    // Three windows of a day leave exactly 2 days: enough.
    expect(() => runBacktest(series, options({ origins: 3, horizonSteps: 24 }))).not.toThrow();
  });

  it('reports progress after each model and window', () => {
    const series = hourly(3 * 7 * 24, shape);
    const calls: [number, number][] = [];
    runBacktest(
      series,
      options({ models: ['ridge', 'linear'], onProgress: (d, t) => calls.push([d, t]) }),
    );
    expect(calls).toEqual([0, 1, 2, 3, 4, 5, 6].map((d) => [d, 6]));
  });
});

describe('naiveScale and fittingHorizon', () => {
  it('uses a weekly season with two weeks of history, else a daily one', () => {
    // Level differs by day of week only: a daily season sees it, a weekly one does not.
    const weekly = hourly(14 * 24, (t) => new Date(t).getUTCDay() * 10);
    expect(naiveScale(weekly)).toBe(0);
    const short = hourly(13 * 24, (t) => new Date(t).getUTCDay() * 10);
    expect(naiveScale(short)).toBeGreaterThan(0);
  });

  it('shortens the window to leave a week before the first origin, in whole days', () => {
    const twoWeeks = 14 * 24;
    expect(fittingHorizon(twoWeeks, HOUR, 4, 168)).toBe(24);
    expect(fittingHorizon(twoWeeks, HOUR, 3, 48)).toBe(48);
    expect(fittingHorizon(30 * 7 * 24, HOUR, 4, 168)).toBe(168);
    // Nothing fits: the asked length comes back, for runBacktest to refuse with a reason.
    expect(fittingHorizon(24, HOUR, 4, 168)).toBe(168);
  });
});

describe('backtestPeak', () => {
  const capacity = { ...DEFAULT_CAPACITY, capacityPerServer: 100, targetUtilization: 1 };

  it('takes the peak of the backtested windows only, skipping missing values', () => {
    const series = hourly(10, (_, i) => (i === 0 ? 1000 : i === 9 ? NaN : i));
    expect(backtestPeak(series, 2, 3, capacity)).toEqual({ peak: 8, flat: true });
  });

  it('is not flat when the peak needs more than --min-servers', () => {
    const series = hourly(4, () => 250);
    expect(backtestPeak(series, 1, 2, { ...capacity, minServers: 2 })).toEqual({
      peak: 250,
      flat: false,
    });
    expect(backtestPeak(series, 1, 2, { ...capacity, minServers: 3 }).flat).toBe(true);
  });

  it('has no peak, and is not flat, when every value is missing', () => {
    const series = hourly(4, () => NaN);
    expect(backtestPeak(series, 1, 2, capacity)).toEqual({ peak: -Infinity, flat: false });
  });
});

describe('renderBacktestChart', () => {
  it('renders a 1200×600 PNG', () => {
    const noise = gaussian(mulberry32(3));
    const series = hourly(4 * 7 * 24, (t) => shape(t) + 10 * noise());
    const result = runBacktest(series, options({ models: ['auto', 'seasonal-naive'] }));
    const png = renderBacktestChart(series, result, { zone: 'UTC', unit: 'requests' });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(BACKTEST_CHART_SIZE.width);
    expect(png.readUInt32BE(20)).toBe(BACKTEST_CHART_SIZE.height);
  });
});
