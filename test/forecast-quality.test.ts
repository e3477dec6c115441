import { describe, expect, it } from 'vitest';
import { DAY, HOUR, hourly, MONDAY, UTC, WEEK } from './helpers/series.js';
import { DEFAULT_CAPACITY, planCapacity, plannedLoadFor } from '../src/capacity/servers.js';
import { gaussian, mulberry32 } from '../src/data/synthetic.js';
import { backtestErrors } from '../src/evaluate/intervals.js';
import { selectModel, SWITCH_MARGIN } from '../src/evaluate/select.js';
import { designFor, designRow, layoutOf } from '../src/features/design.js';
import { makeCalendar } from '../src/features/events.js';
import { getForecaster, restoreModel } from '../src/models/registry.js';
import { DEFAULT_RIDGE, ridgeForecaster, ridgeWith } from '../src/models/ridge.js';
import { forecastSeries } from '../src/pipeline.js';
import type { CapacitySettings, Forecast } from '../src/types.js';

const hourOf = (t: number) => new Date(t).getUTCHours();
const isWeekend = (t: number) => [0, 6].includes(new Date(t).getUTCDay());
/** Daily swing proportional to the level, quieter weekends: multiplicative seasonality. */
const multiplicative = (t: number) =>
  (isWeekend(t) ? 400 : 1000) * (1 + 0.6 * Math.sin((2 * Math.PI * (hourOf(t) - 6)) / 24));

const mae = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
};

describe('ridge on the log scale', () => {
  it('recovers multiplicative seasonality closely, and better than the additive fit', () => {
    const history = hourly(MONDAY, 4 * 168, multiplicative);
    const next = hourly(MONDAY + 4 * WEEK, 168, multiplicative);
    const logFit = ridgeForecaster.fit(history, UTC).predict(history, 168);
    const additive = ridgeWith({ ...DEFAULT_RIDGE, transform: 'none' })
      .fit(history, UTC)
      .predict(history, 168);
    // Within 3% of the weekday level; the slot effects are shrunk a little by their penalty.
    expect(mae(logFit, next.values)).toBeLessThan(30);
    expect(mae(logFit, next.values)).toBeLessThan(mae(additive, next.values));
  });

  it('down-weights outages recorded as zero and reports them as anomalies', () => {
    const noise = gaussian(mulberry32(3));
    const outage = (i: number) => i >= 10 * 24 + 12 && i < 10 * 24 + 18;
    const history = hourly(MONDAY, 4 * 168, (t, i) =>
      outage(i) ? 0 : multiplicative(t) * (1 + 0.03 * noise()),
    );
    const next = hourly(MONDAY + 4 * WEEK, 168, multiplicative);
    const robust = ridgeForecaster.fit(history, UTC);
    const plain = ridgeWith({ ...DEFAULT_RIDGE, robust: false }).fit(history, UTC);
    expect(robust.describe().anomalies).toBeGreaterThanOrEqual(6);
    // The outage is on a Thursday afternoon: the robust fit's Thursdays stay whole.
    const thursday = (out: Float64Array) =>
      mae(out.slice(3 * 24 + 12, 3 * 24 + 18), next.values.slice(3 * 24 + 12, 3 * 24 + 18));
    expect(thursday(robust.predict(history, 168))).toBeLessThan(
      thursday(plain.predict(history, 168)),
    );
  });
});

describe('auto model selection', () => {
  it('keeps ridge on a regular series and names the others with their errors', () => {
    const noise = gaussian(mulberry32(11));
    const history = hourly(MONDAY, 6 * 168, (t) => multiplicative(t) * (1 + 0.05 * noise()));
    const { selection } = selectModel(history, 168, UTC, ['ridge', 'seasonal-naive']);
    expect(selection.chosen).toBe('ridge');
    expect(selection.reason).toMatch(/no other model was 20% better \(seasonal-naive [\d,.]+\)/);
    expect(selection.scores.map((s) => s.model)).toEqual(['ridge', 'seasonal-naive']);
  });

  it('switches when a challenger is clearly better: a series that repeats last week exactly', () => {
    // A pattern ridge cannot express (a different random shape every hour of the week) that
    // repeats exactly: seasonal naive is perfect, ridge smooths it.
    const random = mulberry32(5);
    const week = Array.from({ length: 168 }, () => 100 + 900 * random());
    const history = hourly(MONDAY, 5 * 168, (_, i) => week[i % 168]);
    const { selection } = selectModel(history, 168, UTC, ['ridge', 'seasonal-naive']);
    expect(selection.chosen).toBe('seasonal-naive');
    const [ridge, naive] = selection.scores;
    expect(naive.mae).toBeLessThan(ridge.mae * SWITCH_MARGIN);
    expect(selection.reason).toContain("below ridge's");
  });

  it('is the default path of forecastSeries and reports its choice', () => {
    const history = hourly(MONDAY, 4 * 168, multiplicative);
    const result = forecastSeries('auto', history, {
      horizonMs: 2 * DAY,
      quantile: 0.9,
      trainWindowMs: 8 * WEEK,
      context: UTC,
    });
    expect(result.selection?.chosen).toBe(result.forecast.model);
    expect(result.forecast.point).toHaveLength(48);
  });

  it('says when a short history leaves only the daily cycle', () => {
    const history = hourly(MONDAY, 10 * 24, multiplicative);
    const result = forecastSeries('ridge', history, {
      horizonMs: DAY,
      quantile: 0.9,
      trainWindowMs: 8 * WEEK,
      context: UTC,
    });
    expect(result.notes.join('\n')).toContain('10 days of history: daily seasonality only');
    expect(designFor('UTC', HOUR, MONDAY, 10 * 24).weeklyOrder).toBe(0);
  });
});

