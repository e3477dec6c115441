import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY, planCapacity, serversFor } from '../src/capacity/servers.js';
import type { CapacitySettings, Forecast } from '../src/types.js';

const HOUR = 3_600_000;

const settings = (overrides: Partial<CapacitySettings> = {}): CapacitySettings => ({
  capacityPerServer: 100,
  targetUtilization: 0.7,
  headroom: 0,
  baseServers: 0,
  minServers: 1,
  maxServers: Number.POSITIVE_INFINITY,
  rounding: 'ceil',
  planOn: 'upper',
  risk: 0.01,
  peakUtilization: 1,
  ...overrides,
});

/** The first design: base 2, 100 per server, 20% headroom, floor, at least 2, on the point forecast. */
const FIRST_DESIGN = settings({
  capacityPerServer: 100,
  targetUtilization: 1,
  headroom: 0.2,
  baseServers: 2,
  minServers: 2,
  rounding: 'floor',
  planOn: 'point',
});
const firstDesignRule = (load: number) => Math.max(2, Math.floor(2 + (load / 100) * 1.2));

function forecast(point: number[], upper: number[]): Forecast {
  return {
    model: 'test',
    start: Date.UTC(2024, 4, 1),
    stepMs: HOUR,
    point: Float64Array.from(point),
    lower: Float64Array.from(point, (v) => v / 2),
    upper: Float64Array.from(upper),
    quantile: 0.9,
    intervalMethod: 'test',
  };
}

describe('serversFor', () => {
  it.each<[number, Partial<CapacitySettings>, number]>([
    // ceil(planned / (capacity × utilisation)), here 100 × 0.7 = 70 per server
    [0, {}, 1],
    [1, {}, 1],
    [70, {}, 1],
    [70.001, {}, 2],
    [140, {}, 2], // 140 / 70 = 2.0000000000000004 in floating point: still 2
    [141, {}, 3],
    [210, {}, 3],
    [700, {}, 10],
    [701, {}, 11],
    [-50, {}, 1], // negative forecasts plan no load
    // utilisation 1
    [100, { targetUtilization: 1 }, 1],
    [101, { targetUtilization: 1 }, 2],
    [300, { targetUtilization: 1 }, 3],
    // headroom multiplies the load-derived count; base is added before rounding
    [100, { targetUtilization: 1, headroom: 0.5 }, 2],
    [200, { targetUtilization: 1, headroom: 0.5 }, 3],
    [0, { baseServers: 2 }, 2],
    [71, { baseServers: 2 }, 4],
    // rounding
    [105, { targetUtilization: 1, capacityPerServer: 70, rounding: 'round' }, 2],
    [104, { targetUtilization: 1, capacityPerServer: 70, rounding: 'round' }, 1],
    [139, { rounding: 'floor' }, 1],
    [140, { rounding: 'floor' }, 2],
    // clamping
    [10, { minServers: 3 }, 3],
    [0, { minServers: 0 }, 0],
    [1000, { maxServers: 5 }, 5],
    [350, { maxServers: 5 }, 5],
    [349, { maxServers: 5 }, 5],
    [280, { maxServers: 5 }, 4],
    [1000, { minServers: 2, maxServers: 2 }, 2],
  ])('%d with %j → %d', (planned, overrides, expected) => {
    expect(serversFor(planned, settings(overrides))).toBe(expected);
  });

  it.each([
    [0, 2],
    [50, 2],
    [99, 3],
    [100, 3],
    [250, 5],
    [1000, 14],
  ])("reproduces the first design's rule: load %d → %d servers", (load, expected) => {
    expect(firstDesignRule(load)).toBe(expected);
    expect(serversFor(load, FIRST_DESIGN)).toBe(expected);
  });

  it("agrees with the first design's rule on a sweep of loads", () => {
    for (let load = 0; load <= 5000; load += 0.5) {
      if (serversFor(load, FIRST_DESIGN) !== firstDesignRule(load)) {
        expect.fail(`load ${load}: ${serversFor(load, FIRST_DESIGN)} ≠ ${firstDesignRule(load)}`);
      }
    }
  });

  it('defaults to ceil at 70% of 100 per server, at least 1, no maximum, a 1% risk budget', () => {
    expect(DEFAULT_CAPACITY).toMatchObject({
      capacityPerServer: 100,
      targetUtilization: 0.7,
      minServers: 1,
      rounding: 'ceil',
      planOn: 'risk',
      risk: 0.01,
      peakUtilization: 1,
    });
    expect(serversFor(141, DEFAULT_CAPACITY)).toBe(3);
    expect(serversFor(1e6, DEFAULT_CAPACITY)).toBe(Math.ceil(1e6 / 70));
  });
});

describe('planCapacity', () => {
  const fc = forecast([50, 150, 300, 900], [100, 250, 600, 1500]);

  it('plans on the upper quantile by default', () => {
    const plan = planCapacity(fc, settings({ targetUtilization: 1 }));
    expect(Array.from(plan.servers)).toEqual([1, 3, 6, 15]);
    expect(Array.from(plan.plannedLoad)).toEqual([100, 250, 600, 1500]);
    expect(Array.from(plan.forecast)).toEqual([50, 150, 300, 900]);
    expect(plan.start).toBe(fc.start);
    expect(plan.stepMs).toBe(HOUR);
    expect(plan.cappedSteps).toBe(0);
  });

  it('plans on the point forecast when asked', () => {
    const plan = planCapacity(fc, settings({ targetUtilization: 1, planOn: 'point' }));
    expect(Array.from(plan.servers)).toEqual([1, 2, 3, 9]);
    expect(Array.from(plan.plannedLoad)).toEqual([50, 150, 300, 900]);
  });

  it('counts the steps where max-servers leaves load uncovered', () => {
    const upper = planCapacity(fc, settings({ targetUtilization: 1, maxServers: 6 }));
    expect(Array.from(upper.servers)).toEqual([1, 3, 6, 6]);
    // 600 needs exactly 6: the clamp does not bind there.
    expect(upper.cappedSteps).toBe(1);
    const tight = planCapacity(fc, settings({ targetUtilization: 1, maxServers: 2 }));
    expect(Array.from(tight.servers)).toEqual([1, 2, 2, 2]);
    expect(tight.cappedSteps).toBe(3);
    const point = planCapacity(
      fc,
      settings({ targetUtilization: 1, maxServers: 2, planOn: 'point' }),
    );
    expect(point.cappedSteps).toBe(2);
  });

  it('does not count min-servers as capping', () => {
    const plan = planCapacity(fc, settings({ targetUtilization: 1, minServers: 10 }));
    expect(Array.from(plan.servers)).toEqual([10, 10, 10, 15]);
    expect(plan.cappedSteps).toBe(0);
  });

  it("reproduces the first design's plan on the point forecast", () => {
    const loads = [0, 50, 99, 100, 250, 1000];
    const plan = planCapacity(
      forecast(
        loads,
        loads.map((v) => v * 3),
      ),
      FIRST_DESIGN,
    );
    expect(Array.from(plan.servers)).toEqual([2, 2, 3, 3, 5, 14]);
  });
});
