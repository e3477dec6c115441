import { describe, expect, it } from 'vitest';
import { FIRST_DESIGN_BEHAVIOR } from '../src/simulate/behavior.js';
import { busiestSpan } from '../src/simulate/busiest.js';
import { verdict } from '../src/simulate/compare.js';
import { fillMissing, tickDemand, type TickDemand } from '../src/simulate/demand.js';
import { advance, fleetOf, scaleTo, total, type Fleet } from '../src/simulate/fleet.js';
import { policyFigures, type PolicyFigures } from '../src/simulate/metrics.js';
import { hpaPolicy, predictivePolicy, type PolicySettings } from '../src/simulate/policies.js';
import { replay } from '../src/simulate/replay.js';
import { pushedSchedule, scheduledAt } from '../src/simulate/scheduled.js';
import {
  FIRST_DESIGN_STEP_SCALING,
  INITIAL_STEP_STATE,
  stepScalingSync,
  type StepScalingSpec,
  type StepScalingState,
} from '../src/simulate/step-scaling.js';
import type { Schedule } from '../src/types.js';
import { HOUR, MONDAY } from './helpers/series.js';

const S = 1000;
const MIN = 60 * S;

describe('fleet warm-up', () => {
  const warmup = 5 * MIN;
  it.each<[string, (f: Fleet) => Fleet, number, number, number]>([
    // name, what happens to 4 warm servers, when looked at, expected total, expected warm
    ['3 launched at 0 are not warm at 4 min', (f) => scaleTo(f, 7, 0, warmup), 4 * MIN, 7, 4],
    ['… and are warm at 5 min', (f) => scaleTo(f, 7, 0, warmup), 5 * MIN, 7, 7],
    [
      'scaling in removes warming servers first',
      (f) => scaleTo(scaleTo(f, 7, 0, warmup), 5, MIN, warmup),
      10 * MIN,
      5,
      5,
    ],
    [
      'the newest warming ones go first',
      (f) => scaleTo(scaleTo(scaleTo(f, 6, 0, warmup), 8, 2 * MIN, warmup), 7, 3 * MIN, warmup),
      5 * MIN,
      7,
      6, // the 2 from 0 are warm at 5 min; one of the 2 from 2 min was removed
    ],
    [
      'below the warming ones, warm ones go',
      (f) => scaleTo(scaleTo(f, 6, 0, warmup), 3, MIN, warmup),
      MIN,
      3,
      3,
    ],
    ['no warm-up: warm at once', (f) => scaleTo(f, 9, 0, 0), 0, 9, 9],
  ])('%s', (_name, change, at, expectedTotal, expectedWarm) => {
    const fleet = advance(change(fleetOf(4)), at);
    expect(total(fleet)).toBe(expectedTotal);
    expect(fleet.warm).toBe(expectedWarm);
  });
});

describe('step scaling: most of the last readings, then a cooldown', () => {
  const spec: StepScalingSpec = { ...FIRST_DESIGN_STEP_SCALING, minServers: 1, maxServers: 10 };
  const state = (readings: number[], lastActionAt = -Infinity): StepScalingState => ({
    readings,
    lastActionAt,
  });
  it.each<[string, StepScalingState, number, number, number, string]>([
    // name, state before, new reading, current, expected, reason
    ['3 of 5 above 70% → +1', state([0.8, 0.1, 0.8, 0.1]), 0.8, 4, 5, 'ScaleUp'],
    ['2 of 5 above, 2 below: hold', state([0.8, 0.8, 0.1, 0.1]), 0.5, 4, 4, 'WithinThresholds'],
    ['3 of 5 below 20% → −1', state([0.1, 0.1, 0.9, 0.9]), 0.1, 4, 3, 'ScaleDown'],
    ['exactly 70% is not above', state([0.7, 0.7, 0.7, 0.7]), 0.7, 4, 4, 'WithinThresholds'],
    ['only the last 5 count', state([0.9, 0.9, 0.9, 0.5, 0.5, 0.5]), 0.5, 4, 4, 'WithinThresholds'],
    ['3 readings so far, all above: already most of 5', state([0.9, 0.9]), 0.9, 4, 5, 'ScaleUp'],
    ['at the maximum: hold', state([0.9, 0.9, 0.9, 0.9]), 0.9, 10, 10, 'AtMaxServers'],
    ['at the minimum: hold', state([0.1, 0.1, 0.1, 0.1]), 0.1, 1, 1, 'AtMinServers'],
    ['30 s after an action: cooldown', state([0.9, 0.9, 0.9, 0.9], 570 * S), 0.9, 4, 4, 'Cooldown'],
    ['60 s after: act again', state([0.9, 0.9, 0.9, 0.9], 540 * S), 0.9, 4, 5, 'ScaleUp'],
  ])('%s', (_name, before, reading, current, expected, reason) => {
    const out = stepScalingSync(spec, before, { now: 600 * S, current, utilization: reading });
    expect([out.replicas, out.reason]).toEqual([expected, reason]);
    expect(out.state.lastActionAt).toBe(expected !== current ? 600 * S : before.lastActionAt);
  });

  it('with a 3-minute cooldown acts every third minute while readings stay high', () => {
    const slow = { ...spec, cooldownMs: 3 * MIN };
    let s = INITIAL_STEP_STATE;
    let current = 2;
    const counts: number[] = [];
    for (let minute = 1; minute <= 9; minute++) {
      const out = stepScalingSync(slow, s, { now: minute * MIN, current, utilization: 0.95 });
      s = out.state;
      current = out.replicas;
      counts.push(current);
    }
    // Most of 5 needs 3 readings: the first action at minute 3, then at 6 and 9.
    expect(counts).toEqual([2, 2, 3, 3, 3, 4, 4, 4, 5]);
  });
});

