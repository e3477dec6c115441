/**
 * Several metrics per service (requests, CPU, memory…): each is forecast and planned on its own,
 * on one time grid; the service needs the largest count any of them asks for, step by step, and
 * the metric that asked for it "binds" that step. Pure: plain data in, plain data out.
 *
 * The risk budget: each metric is planned with the whole budget. Demand is short in a step when
 * ANY metric exceeds its capacity, so the combined plan reports, per step, 1 − Π(1 − pᵢ) with
 * pᵢ the chance that metric i exceeds the combined servers (independence; metrics that rise
 * together, as requests and CPU do, overlap and are short together less often than that).
 */
import { UserError } from '../errors.js';
import { exceedance } from '../evaluate/predictive.js';
import type { CapacityPlan, Forecast, RiskOutcome, Series } from '../types.js';
import { formatDuration } from '../util/duration.js';
import { serversFor, unclampedServers } from './servers.js';

/** Histories of one service's metrics that end further apart than this are refused. */
export const MOST_END_SKEW_MS = 86_400_000;

/** One metric's own plan, as planCapacity made it from its forecast. */
export interface MetricPlan {
  name: string;
  forecast: Forecast;
  plan: CapacityPlan;
}

export interface CombinedPlan {
  /** Servers = the largest of the metrics' per step; forecast and planned load: the first metric's. */
  plan: CapacityPlan;
  /** Per step, the index of the metric that set the count (the first of those tied). */
  binding: Uint32Array;
  /** Per metric, how many steps it binds. */
  bindingSteps: number[];
  /** Per metric, its share of steps expected above 100% of the combined servers. */
  shortShare?: number[];
}

/**
 * The metrics' histories cut to end at the same step, so that every forecast starts there.
 * Refused: different steps, grids that are offset (a step that is not a whole number of steps
 * from the other's), and ends more than MOST_END_SKEW_MS apart.
 */
export function alignHistories(metrics: { name: string; series: Series }[]): {
  series: Series[];
  notes: string[];
} {
  const first = metrics[0];
  const endOf = (s: Series) => s.start + s.values.length * s.stepMs;
  for (const m of metrics.slice(1)) {
    if (m.series.stepMs !== first.series.stepMs) {
      throw new UserError(
        `metrics ${first.name} and ${m.name} are on different steps (${formatDuration(first.series.stepMs)} and ${formatDuration(m.series.stepMs)})`,
        'plan every metric at one --interval',
      );
    }
    if ((m.series.start - first.series.start) % first.series.stepMs !== 0) {
      throw new UserError(
        `metrics ${first.name} and ${m.name} cannot be aligned: their steps start ${formatDuration(Math.abs(m.series.start - first.series.start) % first.series.stepMs)} apart`,
        'give the metrics timestamps on the same grid (the same --start with --row-interval)',
      );
    }
  }
  const ends = metrics.map((m) => endOf(m.series));
  const end = Math.min(...ends);
  const latest = Math.max(...ends);
  if (latest - end > MOST_END_SKEW_MS) {
    const early = metrics[ends.indexOf(end)].name;
    const late = metrics[ends.indexOf(latest)].name;
    throw new UserError(
      `metrics ${early} and ${late} end ${formatDuration(latest - end)} apart: one service's metrics must cover the same time (at most 1d apart)`,
      `bring ${early}'s history up to date, or cut ${late}'s`,
    );
  }
  const notes: string[] = [];
  const series = metrics.map((m, i) => {
    if (ends[i] === end) return m.series;
    const keep = (end - m.series.start) / m.series.stepMs;
    notes.push(
      `${m.name}: its last ${formatDuration(ends[i] - end)} not used, so that every metric's plan starts at the same step`,
    );
    return { ...m.series, values: m.series.values.slice(0, Math.max(0, keep)) };
  });
  return { series, notes };
}

/** Refuses forecasts that are not on one grid (same start, step and length). */
function assertOneGrid(metrics: MetricPlan[]): void {
  const [first] = metrics;
  for (const m of metrics.slice(1)) {
    const a = first.plan;
    const b = m.plan;
    if (a.start !== b.start || a.stepMs !== b.stepMs || a.servers.length !== b.servers.length) {
      throw new UserError(
        `metrics ${first.name} and ${m.name} are planned on different time grids (${describeGrid(a)} and ${describeGrid(b)})`,
        'give every metric the same --interval and histories that end at the same time',
      );
    }
  }
}

