import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY, planCapacity, serversFor } from '../src/capacity/servers.js';
import { exceedance, tailScale, type PredictiveDistribution } from '../src/evaluate/predictive.js';
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
  const sorted = Float64Array.from(scores).sort();
  const distribution: PredictiveDistribution = {
    scale: Float64Array.from(scale),
    scores: sorted,
    tail: tailScale(sorted),
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

/**
 * 100 scores 0.01, 0.02, …, 1.00. The i-th is the (i + ½)/100 quantile, so between 0.01 and 1
 * P(score > x) = 1.005 − x; above 1 the tail (scale: the mean excess over the 0.905 quantile,
 * 0.05) gives P = 0.005 × e^(−(x − 1)/0.05).
 */
const uniform = Array.from({ length: 100 }, (_, i) => (i + 1) / 100);
const tailBeyond = (x: number) => 0.005 * Math.exp(-(x - 1) / 0.05);

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
    // The forecast at 70% (2 servers for 100) leaves demand 10 spreads of margin: nothing added.
    [
      'a narrow band needs nothing above the forecast',
      [100, 100],
      [10, 10],
      0.01,
      [2, 2],
      tailBeyond(10),
    ],
    // Demand 100 + 200·score: 2 servers leave P(score > 0.5) = 0.505 short, 3 leave 0.005.
    ['a budget just under a step keeps the server', [100], [200], 0.5, [3], 0.005],
    ['a budget just over a step saves the server', [100], [200], 0.51, [2], 0.505],
    // Two such steps, 0.52 expected short steps allowed: one of them may take the 0.505.
    [
      'the budget is spent on one step when it allows one',
      [100, 100],
      [200, 200],
      0.26,
      [2, 3],
      0.255,
    ],
    // Step 0 saves its third server for 0.5 of risk; step 1 (demand 100 + 1000·score) saves a
    // server for every 0.1: four of step 1's servers go, none of step 0's.
    [
      'a steep tail is covered, a long one takes the risk',
      [100, 100],
      [200, 1000],
      0.25,
      [3, 7],
      0.205,
    ],
  ];
  it.each(cases)('%s', (_, point, scale, budget, servers, expectedShort) => {
    const plan = planCapacity(forecast(point, scale, uniform), settings({ risk: budget }));
    expect(Array.from(plan.servers)).toEqual(servers);
    expect(plan.risk?.expectedShortShare).toBeCloseTo(expectedShort, 4);
    const atTarget = point.map((p) => serversFor(p, settings()));
    expect(plan.risk?.extraServerSteps).toBe(
      servers.reduce((sum, n, i) => sum + n - atTarget[i], 0),
    );
  });

  it('a budget of 0 plans to where the tail is negligible', () => {
    const plan = planCapacity(forecast([100], [200], uniform), settings({ risk: 0 }));
    // 1 + 0.05 ln(0.005 / 10⁻⁶) = 1.43 spreads: 100 + 286 needs 4 servers.
    expect(plan.servers[0]).toBe(4);
    expect(plan.risk?.expectedShortShare).toBeCloseTo(tailBeyond(1.5), 12);
  });

  it('plans thousands of servers over many steps by listing every stride-th count', () => {
    // 500 steps × about 200,000 counts each: listed every 100th count, the plan still keeps its
    // budget and never goes below the forecast at the target utilisation.
    const steps = 500;
    const f = forecast(
      Array.from({ length: steps }, (_, t) => 1e5 + 1e4 * Math.sin(t / 10)),
      Array.from({ length: steps }, () => 1e5),
      uniform,
    );
    const manyServers = settings({ capacityPerServer: 0.5 });
    const plan = planCapacity(f, manyServers);
    expect(plan.risk!.expectedShortShare).toBeLessThanOrEqual(0.01);
    expect(plan.risk!.expectedShortShare).toBeGreaterThan(0.005);
    plan.servers.forEach((n, t) => {
      expect(n).toBeGreaterThanOrEqual(serversFor(f.point[t], manyServers));
    });
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

  it('a step held at --max-servers does not make the other steps chase the budget it cannot meet', () => {
    // Step 0 needs far more than the cap; steps 1–9 are quiet. Their servers are what they get
    // without the busy step, not the most their tails could ever use.
    const point = [100, ...Array(9).fill(100)];
    const scale = [1000, ...Array(9).fill(100)];
    const capped = planCapacity(forecast(point, scale, uniform), settings({ maxServers: 4 }));
    const quiet = planCapacity(
      forecast(point.slice(1), scale.slice(1), uniform),
      settings({ maxServers: 4, risk: (0.01 * 10) / 9 }),
    );
    expect(capped.servers[0]).toBe(4);
    expect(Array.from(capped.servers.slice(1))).toEqual(Array.from(quiet.servers));
    expect(capped.risk?.expectedShortShare).toBeGreaterThan(0.01);
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
          // A plan starts where each step's chance of a shortfall is at most 10⁻⁶.
          expect(tight.risk!.expectedShortShare).toBeLessThanOrEqual(Math.max(small, 1e-6) + 1e-12);
          // The promise is what the distribution says of the servers planned.
          const { scale } = f.distribution!;
          const promised =
            steps.reduce(
              (sum, s, t) =>
                sum + exceedance(s.point, scale[t], f.distribution!, tight.servers[t] * 100),
              0,
            ) / steps.length;
          expect(tight.risk!.expectedShortShare).toBeCloseTo(promised, 12);
        },
      ),
      { numRuns: 300 },
    );
  });
});
