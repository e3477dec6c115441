import { describe, expect, it } from 'vitest';
import {
  alignHistories,
  bindingLine,
  combineMetricPlans,
  MOST_END_SKEW_MS,
} from '../src/capacity/metrics.js';
import { DEFAULT_CAPACITY, planCapacity } from '../src/capacity/servers.js';
import { exceedance, tailScale } from '../src/evaluate/predictive.js';
import { checkMetrics, parseMetricFlag, type MetricSource } from '../src/settings/metrics.js';
import type { CapacitySettings, Forecast, Series } from '../src/types.js';
import { readScheduleDocument } from '../src/schedule/document.js';
import { guardrailProblems } from '../src/targets/aws/guardrails.js';
import { thrown } from './helpers/thrown.js';

// Several metrics per service (src/capacity/metrics.ts, src/settings/metrics.ts): the plan takes
// the most servers any metric needs, step by step, and names the metric that set each step.

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

const settings = (overrides: Partial<CapacitySettings> = {}): CapacitySettings => ({
  ...DEFAULT_CAPACITY,
  capacityPerServer: 100,
  targetUtilization: 1,
  planOn: 'point',
  minServers: 0,
  ...overrides,
});

function forecast(point: number[], start = T0, scores?: number[]): Forecast {
  const sorted = scores && Float64Array.from(scores).sort();
  return {
    model: 'test',
    start,
    stepMs: HOUR,
    point: Float64Array.from(point),
    lower: Float64Array.from(point),
    upper: Float64Array.from(point),
    quantile: 0.9,
    intervalMethod: 'test',
    ...(sorted && {
      distribution: {
        scale: Float64Array.from(point, () => 10),
        scores: sorted,
        tail: tailScale(sorted),
      },
    }),
  };
}

/** A metric planned on the point forecast: servers = ceil(load / capacity). */
function metric(name: string, load: number[], s: Partial<CapacitySettings> = {}, start = T0) {
  const f = forecast(load, start);
  return { name, forecast: f, plan: planCapacity(f, settings(s)) };
}

describe('combineMetricPlans', () => {
  const cases: {
    name: string;
    metrics: ReturnType<typeof metric>[];
    servers: number[];
    binding: number[];
    bindingSteps: number[];
    cappedSteps?: number;
  }[] = [
    {
      name: 'the larger count per step, and which metric set it',
      metrics: [
        metric('requests', [100, 500, 900, 200]), // 1, 5, 9, 2
        metric('cpu', [40, 40, 50, 70], { capacityPerServer: 10 }), // 4, 4, 5, 7
      ],
      servers: [4, 5, 9, 7],
      binding: [1, 0, 0, 1],
      bindingSteps: [2, 2],
    },
    {
      name: 'a tie goes to the first metric',
      metrics: [metric('requests', [300, 300]), metric('cpu', [30, 31], { capacityPerServer: 10 })],
      servers: [3, 4],
      binding: [0, 1],
      bindingSteps: [1, 1],
    },
    {
      name: 'every metric its own target utilisation',
      metrics: [
        metric('requests', [700, 700]), // 7 at 100%
        metric('memory', [60, 40], { capacityPerServer: 10, targetUtilization: 0.8 }), // 7.5→8, 5
      ],
      servers: [8, 7],
      binding: [1, 0],
      bindingSteps: [1, 1],
    },
    {
      name: 'three metrics',
      metrics: [
        metric('a', [100, 100, 100]),
        metric('b', [50, 250, 50]),
        metric('c', [50, 50, 350]),
      ],
      servers: [1, 3, 4],
      binding: [0, 1, 2],
      bindingSteps: [1, 1, 1],
    },
    {
      name: 'a step is capped when any metric needs more than --max-servers',
      metrics: [
        metric('requests', [100, 900], { maxServers: 5 }),
        metric('cpu', [30, 30], { capacityPerServer: 10, maxServers: 5 }),
      ],
      servers: [3, 5],
      binding: [1, 0],
      bindingSteps: [1, 1],
      cappedSteps: 1,
    },
  ];
  it.each(cases)('$name', (c) => {
    const combined = combineMetricPlans(c.metrics);
    expect(Array.from(combined.plan.servers)).toEqual(c.servers);
    expect(Array.from(combined.binding)).toEqual(c.binding);
    expect(combined.bindingSteps).toEqual(c.bindingSteps);
    expect(combined.plan.cappedSteps).toBe(c.cappedSteps ?? 0);
    // The plan's own fields (forecast, settings) are the first metric's.
    expect(combined.plan.forecast).toBe(c.metrics[0].plan.forecast);
  });

  it('refuses plans on different time grids', async () => {
    const cases = [
      [metric('a', [1, 2, 3]), metric('b', [1, 2, 3], {}, T0 + HOUR)],
      [metric('a', [1, 2, 3]), metric('b', [1, 2])],
    ];
    for (const metrics of cases) {
      const error = await thrown(() => combineMetricPlans(metrics));
      expect(error.name).toBe('UserError');
      expect(error.message).toMatch(/metrics a and b are planned on different time grids/);
    }
  });

  it('prices the combined risk as 1 − Π(1 − pᵢ) at the combined servers', () => {
    const scores = Array.from({ length: 100 }, (_, i) => (i - 50) / 25);
    const a = forecast([500, 500], T0, scores);
    const b = forecast([480, 520], T0, scores);
    const plans = [
      { name: 'a', forecast: a, plan: planCapacity(a, settings({ planOn: 'risk', risk: 0.05 })) },
      { name: 'b', forecast: b, plan: planCapacity(b, settings({ planOn: 'risk', risk: 0.05 })) },
    ];
    const combined = combineMetricPlans(plans);
    const p = (f: Forecast, t: number) =>
      exceedance(f.point[t], 10, f.distribution!, combined.plan.servers[t] * 100);
    const expected = [0, 1].map((t) => 1 - (1 - p(a, t)) * (1 - p(b, t)));
    expect(combined.plan.risk!.expectedShortSteps).toBeCloseTo(expected[0] + expected[1], 12);
    expect(combined.shortShare![0]).toBeCloseTo((p(a, 0) + p(a, 1)) / 2, 12);
    // Never less than any one metric's, never more than their sum.
    const [sa, sb] = combined.shortShare!;
    expect(combined.plan.risk!.expectedShortShare).toBeGreaterThanOrEqual(Math.max(sa, sb));
    expect(combined.plan.risk!.expectedShortShare).toBeLessThanOrEqual(sa + sb + 1e-15);
  });
});

