/**
 * `simulate` as a run: check the replay settings, read the history, replay its last windows
 * through each scaling policy (simulate/run.ts) and describe what it found. Returns data; the
 * command prints it and src/report/simulate-report.ts writes it.
 */
import { UserError } from '../errors.js';
import { parseTimestamp } from '../ingest/timestamp.js';
import { behaviorFromText, FIRST_DESIGN_BEHAVIOR } from '../simulate/behavior.js';
import { busiestSpan } from '../simulate/busiest.js';
import { SIMULATE_DEFAULTS } from '../simulate/defaults.js';
import type { DatabaseLimit } from '../simulate/metrics.js';
import {
  findings,
  reportJson,
  scheduledPerTick,
  verdictOf,
  type ReplayDescription,
} from '../simulate/report.js';
import { simulate, type SimulateResult } from '../simulate/run.js';
import type { StepScalingSpec } from '../simulate/step-scaling.js';
import { spanText } from '../simulate/tables.js';
import {
  capacitySettings,
  forecastRequest,
  ingestOptions,
  parseSettings,
  number,
  wholeNumber,
  type RawOptions,
} from '../settings/parse.js';
import type { Warning } from '../types.js';
import { durationOrZero, formatDuration, parseDuration, WEEK_MS } from '../util/duration.js';
import { readTextFile } from '../util/files.js';
import { formatShort } from '../util/time.js';
import { windowSteps } from './backtest.js';
import { buildCalendar } from './forecast.js';
import { loadHistory } from '../sources/load.js';
import type { HistorySource } from '../sources/registry.js';
import { loadUnit } from '../util/format.js';
import { assumedCapacityWarning } from './assumed.js';

/** Its own --lead-time and --min-hold (defaults of its own), not the plan's shaping flags. */
export interface SimulateCommandOptions extends Omit<
  RawOptions,
  'leadTime' | 'minHold' | 'maxChanges'
> {
  origins?: string;
  tick?: string;
  warmup?: string;
  /** Default: the warm-up. */
  leadTime?: string;
  minHold?: string;
  costPerServerHour?: string;
  hpaTolerance?: string;
  hpaBehavior?: string;
  stepUp?: string;
  stepDown?: string;
  stepReadings?: string;
  stepCooldown?: string;
  stepSize?: string;
  dbConnectionsPerServer?: string;
  dbMaxConnections?: string;
  dbLimit?: string;
  current?: string;
  outDir: string;
  unit?: string;
  /** The first time the chart shows (a week from it); default: the busiest week. */
  chartStart?: string;
  /** --horizon was given; otherwise its default is shortened to what fits the history. */
  horizonGiven?: boolean;
}

export const CURRENT_POLICIES = ['hpa', 'step'] as const;

const fraction = (text: string, flag: string) =>
  number(text, flag, (v) => v > 0 && v <= 1, 'a fraction in (0, 1]');

function databaseLimit(options: Defaulted): DatabaseLimit | undefined {
  const { dbConnectionsPerServer: per, dbMaxConnections: max } = options;
  if (per === undefined && max === undefined) return undefined;
  if (per === undefined || max === undefined) {
    throw new UserError(
      'give both --db-connections-per-server and --db-max-connections',
      'e.g. --db-connections-per-server 150 --db-max-connections 750',
    );
  }
  if (options.dbLimit !== 'flag' && options.dbLimit !== 'cap') {
    throw new UserError(`--db-limit: expected flag or cap, got '${options.dbLimit}'`);
  }
  return {
    connectionsPerServer: wholeNumber(per, '--db-connections-per-server', 1),
    maxConnections: wholeNumber(max, '--db-max-connections', 1),
    mode: options.dbLimit,
  };
}

function stepSpec(options: Defaulted): Omit<StepScalingSpec, 'minServers' | 'maxServers'> {
  const spec = {
    upThreshold: fraction(options.stepUp, '--step-up'),
    downThreshold: fraction(options.stepDown, '--step-down'),
    readings: wholeNumber(options.stepReadings, '--step-readings', 1),
    cooldownMs: durationOrZero(options.stepCooldown, '--step-cooldown'),
    step: wholeNumber(options.stepSize, '--step-size', 1),
  };
  if (spec.downThreshold >= spec.upThreshold) {
    throw new UserError(
      `--step-down ${spec.downThreshold} must be below --step-up ${spec.upThreshold}`,
      'otherwise the monitor would scale up and down on the same readings',
    );
  }
  return spec;
}

type Defaulted = SimulateCommandOptions & { [K in keyof typeof SIMULATE_DEFAULTS]: string };

function withDefaults(given: SimulateCommandOptions): Defaulted {
  const out: Record<string, unknown> = { ...given };
  for (const [key, value] of Object.entries(SIMULATE_DEFAULTS)) out[key] ??= value;
  return out as unknown as Defaulted;
}

/** The chart's week: from --chart-start, or the busiest of the replay. */
function chartSpan(
  chartStart: string | undefined,
  result: SimulateResult,
  zone: string,
): { from: number; to: number } {
  if (chartStart === undefined) return busiestSpan(result.demand);
  const from = parseTimestamp(chartStart, zone).ms;
  if (!(from >= result.start && from < result.end)) {
    throw new UserError(
      `--chart-start: expected a time within the replay, ${spanText(result.start, result.end, zone)} ${zone}, got '${chartStart}'`,
      `e.g. --chart-start ${formatShort(result.start, zone).slice(0, 10)}`,
    );
  }
  return { from, to: Math.min(result.end, from + WEEK_MS) };
}