const describeGrid = (p: CapacityPlan) =>
  `${p.servers.length} × ${formatDuration(p.stepMs)} from ${new Date(p.start).toISOString()}`;

/** The service's plan: the largest count per step over the metrics, and which metric set it. */
export function combineMetricPlans(metrics: MetricPlan[]): CombinedPlan {
  if (metrics.length === 0) throw new Error('no metrics to combine');
  assertOneGrid(metrics);
  const [first] = metrics;
  const steps = first.plan.servers.length;
  const servers = new Float64Array(steps);
  const binding = new Uint32Array(steps);
  const bindingSteps = metrics.map(() => 0);
  let cappedSteps = 0;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    metrics.forEach((m, i) => {
      if (m.plan.servers[t] > metrics[best].plan.servers[t]) best = i;
    });
    servers[t] = metrics[best].plan.servers[t];
    binding[t] = best;
    bindingSteps[best]++;
    const capped = metrics.some(
      (m) => unclampedServers(m.plan.plannedLoad[t], m.plan.settings) > servers[t],
    );
    if (capped) cappedSteps++;
  }
  const risk = combinedRisk(metrics, servers);
  return {
    plan: {
      ...first.plan,
      servers,
      cappedSteps,
      ...(risk ? { risk: risk.outcome } : { risk: undefined }),
    },
    binding,
    bindingSteps,
    ...(risk && { shortShare: risk.shortShare }),
  };
}

/**
 * The combined plan's risk, when every metric's forecast has a distribution: per step the chance
 * that any metric is short of the combined servers (independence), and the server-steps above
 * the largest count the point forecasts need at their target utilisation.
 */
function combinedRisk(
  metrics: MetricPlan[],
  servers: Float64Array,
): { outcome: RiskOutcome; shortShare: number[] } | undefined {
  if (metrics.some((m) => !m.forecast.distribution)) return undefined;
  const shortSteps = metrics.map(() => 0);
  let expectedShortSteps = 0;
  let extraServerSteps = 0;
  servers.forEach((count, t) => {
    let any = 0; // 1 − Π(1 − pᵢ), summed as any + p − any·p so that tiny chances keep their digits
    let floor = 0;
    metrics.forEach((m, i) => {
      const { point, distribution } = m.forecast;
      const s = m.plan.settings;
      const p = exceedance(
        point[t],
        distribution!.scale[t],
        distribution!,
        count * s.capacityPerServer,
      );
      shortSteps[i] += p;
      any += p - any * p;
      floor = Math.max(floor, serversFor(point[t], s));
    });
    expectedShortSteps += any;
    extraServerSteps += count - floor;
  });
  const n = servers.length;
  return {
    outcome: {
      expectedShortShare: n > 0 ? expectedShortSteps / n : 0,
      expectedShortSteps,
      extraServerSteps,
    },
    shortShare: shortSteps.map((s) => (n > 0 ? s / n : 0)),
  };
}

/** "120 hours" (whole hours when the step is a whole number of hours), else "30 steps of 5m". */
export function stepsAmount(steps: number, stepMs: number): string {
  return stepMs % 3_600_000 === 0
    ? `${(steps * stepMs) / 3_600_000} hours`
    : `${steps} steps of ${formatDuration(stepMs)}`;
}

/** "requests binds 120 of 168 hours, cpu 48". */
export function bindingLine(names: string[], bindingSteps: number[], stepMs: number): string {
  const total = bindingSteps.reduce((a, b) => a + b, 0);
  const order = names.map((_, i) => i).sort((a, b) => bindingSteps[b] - bindingSteps[a]);
  const [top, ...rest] = order;
  const count = (steps: number) => stepsAmount(steps, stepMs).split(' ')[0];
  return [
    `${names[top]} binds ${count(bindingSteps[top])} of ${stepsAmount(total, stepMs)}`,
    ...rest.map((i) => `${names[i]} ${count(bindingSteps[i])}`),
  ].join(', ');
}
