/**
 * `simulate` as a library function: forecast each of the last windows from only the history
 * before it (the backtest's machinery, so the schedule is the one `plan` would have pushed then),
 * then replay the actual demand of those windows through every policy with the same servers,
 * target and warm-up, and score each. Pure: no I/O, no clock.
 */
import { UserError } from '../errors.js';
import { runBacktest, type BacktestResult } from '../evaluate/backtest.js';
import type { EventDay } from '../features/events.js';
import type { ModelContext } from '../models/types.js';
import { planFromForecast } from '../pipeline.js';
import type { CapacityPlan, CapacitySettings, Schedule, Series } from '../types.js';
import { formatDuration, HOUR_MS } from '../util/duration.js';
import type { HpaBehavior } from './behavior.js';
import { tickDemand, type TickDemand } from './demand.js';
import {
  databaseServerLimit,
  policyFigures,
  type DatabaseLimit,
  type PolicyFigures,
} from './metrics.js';
import { makePolicies, POLICY_IDS, type PolicyId } from './policies.js';
import { neededAt, replay, type Timeline } from './replay.js';
import { pushedSchedule, type ScheduleSteps } from './scheduled.js';
import type { StepScalingSpec } from './step-scaling.js';

export interface SimulateOptions {
  /** The forecasting model, as `plan --model` (auto included). */
  model: string;
  /** Windows replayed, the last one ending with the history; each is forecast separately. */
  origins: number;
  horizonSteps: number;
  trainWindowMs: number;
  quantile: number;
  context: ModelContext;
  lifts?: EventDay[];
  /** The plan's capacity settings; every policy shares its capacity per server, target, min, max. */
  capacity: CapacitySettings;
  tickMs: number;
  warmupMs: number;
  /** How early the schedule's scale-ups are launched. */
  leadMs: number;
  /** Dips in the schedule shorter than this are filled, as `push` does. */
  minHoldMs: number;
  hpa: { tolerance: number; behavior: HpaBehavior };
  step: Omit<StepScalingSpec, 'minServers' | 'maxServers'>;
  database?: DatabaseLimit;
  costPerServerHour?: number;
  policies?: readonly PolicyId[];
  /** The measured values, NaN where there was no measurement (not scored); default the series'. */
  measured?: ArrayLike<number>;
  onProgress?: (done: number, total: number) => void;
}

export interface PolicyRun {
  id: PolicyId;
  label: string;
  timeline: Timeline;
  figures: PolicyFigures;
}

export interface SimulateResult {
  start: number;
  end: number;
  demand: TickDemand;
  backtest: BacktestResult;
  /** Each window's plan and schedule, oldest first. */
  plans: CapacityPlan[];
  schedules: Schedule[];
  /** The schedules joined and shaped as `push` would have pushed them. */
  pushed: ScheduleSteps;
  /** The capacity settings every policy ran with (max servers lowered to the database's limit with mode cap). */
  capacity: CapacitySettings;
  policies: PolicyRun[];
  /** Server-hours had the fleet been sized exactly to each tick's demand at the target, warm at once. */
  exactServerHours: number;
}

/** The capacity settings with the database's limit applied, when its mode is cap. */
export function effectiveCapacity(
  capacity: CapacitySettings,
  database: DatabaseLimit | undefined,
): CapacitySettings {
  if (!database || database.mode !== 'cap') return capacity;
  const limit = databaseServerLimit(database);
  if (limit < capacity.minServers) {
    throw new UserError(
      `the database allows ${limit} server(s) (${database.maxConnections} connections ÷ ${database.connectionsPerServer} per server), below --min-servers ${capacity.minServers}`,
      'lower --min-servers or --db-connections-per-server, or use --db-limit flag',
    );
  }
  return { ...capacity, maxServers: Math.min(capacity.maxServers, limit) };
}

export function simulate(series: Series, options: SimulateOptions): SimulateResult {
  const { stepMs } = series;
  if (!(options.tickMs > 0) || stepMs % options.tickMs !== 0) {
    throw new UserError(
      `--tick ${formatDuration(options.tickMs)} does not divide the ${formatDuration(stepMs)} interval`,
      'use a tick such as 1m, 5m or the interval itself',
    );
  }
  const capacity = effectiveCapacity(options.capacity, options.database);
  const backtest = runBacktest(series, {
    models: [options.model],
    origins: options.origins,
    horizonSteps: options.horizonSteps,
    trainWindowMs: options.trainWindowMs,
    quantile: options.quantile,
    context: options.context,
    capacity,
    ...(options.lifts ? { lifts: options.lifts } : {}),
    onProgress: options.onProgress,
  });
  const plans: CapacityPlan[] = [];
  const schedules: Schedule[] = [];
  for (const window of backtest.windows) {
    if (!window.forecast) {
      throw new UserError(
        `${options.model} could not forecast the window from ${new Date(window.start).toISOString()} (${window.failure ?? 'no forecast'}), so there is no schedule to replay there`,
        'try another --model, e.g. seasonal-naive',
      );
    }
    const { plan, schedule } = planFromForecast(window.forecast, capacity);
    plans.push(plan);
    schedules.push(schedule);
  }

  const from = Math.round((backtest.origins[0] - series.start) / stepMs);
  const to = series.values.length;
  const measured = options.measured ?? series.values;
  const demand = tickDemand(series, from, to, options.tickMs, (i) => !Number.isNaN(measured[i]));
  const pushed = pushedSchedule(schedules, options);
  const policies = makePolicies(options.policies ?? POLICY_IDS, {
    targetUtilization: capacity.targetUtilization,
    minServers: capacity.minServers,
    maxServers: capacity.maxServers,
    hpa: options.hpa,
    step: options.step,
    schedule: pushed,
  });
  const replaySettings = {
    capacityPerServer: capacity.capacityPerServer,
    targetUtilization: capacity.targetUtilization,
    warmupMs: options.warmupMs,
  };
  const figureSettings = {
    capacityPerServer: capacity.capacityPerServer,
    targetUtilization: capacity.targetUtilization,
    costPerServerHour: options.costPerServerHour,
    database: options.database,
  };
  let exactTicks = 0;
  for (const d of demand.values) {
    exactTicks += Math.min(
      capacity.maxServers,
      Math.max(capacity.minServers, neededAt(d, replaySettings)),
    );
  }
  return {
    exactServerHours: (exactTicks * options.tickMs) / HOUR_MS,
    start: demand.start,
    end: backtest.end,
    demand,
    backtest,
    plans,
    schedules,
    pushed,
    capacity,
    policies: policies.map((p) => {
      const timeline = replay(p, demand, replaySettings);
      return {
        id: p.id,
        label: p.label,
        timeline,
        figures: policyFigures(demand, timeline, figureSettings),
      };
    }),
  };
}