describe('alignHistories', () => {
  const series = (start: number, length: number, stepMs = HOUR): Series => ({
    name: 'x',
    start,
    stepMs,
    values: Float64Array.from({ length }, (_, i) => i),
  });

  it('cuts every history to the earliest end, with a note', () => {
    const { series: out, notes } = alignHistories([
      { name: 'requests', series: series(T0, 48) },
      { name: 'cpu', series: series(T0 - 5 * HOUR, 55) }, // ends 2h later
    ]);
    expect(out[0].values.length).toBe(48);
    expect(out[1].start + out[1].values.length * HOUR).toBe(T0 + 48 * HOUR);
    expect(notes).toEqual([
      "cpu: its last 2h not used, so that every metric's plan starts at the same step",
    ]);
  });

  it.each([
    {
      name: 'ends more than a day apart',
      b: series(T0, 48 + MOST_END_SKEW_MS / HOUR + 1),
      message: /metrics a and b end 25h apart/,
    },
    { name: 'different steps', b: series(T0, 96, HOUR / 2), message: /different steps/ },
    { name: 'offset grids', b: series(T0 + HOUR / 2, 48), message: /cannot be aligned/ },
  ])('refuses $name', async ({ b, message }) => {
    const error = await thrown(() =>
      alignHistories([
        { name: 'a', series: series(T0, 48) },
        { name: 'b', series: b },
      ]),
    );
    expect(error.name).toBe('UserError');
    expect(error.message).toMatch(message);
  });
});

describe('bindingLine', () => {
  it.each([
    {
      names: ['requests', 'cpu'],
      steps: [120, 48],
      stepMs: HOUR,
      line: 'requests binds 120 of 168 hours, cpu 48',
    },
    {
      names: ['requests', 'cpu'],
      steps: [10, 30],
      stepMs: HOUR,
      line: 'cpu binds 30 of 40 hours, requests 10',
    },
    { names: ['a', 'b'], steps: [3, 1], stepMs: 300_000, line: 'a binds 3 of 4 steps of 5m, b 1' },
  ])('$line', ({ names, steps, stepMs, line }) => {
    expect(bindingLine(names, steps, stepMs)).toBe(line);
  });
});

