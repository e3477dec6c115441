import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY } from '../src/capacity/servers.js';
import { UserError } from '../src/errors.js';
import { reviewSchedule, type ReviewInput } from '../src/evaluate/review.js';
import { REVIEW_CHART_SIZE, renderReviewChart } from '../src/report/review-chart.js';
import type { CapacitySettings, Schedule } from '../src/types.js';
import { HOUR, MONDAY } from './helpers/series.js';
import { thrown } from './helpers/thrown.js';

/**
 * A 7-hour plan from Monday 00:00 UTC: 4 servers, 2 from 01:00, 6 from 03:00, 1 from 04:00 until
 * 07:00; 100 per server at 50%, 1–6 servers, a 10% budget.
 */
const schedule: Schedule = {
  start: MONDAY,
  end: MONDAY + 7 * HOUR,
  stepMs: HOUR,
  entries: [
    { timestamp: MONDAY, capacity: 4, change: 0, action: 'initial' },
    { timestamp: MONDAY + 1 * HOUR, capacity: 2, change: -2, action: 'scale_down' },
    { timestamp: MONDAY + 3 * HOUR, capacity: 6, change: 4, action: 'scale_up' },
    { timestamp: MONDAY + 4 * HOUR, capacity: 1, change: -5, action: 'scale_down' },
  ],
};
const capacity: CapacitySettings = {
  ...DEFAULT_CAPACITY,
  capacityPerServer: 100,
  targetUtilization: 0.5,
  minServers: 1,
  maxServers: 6,
  risk: 0.1,
};

/**
 * Hourly from 22:00 the day before to 07:00: the two hours before and the one after the plan are
 * 999 (not scored), 02:00 is missing.
 */
const values = [999, 999, 150, 210, NaN, 380, 130, 20, 10, 999];
const input: ReviewInput = {
  schedule,
  capacity,
  budget: 0.1,
  expectedShortShare: 0.05,
  actual: {
    name: 'load',
    start: MONDAY - 2 * HOUR,
    stepMs: HOUR,
    values: Float64Array.from(values),
  },
  zone: 'UTC',
  file: 'after.csv',
};

describe('reviewSchedule', () => {
  it('scores the intervals inside the plan against its step function, by hand', () => {
    const r = reviewSchedule(input);
    // hour:    00   01   02   03   04   05   06
    // demand: 150  210   –   380  130   20   10
    // servers:  4    2   (2)   6    1    1    1
    // oracle:   3    5    –    6    3    1    1   (ceil(demand / 50), within 1–6)
    expect(r.steps.map((s) => [s.demand, s.servers, s.oracle, s.short])).toEqual([
      [150, 4, 3, false],
      [210, 2, 5, true],
      [380, 6, 6, false],
      [130, 1, 3, true],
      [20, 1, 1, false],
      [10, 1, 1, false],
    ]);
    expect(r.planHours).toBe(7);
    expect(r.scoredSteps).toBe(6);
    expect(r.scoredHours).toBe(6);
    expect(r.missingHours).toBe(1);
    expect(r.outsideSteps).toBe(3);
    expect(r.shortSteps).toBe(2);
    expect(r.shortHours).toBe(2);
    expect(r.shortShare).toBeCloseTo(1 / 3, 12);
    expect(r.budget).toBe(0.1);
    expect(r.overBudget).toBe(true);
    expect(r.expectedShortShare).toBe(0.05);
    expect(r.expectedShortHours).toBeCloseTo(0.3, 12);
    // 4+2+6+1+1+1 = 15 planned, 3+5+6+3+1+1 = 19 needed: 1 above at 00:00, 3 + 2 below.
    expect(r.serverHours).toBe(15);
    expect(r.oracleServerHours).toBe(19);
    expect(r.excessServerHours).toBe(-4);
    expect(r.aboveOracleServerHours).toBe(1);
    expect(r.belowOracleServerHours).toBe(5);
    expect(r.excess).toBeCloseTo(15 / 19 - 1, 12);
    // The five busiest hours by demand ÷ capacity at 100%; 06:00 (10%) is left out.
    expect(r.worst.map((s) => [(s.time - MONDAY) / HOUR, s.capacity, s.utilisation])).toEqual([
      [4, 100, 1.3],
      [1, 200, 1.05],
      [3, 600, 380 / 600],
      [0, 400, 0.375],
      [5, 100, 0.2],
    ]);
  });

  it('is within budget when the short share is at most the budget, and has no verdict without one', () => {
    expect(reviewSchedule({ ...input, budget: 1 / 3 }).overBudget).toBe(false);
    const none = reviewSchedule({ ...input, budget: undefined, expectedShortShare: undefined });
    expect(none.overBudget).toBeUndefined();
    expect(none.budget).toBeUndefined();
    expect(none.expectedShortHours).toBeUndefined();
  });

  it('counts hours by the CSV interval: 30-minute data scores half-hours', () => {
    const halfHourly = Float64Array.from({ length: 14 }, (_, i) => (i === 3 ? 250 : 100));
    const r = reviewSchedule({
      ...input,
      actual: { name: 'load', start: MONDAY, stepMs: HOUR / 2, values: halfHourly },
    });
    expect(r.scoredSteps).toBe(14);
    expect(r.scoredHours).toBe(7);
    expect(r.missingHours).toBe(0);
    // 01:30 holds 2 servers (200): 250 is short, for half an hour.
    expect(r.shortSteps).toBe(1);
    expect(r.shortHours).toBe(0.5);
    expect(r.worst[0]).toMatchObject({ time: MONDAY + 1.5 * HOUR, servers: 2, utilisation: 1.25 });
  });

  it('refuses a CSV with no load inside the plan, naming the span and what the CSV covers', async () => {
    const before = {
      name: 'load',
      start: MONDAY - 48 * HOUR,
      stepMs: HOUR,
      values: new Float64Array(24).fill(100),
    };
    const error = await thrown(() => reviewSchedule({ ...input, actual: before }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      "after.csv has no load inside the plan's span 2024-04-22T00:00:00Z – 2024-04-22T07:00:00Z; it covers 2024-04-20T00:00:00Z – 2024-04-21T00:00:00Z",
    );
  });

  it('draws demand against the planned capacity as a PNG', () => {
    const r = reviewSchedule(input);
    const png = renderReviewChart(r, schedule, capacity, {
      zone: 'Europe/Berlin',
      unit: 'requests/s',
    });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(REVIEW_CHART_SIZE.width);
    expect(png.readUInt32BE(20)).toBe(REVIEW_CHART_SIZE.height);
  });
});
