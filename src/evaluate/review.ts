/**
 * Scores a plan made earlier against the load that came after it: at every interval of the actual
 * load inside the plan's span, the servers the schedule held (its step function), whether demand
 * went above 100% of them, and how many servers a plan that knew the demand would have run at the
 * target utilisation. Pure: no I/O, no clock.
 */
import { serversFor } from '../capacity/servers.js';
import { UserError } from '../errors.js';
import { capacityAt, timelineFromSchedule } from '../schedule/timeline.js';
import type { CapacitySettings, Schedule, Series } from '../types.js';
import { HOUR_MS } from '../util/duration.js';
import { formatTimestamp } from '../util/time.js';

/** How many of the busiest intervals a review lists. */
export const WORST_COUNT = 5;

export interface ReviewInput {
  schedule: Schedule;
  /** The plan's capacity settings (maxServers Infinity when it had none). */
  capacity: CapacitySettings;
  /** The share of short intervals the plan is held to; undefined when none is known. */
  budget?: number;
  /** The share of its intervals the plan itself expected short (schedule.json summary). */
  expectedShortShare?: number;
  /** The load after the plan was made, at any interval; steps outside the plan's span are ignored. */
  actual: Series;
  /** The plan's zone, for messages. */
  zone: string;
  /** The CSV's name, for messages. */
  file: string;
}

export interface ReviewStep {
  time: number;
  demand: number;
  /** Servers the schedule held at the interval's start. */
  servers: number;
  /** servers × capacity per server: the demand they serve at 100%. */
  capacity: number;
  /** demand ÷ capacity; Infinity for demand on no servers. */
  utilisation: number;
  /** Servers for the actual demand at the target utilisation, by the plan's rule and bounds. */
  oracle: number;
  /** Demand above 100% of capacity. */
  short: boolean;
}

export interface Review {
  stepMs: number;
  start: number;
  end: number;
  /** Length of the plan's span. */
  planHours: number;
  /** Intervals inside the span with an actual, and the hours they cover. */
  scoredSteps: number;
  scoredHours: number;
  /** Plan hours with no actual (outside the CSV, or gaps it left missing). */
  missingHours: number;
  /** Intervals of the CSV outside the plan's span, not scored. */
  outsideSteps: number;
  shortSteps: number;
  shortHours: number;
  /** shortSteps ÷ scoredSteps. */
  shortShare: number;
  budget?: number;
  expectedShortShare?: number;
  /** The plan's expected share × the hours scored: what it expected of these hours. */
  expectedShortHours?: number;
  /** Realised short share above the budget; undefined without a budget. */
  overBudget?: boolean;
  serverHours: number;
  oracleServerHours: number;
  /** serverHours − oracleServerHours: the net server-hours above a plan that knew the demand. */
  excessServerHours: number;
  /** Its two parts: hours the plan ran more servers than needed, and fewer. */
  aboveOracleServerHours: number;
  belowOracleServerHours: number;
  /** serverHours ÷ oracleServerHours − 1. */
  excess: number;
  /** Every scored interval, in time order. */
  steps: ReviewStep[];
  /** The WORST_COUNT intervals with the highest utilisation, highest first (ties: earliest). */
  worst: ReviewStep[];
}

export function reviewSchedule(input: ReviewInput): Review {
  const { schedule, capacity, actual } = input;
  const { start, end } = schedule;
  const { stepMs } = actual;
  const timeline = timelineFromSchedule(schedule);
  const steps: ReviewStep[] = [];
  let outsideSteps = 0;
  for (let i = 0; i < actual.values.length; i++) {
    const time = actual.start + i * stepMs;
    const demand = actual.values[i];
    if (time < start || time + stepMs > end) {
      if (!Number.isNaN(demand)) outsideSteps++;
      continue;
    }
    if (Number.isNaN(demand)) continue;
    const servers = capacityAt(timeline, time);
    const limit = servers * capacity.capacityPerServer;
    steps.push({
      time,
      demand,
      servers,
      capacity: limit,
      utilisation: limit > 0 ? demand / limit : demand > 0 ? Infinity : 0,
      oracle: serversFor(demand, capacity),
      short: demand > limit,
    });
  }
  if (steps.length === 0) {
    const last = actual.start + actual.values.length * stepMs;
    const at = (ms: number) => formatTimestamp(ms, input.zone);
    throw new UserError(
      `${input.file} has no load inside the plan's span ${at(start)} – ${at(end)}; it covers ${at(actual.start)} – ${at(last)}`,
      'review a plan against the load recorded while it ran: a CSV that reaches past the plan’s start, read with the same --agg and --value-column as the plan',
    );
  }

  const hours = (n: number) => (n * stepMs) / HOUR_MS;
  const shortSteps = steps.filter((s) => s.short).length;
  let servers = 0;
  let oracle = 0;
  let above = 0;
  let below = 0;
  for (const s of steps) {
    servers += s.servers;
    oracle += s.oracle;
    above += Math.max(0, s.servers - s.oracle);
    below += Math.max(0, s.oracle - s.servers);
  }
  const shortShare = shortSteps / steps.length;
  const planHours = (end - start) / HOUR_MS;
  const worst = [...steps]
    .sort((a, b) => b.utilisation - a.utilisation || a.time - b.time)
    .slice(0, WORST_COUNT);
  return {
    stepMs,
    start,
    end,
    planHours,
    scoredSteps: steps.length,
    scoredHours: hours(steps.length),
    missingHours: Math.max(0, planHours - hours(steps.length)),
    outsideSteps,
    shortSteps,
    shortHours: hours(shortSteps),
    shortShare,
    ...(input.budget !== undefined
      ? { budget: input.budget, overBudget: shortShare > input.budget }
      : {}),
    ...(input.expectedShortShare !== undefined
      ? {
          expectedShortShare: input.expectedShortShare,
          expectedShortHours: input.expectedShortShare * hours(steps.length),
        }
      : {}),
    serverHours: hours(servers),
    oracleServerHours: hours(oracle),
    excessServerHours: hours(servers - oracle),
    aboveOracleServerHours: hours(above),
    belowOracleServerHours: hours(below),
    excess: oracle > 0 ? servers / oracle - 1 : NaN,
    steps,
    worst,
  };
}
