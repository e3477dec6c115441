import { describe, expect, it } from 'vitest';
import { planCapacity } from '../src/capacity/servers.js';
import { planFromForecast } from '../src/pipeline.js';
import { scheduleFromPlan } from '../src/schedule/changes.js';
import type { CapacityPlan, CapacitySettings, Forecast } from '../src/types.js';

const HOUR = 3_600_000;
const START = Date.UTC(2024, 4, 1);

/** One server per unit of load, no clamping: the plan's servers are exactly `counts`. */
const ONE_PER_UNIT: CapacitySettings = {
  capacityPerServer: 1,
  targetUtilization: 1,
  headroom: 0,
  baseServers: 0,
  minServers: 0,
  maxServers: Number.POSITIVE_INFINITY,
  rounding: 'ceil',
  planOn: 'point',
  risk: 0.01,
  peakUtilization: 1,
};

function forecastOf(counts: number[], stepMs = HOUR): Forecast {
  const point = Float64Array.from(counts);
  return {
    model: 'test',
    start: START,
    stepMs,
    point,
    lower: point,
    upper: point,
    quantile: 0.9,
    intervalMethod: 'test',
  };
}

function planOf(counts: number[], stepMs = HOUR): CapacityPlan {
  const plan = planCapacity(forecastOf(counts, stepMs), ONE_PER_UNIT);
  expect(Array.from(plan.servers)).toEqual(counts);
  return plan;
}

describe('scheduleFromPlan', () => {
  it('emits the initial count, then only the change points', () => {
    const schedule = scheduleFromPlan(planOf([2, 2, 3, 3, 3, 1, 1, 4]));
    expect(schedule.entries).toEqual([
      { timestamp: START, capacity: 2, change: 0, action: 'initial' },
      { timestamp: START + 2 * HOUR, capacity: 3, change: 1, action: 'scale_up' },
      { timestamp: START + 5 * HOUR, capacity: 1, change: -2, action: 'scale_down' },
      { timestamp: START + 7 * HOUR, capacity: 4, change: 3, action: 'scale_up' },
    ]);
    expect(schedule.start).toBe(START);
    expect(schedule.end).toBe(START + 8 * HOUR);
    expect(schedule.stepMs).toBe(HOUR);
  });

  it('yields a single initial entry for a constant plan', () => {
    const schedule = scheduleFromPlan(planOf([5, 5, 5, 5, 5, 5]));
    expect(schedule.entries).toEqual([
      { timestamp: START, capacity: 5, change: 0, action: 'initial' },
    ]);
    expect(schedule.end).toBe(START + 6 * HOUR);
  });

  it('records a change at every step of an alternating plan', () => {
    const schedule = scheduleFromPlan(planOf([1, 3, 1, 3], 15 * 60_000));
    expect(schedule.entries.map((e) => [e.action, e.change, e.capacity])).toEqual([
      ['initial', 0, 1],
      ['scale_up', 2, 3],
      ['scale_down', -2, 1],
      ['scale_up', 2, 3],
    ]);
    expect(schedule.entries.map((e) => e.timestamp - START)).toEqual(
      [0, 15, 30, 45].map((m) => m * 60_000),
    );
    expect(schedule.end).toBe(START + 60 * 60_000);
  });

  it('makes the changes add up to the final capacity', () => {
    const counts = [4, 6, 6, 9, 2, 2, 2, 7, 3, 3];
    const { entries } = scheduleFromPlan(planOf(counts));
    const total = entries.reduce((sum, e) => sum + e.change, entries[0].capacity);
    expect(total).toBe(counts[counts.length - 1]);
    for (const e of entries.slice(1)) {
      expect(e.change).not.toBe(0);
      expect(e.action).toBe(e.change > 0 ? 'scale_up' : 'scale_down');
    }
  });

  it('is what planFromForecast returns alongside the plan', () => {
    const { plan, schedule } = planFromForecast(forecastOf([1, 1, 2]), ONE_PER_UNIT);
    expect(Array.from(plan.servers)).toEqual([1, 1, 2]);
    expect(schedule).toEqual(scheduleFromPlan(plan));
    expect(schedule.entries).toHaveLength(2);
  });
});