describe('--metric', () => {
  it.each([
    {
      text: 'requests=rps.csv,capacity=1000',
      metric: { name: 'requests', history: 'rps.csv', settings: { capacityPerServer: '1000' } },
    },
    {
      text: 'cpu=data/cpu.csv,capacity=100,target=0.7,agg=mean,column=cpu_total',
      metric: {
        name: 'cpu',
        history: 'data/cpu.csv',
        settings: {
          capacityPerServer: '100',
          targetUtilization: '0.7',
          agg: 'mean',
          valueColumn: 'cpu_total',
        },
      },
    },
    {
      text: 'mem=-,capacity-per-server=8,targetUtilization=0.8',
      metric: {
        name: 'mem',
        history: '-',
        settings: { capacityPerServer: '8', targetUtilization: '0.8' },
      },
    },
  ])('$text', ({ text, metric }) => {
    expect(parseMetricFlag(text)).toEqual(metric);
  });

  it.each([
    ['rps.csv', /expected NAME=SOURCE first/],
    ['re quests=rps.csv', /is not a metric name/],
    ['requests=', /no source after the name/],
    ['requests=rps.csv,capcity=3', /'capcity=3' is not KEY=VALUE/],
  ])('refuses %s', async (text, message) => {
    const error = await thrown(() => parseMetricFlag(text));
    expect(error.name).toBe('UserError');
    expect(error.message).toMatch(message);
  });

  const raw = {
    timezone: 'UTC',
    duplicates: 'mean',
    interval: '1h',
    agg: 'mean',
    fillGaps: '0',
    gapFill: 'linear',
  };
  const m = (name: string, history: string, settings: MetricSource['settings'] = {}) => ({
    name,
    history,
    settings,
  });
  it.each([
    {
      name: 'a metric without capacity',
      metrics: [m('requests', 'a.csv', { capacityPerServer: '1000' }), m('cpu', 'b.csv')],
      message: /metric 'cpu' has no capacity per server/,
    },
    {
      name: 'a name twice',
      metrics: [m('cpu', 'a.csv'), m('cpu', 'b.csv')],
      message: /metric 'cpu' is named twice/,
    },
    {
      name: 'two metrics from standard input',
      metrics: [m('a', '-', { capacityPerServer: '1' }), m('b', '-', { capacityPerServer: '1' })],
      message: /two metrics read standard input/,
    },
    {
      name: 'a bad value, in the metric’s words',
      metrics: [
        m('a', 'a.csv', { capacityPerServer: '1' }),
        m('b', 'b.csv', { capacityPerServer: '1', targetUtilization: '70' }),
      ],
      message: /^metric 'b': target: expected a fraction in \(0, 1\], as 0.7 or 70%, got '70'$/,
    },
    {
      name: 'an unknown aggregation',
      metrics: [
        m('a', 'a.csv', { capacityPerServer: '1' }),
        m('b', 'b.csv', { capacityPerServer: '1', agg: 'avg' }),
      ],
      message: /agg=avg is not one of/,
    },
  ])('refuses $name', async ({ metrics, message }) => {
    const error = await thrown(() => checkMetrics(metrics, raw as never));
    expect(error.name).toBe('UserError');
    expect(error.message).toMatch(message);
  });

  it('takes the service’s --capacity-per-server for a metric without its own', () => {
    expect(() =>
      checkMetrics([m('a', 'a.csv'), m('b', 'b.csv', { capacityPerServer: '5' })], {
        ...raw,
        capacityPerServer: '100',
      } as never),
    ).not.toThrow();
  });
});

describe('--max-growth with several metrics', () => {
  const doc = (metrics: object[]) => ({
    format: 'headroom.schedule/v1',
    timezone: 'UTC',
    interval: '1h',
    start: '2024-01-01T00:00:00Z',
    end: '2024-01-01T02:00:00Z',
    history: { peak: 1000 },
    summary: { peakServers: 5, peakPlannedLoad: 1000 },
    metrics,
    entries: [{ timestamp: '2024-01-01T00:00:00Z', capacity: 5, change: 0, action: 'initial' }],
  });
  it('checks every metric against its own history', () => {
    const planned = readScheduleDocument(
      doc([
        { name: 'requests', peakPlannedLoad: 1000, historyPeak: 1000 },
        { name: 'cpu', peakPlannedLoad: 900, historyPeak: 200 },
      ]),
      'schedule.json',
    );
    expect(guardrailProblems(planned, [], undefined, 3)).toEqual([
      "the plan's peak cpu load 900 is 4.5× the highest cpu load in its history (200); --max-growth allows 3×",
    ]);
    expect(guardrailProblems(planned, [], undefined, 5)).toEqual([]);
  });
});