describe('holiday features', () => {
  const calendar = makeCalendar([{ date: '2024-05-01', name: 'May Day', kind: 'holiday' }]);

  it('add holiday, event and neighbouring-day columns', () => {
    const spec = designFor('UTC', HOUR, MONDAY, 4 * 168, calendar);
    const { names } = layoutOf(spec);
    const row = new Float64Array(names.length);
    const value = (t: number, name: string) => {
      designRow(t, spec, row);
      return row[names.indexOf(name)];
    };
    const holidayMorning = Date.UTC(2024, 4, 1, 10);
    expect(value(holidayMorning, 'holiday')).toBe(1);
    expect(value(holidayMorning, 'holiday_daily_cos1')).toBeCloseTo(
      Math.cos((2 * Math.PI * 10) / 24),
      12,
    );
    expect(value(Date.UTC(2024, 3, 30, 10), 'day_before')).toBe(1);
    expect(value(Date.UTC(2024, 4, 2, 10), 'day_after')).toBe(1);
    expect(value(Date.UTC(2024, 4, 2, 10), 'holiday')).toBe(0);
    expect(layoutOf(designFor('UTC', HOUR, MONDAY, 4 * 168)).names).not.toContain('holiday');
  });

  it('lower the forecast on a future holiday after learning from a past one', () => {
    // Weekdays busy, Sundays and the two holidays quiet; the forecast week holds a holiday.
    const holidays = makeCalendar([
      { date: '2024-05-08', name: 'Past holiday', kind: 'holiday' },
      { date: '2024-06-12', name: 'Future holiday', kind: 'holiday' },
    ]);
    const quiet = (t: number) =>
      isWeekend(t) || ['2024-05-08', '2024-06-12'].includes(new Date(t).toISOString().slice(0, 10));
    const load = (t: number) => (quiet(t) ? 300 : 1000);
    const history = hourly(MONDAY, 7 * 168, load);
    const withHolidays = ridgeForecaster.fit(history, { zone: 'UTC', calendar: holidays });
    const without = ridgeForecaster.fit(history, UTC);
    const wednesdayNoon = 2 * 24 + 12;
    expect(withHolidays.predict(history, 168)[wednesdayNoon]).toBeLessThan(450);
    expect(without.predict(history, 168)[wednesdayNoon]).toBeGreaterThan(800);
  });
});

describe('the balanced plan rule', () => {
  const settings = (over: Partial<CapacitySettings> = {}): CapacitySettings => ({
    ...DEFAULT_CAPACITY,
    ...over,
  });

  it.each([
    // point, upper, rule, expected planned load
    [100, 120, 'balanced', 100], // the forecast at 70% needs more than 120 at 100% (84)
    [100, 200, 'balanced', 140], // the bound at 100% needs more: 200 × 0.7
    [100, 200, 'upper', 200],
    [100, 200, 'point', 100],
  ] as const)('point %d, upper %d, %s → %d', (point, upper, planOn, expected) => {
    expect(plannedLoadFor(point, upper, settings({ planOn }))).toBeCloseTo(expected, 9);
  });

  it('keeps the upper bound within peak utilisation and the forecast within the target', () => {
    const forecast: Forecast = {
      model: 'test',
      start: MONDAY,
      stepMs: HOUR,
      point: Float64Array.from([50, 400, 700]),
      lower: Float64Array.from([0, 300, 600]),
      upper: Float64Array.from([300, 500, 760]),
      quantile: 0.9,
      intervalMethod: 'test',
    };
    const s = settings({ peakUtilization: 0.9 });
    const plan = planCapacity(forecast, s);
    plan.servers.forEach((servers, i) => {
      expect(forecast.point[i]).toBeLessThanOrEqual(
        servers * s.capacityPerServer * s.targetUtilization + 1e-9,
      );
      expect(forecast.upper[i]).toBeLessThanOrEqual(
        servers * s.capacityPerServer * s.peakUtilization + 1e-9,
      );
      // …and not a server more than one of the two conditions needs.
      expect(servers - 1).toBeLessThan(
        Math.max(
          forecast.point[i] / (s.capacityPerServer * s.targetUtilization),
          forecast.upper[i] / (s.capacityPerServer * s.peakUtilization),
        ),
      );
    });
  });
});

describe('the ensemble', () => {
  const noise = gaussian(mulberry32(21));
  const history = hourly(MONDAY, 5 * 168, (t) => multiplicative(t) * (1 + 0.05 * noise()));

  it('forecasts the mean of its parts', () => {
    const parts = ['ridge', 'mstl', 'seasonal-naive'].map((name) =>
      getForecaster(name).fit(history, UTC).predict(history, 48),
    );
    const ensemble = getForecaster('ensemble').fit(history, UTC).predict(history, 48);
    ensemble.forEach((value, h) => {
      expect(value).toBeCloseTo((parts[0][h] + parts[1][h] + parts[2][h]) / 3, 9);
    });
  });

  it('is scored by auto from its parts’ backtests exactly as if it were refitted', () => {
    const { selection } = selectModel(history, 168, UTC, [
      'ensemble',
      'ridge',
      'mstl',
      'seasonal-naive',
    ]);
    const direct = backtestErrors(getForecaster('ensemble'), history, 168, UTC);
    const mae = direct.errors.reduce((s, e) => s + Math.abs(e), 0) / direct.errors.length;
    expect(selection.scores[0].model).toBe('ensemble');
    expect(selection.scores[0].mae).toBeCloseTo(mae, 9);
  });

  it('survives saving and loading', () => {
    const model = getForecaster('ensemble').fit(history, UTC);
    const restored = restoreModel(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(restored.predict(history, 24))).toEqual(
      Array.from(model.predict(history, 24)),
    );
  });
});