/** Demand given tick by tick (1-minute ticks from 0), all scored. */
function ticks(values: number[]): TickDemand {
  return {
    start: 0,
    tickMs: MIN,
    values: Float64Array.from(values),
    scored: new Uint8Array(values.length).fill(1),
  };
}

const policySettings = (overrides: Partial<PolicySettings> = {}): PolicySettings => ({
  targetUtilization: 0.5,
  minServers: 1,
  maxServers: 100,
  hpa: { tolerance: 0.1, behavior: FIRST_DESIGN_BEHAVIOR },
  step: FIRST_DESIGN_STEP_SCALING,
  schedule: { times: [], counts: [] },
  ...overrides,
});

describe('replay: warm-up delays the capacity a scale-up buys', () => {
  // 100 per server at target 50%: 200 needs 4 servers; then demand jumps to 500 at minute 3.
  const demand = ticks([200, 200, 200, ...Array<number>(9).fill(500)]);
  const settings = { capacityPerServer: 100, targetUtilization: 0.5 };

  it('the HPA scales at once, but the new servers serve only 5 minutes later', () => {
    const timeline = replay(hpaPolicy(policySettings()), demand, {
      ...settings,
      warmupMs: 5 * MIN,
    });
    // Minute 3: 500 on 4 servers is 100% (capped) → ceil(4 × 100/50) = 8, in force from minute 4.
    // Minutes 4–8: 4 of 8 warm; counting the warming ones at 0%, 400/800 = 50% is on target: wait.
    // Minute 9: 8 warm at 62% → ceil(8 × 62/50) = 10.
    expect(Array.from(timeline.servers)).toEqual([4, 4, 4, 4, 8, 8, 8, 8, 8, 8, 10, 10]);
    expect(Array.from(timeline.warm)).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 4, 8, 8, 8]);
    const f = policyFigures(demand, timeline, settings);
    // Short (500 > 400) from minute 3 to 8: six minutes.
    expect(f.underProvisionedHours * 60).toBeCloseTo(6, 9);
    expect(f.worstShortfall).toEqual({ load: 100, servers: 1, at: 3 * MIN });
    expect(f.scalingActions).toBe(2);
  });

  it('without warm-up only the minute of the jump is short', () => {
    const timeline = replay(hpaPolicy(policySettings()), demand, { ...settings, warmupMs: 0 });
    // 8 serve from minute 4; there 62% → ceil(8 × 62/50) = 10 from minute 5.
    expect(Array.from(timeline.warm.slice(2, 6))).toEqual([4, 4, 8, 10]);
    expect(policyFigures(demand, timeline, settings).underProvisionedHours * 60).toBeCloseTo(1, 9);
  });

  it('keeps at least one server under the HPA, so that it can measure and scale up again', () => {
    const quiet = ticks([0, 0, 0, 300, 300, 300]);
    const timeline = replay(hpaPolicy(policySettings({ minServers: 0 })), quiet, {
      ...settings,
      warmupMs: 0,
    });
    // Starts at the 0 servers demand needs, is lifted to 1, then scales with the load.
    expect(Array.from(timeline.servers)).toEqual([0, 1, 1, 1, 2, 4]);
  });

  it('a schedule that launches early covers the jump; the HPA above it adds nothing', () => {
    // The schedule asks for 10 servers from minute 3, launched 5 minutes early (minute −2).
    const schedules: Schedule[] = [
      {
        start: -10 * MIN,
        end: 12 * MIN,
        stepMs: MIN,
        entries: [
          { timestamp: -10 * MIN, capacity: 4, change: 0, action: 'initial' },
          { timestamp: 3 * MIN, capacity: 10, change: 6, action: 'scale_up' },
        ],
      },
    ];
    const schedule = pushedSchedule(schedules, { leadMs: 5 * MIN, minHoldMs: 0 });
    expect(schedule).toEqual({ times: [-10 * MIN, -2 * MIN], counts: [4, 10] });
    const timeline = replay(predictivePolicy(policySettings({ schedule })), demand, {
      ...settings,
      warmupMs: 5 * MIN,
    });
    expect(Array.from(timeline.warm)).toEqual(Array(12).fill(10));
    expect(policyFigures(demand, timeline, settings).underProvisionedHours).toBe(0);
  });
});