export type SimulateRun = Awaited<ReturnType<typeof runSimulate>>;

/** The replay settings from the flags, each checked; reads --hpa-behavior. */
async function replaySettings(options: Defaulted) {
  if (options.modelFile !== undefined) {
    throw new UserError(
      'simulate forecasts each replayed window from only the history before it; a saved model has already seen those windows',
      'drop --model-file',
    );
  }
  const typed = parseSettings(options);
  const settings = capacitySettings(typed);
  const ingest = ingestOptions(typed);
  const request = forecastRequest(typed);
  const origins = wholeNumber(options.origins, '--origins', 1);
  const tickMs = parseDuration(options.tick, '--tick');
  const warmupMs = durationOrZero(options.warmup, '--warmup');
  const leadMs =
    options.leadTime === undefined ? warmupMs : durationOrZero(options.leadTime, '--lead-time');
  const minHoldMs = durationOrZero(options.minHold, '--min-hold');
  const cost =
    options.costPerServerHour === undefined
      ? undefined
      : number(options.costPerServerHour, '--cost-per-server-hour', (v) => v >= 0, 'an amount ≥ 0');
  const tolerance = number(
    options.hpaTolerance,
    '--hpa-tolerance',
    (v) => v >= 0 && v < 1,
    'a fraction in [0, 1)',
  );
  const step = stepSpec(options);
  const database = databaseLimit(options);
  const current = options.current as (typeof CURRENT_POLICIES)[number];
  if (!CURRENT_POLICIES.includes(current)) {
    throw new UserError(`--current: expected hpa or step, got '${options.current}'`);
  }
  const given = options.hpaBehavior
    ? behaviorFromText(
        await readTextFile(options.hpaBehavior, 'the HPA behaviour'),
        options.hpaBehavior,
      )
    : { behavior: FIRST_DESIGN_BEHAVIOR };
  const hpa = { tolerance, behavior: given.behavior };
  return {
    typed,
    settings,
    ingest,
    request,
    origins,
    tickMs,
    warmupMs,
    leadMs,
    minHoldMs,
    cost,
    hpa,
    step,
    database,
    current,
    behaviorNote: given.note,
  };
}

/** Everything `simulate` computes before it writes; `onProgress` hears of each forecast window. */
export async function runSimulate(
  source: HistorySource,
  given: SimulateCommandOptions,
  onProgress?: (done: number, total: number) => void,
) {
  const options = withDefaults(given);
  const replay = await replaySettings(options);
  const { settings, request, origins, tickMs, warmupMs, leadMs, minHoldMs, cost, hpa } = replay;
  const ingested = await loadHistory(source, replay.ingest);
  const { series } = ingested;
  const zone = replay.ingest.timezone;
  const warnings: Warning[] = [...ingested.warnings];
  const notes = [...ingested.notes, ...(replay.behaviorNote ? [replay.behaviorNote] : [])];
  if (series.stepMs % tickMs !== 0) {
    throw new UserError(
      `--tick ${formatDuration(tickMs)} does not divide the ${formatDuration(series.stepMs)} interval`,
      'use a tick such as 1m, 5m or the interval itself',
    );
  }
  const horizonSteps = windowSteps(series, origins, request.horizonMs, options.horizonGiven, notes);
  const { calendar, lifts } = await buildCalendar(
    replay.typed,
    series,
    horizonSteps * series.stepMs,
  );
  const assumed = assumedCapacityWarning(replay.typed, settings, ingested.valueColumn);
  if (assumed) warnings.push(assumed);

  const result = simulate(series, {
    model: replay.typed.model,
    origins,
    horizonSteps,
    trainWindowMs: request.trainWindowMs,
    quantile: request.quantile,
    context: { ...request.context, ...(calendar ? { calendar } : {}) },
    lifts,
    capacity: settings,
    tickMs,
    warmupMs,
    leadMs,
    minHoldMs,
    hpa,
    step: replay.step,
    database: replay.database,
    costPerServerHour: cost,
    onProgress,
  });

  const span = chartSpan(options.chartStart, result, zone);
  const described: ReplayDescription = {
    file: ingested.file,
    valueColumn: ingested.valueColumn,
    rows: ingested.rows,
    zone,
    unit: loadUnit(options.unit, ingested.valueColumn),
    model: replay.typed.model,
    origins,
    horizonSteps,
    trainWindowMs: request.trainWindowMs,
    quantile: request.quantile,
    tickMs,
    warmupMs,
    leadMs,
    minHoldMs,
    tolerance: hpa.tolerance,
    behavior: hpa.behavior,
    step: replay.step,
    database: replay.database,
    costPerServerHour: cost,
    current: replay.current,
    span,
    busiest: options.chartStart === undefined,
  };
  const found = findings(result, described, settings.maxServers);
  warnings.push(...found.warnings);
  notes.push(...found.notes);
  const sentence = verdictOf(result, described);
  const report = reportJson(result, described, sentence);
  const scheduled = scheduledPerTick(result);
  return { ingested, zone, result, described, sentence, report, scheduled, warnings, notes };
}
