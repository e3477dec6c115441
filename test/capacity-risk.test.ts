import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY, planCapacity, serversFor } from '../src/capacity/servers.js';
import { exceedance, type PredictiveDistribution } from '../src/evaluate/predictive.js';
import type { CapacitySettings, Forecast } from '../src/types.js';

const HOUR = 3_600_000;
const settings = (overrides: Partial<CapacitySettings> = {}): CapacitySettings => ({
  ...DEFAULT_CAPACITY,
  capacityPerServer: 100,
  minServers: 0,
  ...overrides,
});

/** A forecast whose demand at step t is point[t] + scale[t] × one of `scores`, equally likely. */
function forecast(point: number[], scale: number[], scores: number[]): Forecast {
  const distribution: PredictiveDistribution = {
    scale: Float64Array.from(scale),
    scores: Float64Array.from(scores).sort(),
  };
  return {
    model: 'test',
    start: 0,
    stepMs: HOUR,
    point: Float64Array.from(point),
    lower: Float64Array.from(point),
    upper: Float64Array.from(point),
    quantile: 0.9,
    intervalMethod: 'test',
    distribution,
  };
}

/** 100 equally likely scores 0.01, 0.02, …, 1.00: P(score > x) = 1 − x for x in [0, 1]. */
const uniform = Array.from({ length: 100 }, (_, i) => (i + 1) / 100);

describe('the risk budget', () => {
  type Case = [
    what: string,
    point: number[],
    scale: number[],
    budget: number,
    servers: number[],
    expectedShort: number,
  ];
  const cases: Case[] = [
    // The forecast at 70% (2 servers for 100) already covers the whole distribution: nothing added.
    ['a narrow band needs nothing above the forecast', [100, 100], [10, 10], 0.01, [2, 2], 0],
    // Demand 100 + 200·U: 3 servers (300) cover all; 2 servers leave P(U > 0.5) = 50% short.
    ['a budget of 0 covers every score', [100], [200], 0, [3], 0],
    ['a budget of 50% takes the cheaper count', [100], [200], 0.5, [2], 0.5],
    // Two steps, budget 25% of steps = 0.5 expected short steps: one of them may take 50%.
    [
      'the budget is spent on one step when it allows one',
      [100, 100],
      [200, 200],
      0.25,
      [2, 3],
      0.25,
    ],
    // Step 0 saves its one server for P 0.5; step 1 (demand 100 + 1000·U) saves a server for
    // every 0.1 of P: the budget of 0.5 saves five servers there, one at step 0.
    [
      'a steep tail is covered, a long one takes the risk',
      [100, 100],
      [200, 1000],
      0.25,
      [3, 6],
      0.25,
    ],
  ];
  it.each(cases)('%s', (_, point, scale, budget, servers, expectedShort) => {
    const plan = planCapacity(forecast(point, scale, uniform), settings({ risk: budget }));
    expect(Array.from(plan.servers)).toEqual(servers);
    expect(plan.risk?.expectedShortShare).toBeCloseTo(expectedShort, 9);
    const atTarget = point.map((p) => serversFor(p, settings()));
    expect(plan.risk?.extraServerSteps).toBe(
      servers.reduce((sum, n, i) => sum + n - atTarget[i], 0),
    );
  });

  it('never plans fewer servers than the forecast needs at the target utilisation', () => {
    const plan = planCapacity(forecast([1000], [1], [-500, 0, 1]), settings({ risk: 0.5 }));
    expect(plan.servers[0]).toBe(serversFor(1000, settings()));
  });

  it('keeps --max-servers and says the budget could not be met', () => {
    const plan = planCapacity(forecast([100], [1000], uniform), settings({ maxServers: 4 }));
    expect(plan.servers[0]).toBe(4);
    expect(plan.risk?.expectedShortShare).toBeGreaterThan(0.01);
  });

  it('meets the budget it is given, and a wider budget never adds a server', () => {
    const step = fc.record({
      point: fc.double({ min: 0, max: 5000, noNaN: true }),
      scale: fc.double({ min: 0.1, max: 2000, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 40 }),
        fc.array(fc.double({ min: -3, max: 8, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (steps, scores, a, b) => {
          const f = forecast(
            steps.map((s) => s.point),
            steps.map((s) => s.scale),
            scores,
          );
          const [small, large] = a <= b ? [a, b] : [b, a];
          const tight = planCapacity(f, settings({ risk: small }));
          const loose = planCapacity(f, settings({ risk: large }));
          for (let t = 0; t < steps.length; t++) {
            expect(loose.servers[t]).toBeLessThanOrEqual(tight.servers[t]);
          }
          expect(tight.risk!.expectedShortShare).toBeLessThanOrEqual(small + 1e-12);
          // The promise is what the distribution says of the servers planned.
          const { scale, scores: sorted } = f.distribution!;
          const promised =
            steps.reduce(
              (sum, s, t) => sum + exceedance(s.point, scale[t], sorted, tight.servers[t] * 100),
              0,
            ) / steps.length;
          expect(tight.risk!.expectedShortShare).toBeCloseTo(promised, 12);
        },
      ),
      { numRuns: 300 },
    );
  });
});