describe('the schedule as pushed', () => {
  const schedule = (entries: [number, number][]): Schedule => ({
    start: entries[0][0],
    end: entries[entries.length - 1][0] + HOUR,
    stepMs: HOUR,
    entries: entries.map(([timestamp, capacity], i) => ({
      timestamp,
      capacity,
      change: i === 0 ? 0 : capacity - entries[i - 1][1],
      action: i === 0 ? 'initial' : capacity > entries[i - 1][1] ? 'scale_up' : 'scale_down',
    })),
  });
  const steps = pushedSchedule(
    [
      schedule([
        [0, 2],
        [HOUR, 6],
        [3 * HOUR, 3],
      ]),
      // the next window's schedule, planned separately
      schedule([
        [4 * HOUR, 3],
        [5 * HOUR, 1],
        [6 * HOUR, 5],
      ]),
    ],
    { leadMs: 5 * MIN, minHoldMs: 2 * HOUR },
  );
  it.each<[string, number, number]>([
    ['before the lead', HOUR - 5 * MIN - 1, 2],
    ['scale-ups 5 minutes early', HOUR - 5 * MIN, 6],
    ['scale-downs on time', 3 * HOUR - 1, 6],
    ['after the scale-down', 3 * HOUR, 3],
    ['a dip under 2 hours is filled', 5 * HOUR + 30 * MIN, 3],
    ['the next rise, early', 6 * HOUR - 5 * MIN, 5],
    ['before the first change point: the first count', -HOUR, 2],
  ])('%s', (_name, t, expected) => {
    expect(scheduledAt(steps, t)).toBe(expected);
  });
});

describe('demand on the tick', () => {
  const series = (values: number[]) => ({
    name: 'load',
    start: MONDAY,
    stepMs: HOUR,
    values: Float64Array.from(values),
  });
  it('keeps each interval mean, without jumps between intervals', () => {
    const d = tickDemand(series([100, 200, 100, 400]), 0, 4, MIN);
    expect(d.values).toHaveLength(240);
    for (let i = 0; i < 4; i++) {
      const mean = d.values.slice(i * 60, (i + 1) * 60).reduce((a, b) => a + b, 0) / 60;
      expect(mean).toBeCloseTo([100, 200, 100, 400][i], 9);
    }
    // Around 01:00 the curve passes the mean of the two hours, 150.
    expect(Math.abs(d.values[59] - 150)).toBeLessThan(2);
    expect(Math.abs(d.values[60] - 150)).toBeLessThan(2);
    // The busy hour's peak minute is above its mean.
    expect(Math.max(...d.values.slice(60, 120))).toBeGreaterThan(200);
  });

  it('a constant series stays constant; one tick per interval is the series', () => {
    expect(new Set(tickDemand(series([50, 50, 50]), 0, 3, MIN).values)).toEqual(new Set([50]));
    expect(Array.from(tickDemand(series([100, 200, 100]), 0, 3, HOUR).values)).toEqual([
      100, 200, 100,
    ]);
  });

  it('replays missing intervals filled, and does not score them', () => {
    expect(Array.from(fillMissing([NaN, 10, NaN, 30, NaN]))).toEqual([10, 10, 20, 30, 30]);
    const d = tickDemand(series([100, NaN, 100]), 0, 3, 30 * MIN);
    expect(Array.from(d.values)).toEqual([100, 100, 100, 100, 100, 100]);
    expect(Array.from(d.scored)).toEqual([1, 1, 0, 0, 1, 1]);
  });
});

describe('figures', () => {
  it('counts under-provisioned and above-target minutes, server-hours, cost and the database', () => {
    const demand = ticks([100, 150, 250, 300]);
    demand.scored[3] = 0; // not measured: replayed, billed, not scored
    const timeline = {
      start: 0,
      tickMs: MIN,
      servers: Float64Array.from([2, 3, 3, 6]),
      warm: Float64Array.from([2, 2, 2, 3]),
      actions: 2,
      reasons: {},
    };
    const f = policyFigures(demand, timeline, {
      capacityPerServer: 100,
      targetUtilization: 0.7,
      costPerServerHour: 0.6,
      database: { connectionsPerServer: 150, maxConnections: 750, mode: 'flag' },
    });
    // Warm capacity 200, 200, 200: minute 2 (250) is short by 50; minutes 1 and 2 are over 140.
    expect(f.underProvisionedHours * 60).toBeCloseTo(1, 9);
    expect(f.aboveTargetHours * 60).toBeCloseTo(2, 9);
    expect(f.worstShortfall).toEqual({ load: 50, servers: 1, at: 2 * MIN });
    expect(f.unservedShare).toBeCloseTo(50 / 500, 9);
    expect(f.serverHours).toBeCloseTo(14 / 60, 9);
    expect(f.cost).toBeCloseTo((14 / 60) * 0.6, 9);
    expect(f.scoredHours * 60).toBeCloseTo(3, 9);
    // 750 connections / 150 = 5 servers; the fleet of 6 held 900 for a minute.
    expect(f.database).toEqual({
      maxConnections: 750,
      limitServers: 5,
      peakConnections: 900,
      overLimitHours: 1 / 60,
      atLimitHours: 0,
    });
  });
});

describe('the summary sentence', () => {
  const figures = (under: number, serverHours: number): PolicyFigures => ({
    hours: 672,
    scoredHours: 672,
    underProvisionedHours: under,
    aboveTargetHours: 0,
    serverHours,
    cost: null,
    scalingActions: 0,
    unservedShare: 0,
    worstShortfall: null,
    peakServers: 0,
    meanServers: 0,
    database: null,
  });
  const hpa = (under: number, serverHours: number) => ({
    label: 'target tracking (HPA)',
    figures: figures(under, serverHours),
  });
  const pred = (under: number, serverHours: number) => ({
    label: 'predictive + reactive',
    figures: figures(under, serverHours),
  });
  it.each<[string, number, number, number, number, number | undefined, string]>([
    [
      'safer and dearer',
      12.4,
      1000,
      0,
      1100,
      0.1,
      'Over the 28 days replayed, predictive + reactive would have cut under-provisioned time from 12 h to none against your target tracking (HPA), for 100 more server-hours (+10%, $10.00 at $0.10 a server-hour).',
    ],
    [
      'riskier and cheaper',
      0.5,
      1000,
      2,
      950,
      undefined,
      'Over the 28 days replayed, predictive + reactive would have raised under-provisioned time from 30 min to 2 h against your target tracking (HPA), while saving 50 server-hours (−5%).',
    ],
    [
      'never short either way',
      0,
      1000,
      0,
      1000,
      undefined,
      'Over the 28 days replayed, predictive + reactive would have left no minute under-provisioned, as your target tracking (HPA) did, with the same server-hours.',
    ],
  ])('%s', (_name, u0, s0, u1, s1, price, expected) => {
    expect(verdict(hpa(u0, s0), pred(u1, s1), { days: 28, costPerServerHour: price })).toBe(
      expected,
    );
  });
});

describe('the chart week', () => {
  it('is the busiest week of whole days', () => {
    const day = 24 * 60;
    // 10 days of 1-minute ticks; days 2–8 are the busy ones.
    const values = Array.from({ length: 10 * day }, (_, k) =>
      k >= 2 * day && k < 9 * day ? 9 : 1,
    );
    expect(busiestSpan(ticks(values))).toEqual({ from: 2 * day * MIN, to: 9 * day * MIN });
  });
  it('is the whole replay when that is shorter', () => {
    expect(busiestSpan(ticks([1, 2, 3]))).toEqual({ from: 0, to: 3 * MIN });
  });
});
