import { join } from 'node:path';
import { UserError } from '../errors.js';
import { loadSeries } from '../ingest/index.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { renderSimulateChart } from '../report/simulate-chart.js';
import { behaviorFromText, FIRST_DESIGN_BEHAVIOR } from '../simulate/behavior.js';
import { SIMULATE_DEFAULTS } from '../simulate/defaults.js';
import { busiestSpan } from '../simulate/busiest.js';
import { databaseServerLimit, type DatabaseLimit } from '../simulate/metrics.js';
import {
  exactSizingLine,
  findings,
  reportJson,
  scheduledPerTick,
  settingsFacts,
  summaryMarkdown,
  verdictOf,
  type ReplayDescription,
} from '../simulate/report.js';
import { simulate, type SimulateResult } from '../simulate/run.js';
import type { StepScalingSpec } from '../simulate/step-scaling.js';
import { figureTable, policiesCsv, spanText, timelineCsv } from '../simulate/tables.js';
import type { Warning } from '../types.js';
import {
  describeDuration,
  durationOrZero,
  formatDuration,
  parseDuration,
  WEEK_MS,
} from '../util/duration.js';
import { parseTimestamp } from '../ingest/timestamp.js';
import { formatShort } from '../util/time.js';
import { readTextFile } from '../util/files.js';
import {
  assumedCapacityNote,
  capacitySettings,
  forecastRequest,
  ingestOptions,
  number,
  wholeNumber,
  type RawOptions,
} from './options.js';
import { table, type CommandOutput } from './output.js';
import { windowSteps } from '../run/backtest.js';
import { buildCalendar } from './shared.js';

export interface SimulateCommandOptions extends RawOptions {
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

/** A one-line counter on a terminal; nothing when stderr is not one. */
function progressReporter() {
  if (!process.stderr.isTTY) return { onProgress: undefined, clear: () => {} };
  let shown = false;
  return {
    onProgress: (done: number, total: number) => {
      shown = true;
      process.stderr.write(`\rforecasting window ${done}/${total}`);
    },
    clear: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
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

export async function simulateCommand(
  csv: string,
  given: SimulateCommandOptions,
): Promise<CommandOutput> {
  const options = withDefaults(given);
  if (options.modelFile !== undefined) {
    throw new UserError(
      'simulate forecasts each replayed window from only the history before it; a saved model has already seen those windows',
      'drop --model-file',
    );
  }
  const settings = capacitySettings(options);
  const ingest = ingestOptions(options);
  const request = forecastRequest(options);
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
  const behavior = options.hpaBehavior
    ? behaviorFromText(
        await readTextFile(options.hpaBehavior, 'the HPA behaviour'),
        options.hpaBehavior,
      )
    : FIRST_DESIGN_BEHAVIOR;

  const ingested = await loadSeries(csv, ingest);
  const { series } = ingested;
  const zone = ingest.timezone;
  const warnings: Warning[] = [...ingested.warnings];
  const notes = [...ingested.notes];
  if (series.stepMs % tickMs !== 0) {
    throw new UserError(
      `--tick ${formatDuration(tickMs)} does not divide the ${formatDuration(series.stepMs)} interval`,
      'use a tick such as 1m, 5m or the interval itself',
    );
  }
  const horizonSteps = windowSteps(series, origins, request.horizonMs, options.horizonGiven, notes);
  const { calendar, lifts } = await buildCalendar(options, series, horizonSteps * series.stepMs);
  const assumed = assumedCapacityNote(options, settings);
  if (assumed) notes.push(assumed);

  const progress = progressReporter();
  let result: SimulateResult;
  try {
    result = simulate(series, {
      model: options.model,
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
      hpa: { tolerance, behavior },
      step,
      database,
      costPerServerHour: cost,
      onProgress: progress.onProgress,
    });
  } finally {
    progress.clear();
  }

  const span = chartSpan(options.chartStart, result, zone);
  const described: ReplayDescription = {
    file: ingested.file,
    valueColumn: ingested.valueColumn,
    rows: ingested.rows,
    zone,
    unit: options.unit ?? ingested.valueColumn,
    model: options.model,
    origins,
    horizonSteps,
    trainWindowMs: request.trainWindowMs,
    quantile: request.quantile,
    tickMs,
    warmupMs,
    leadMs,
    minHoldMs,
    tolerance,
    behavior,
    step,
    database,
    costPerServerHour: cost,
    current,
    span,
    busiest: options.chartStart === undefined,
  };
  const found = findings(result, described, settings.maxServers);
  warnings.push(...found.warnings);
  notes.push(...found.notes);
  const sentence = verdictOf(result, described);
  const report = reportJson(result, described, sentence);
  const scheduled = scheduledPerTick(result);
  const { header, rows } = figureTable(result.policies, {
    targetUtilization: result.capacity.targetUtilization,
    costPerServerHour: cost,
    zone,
  });
  const facts = settingsFacts(result, described);

  const path = (name: string) => join(options.outDir, name);
  const files = await writeFilesAtomically([
    { path: path('simulate.csv'), content: policiesCsv(result, zone) },
    { path: path('simulate-timeline.csv'), content: timelineCsv(result, zone, scheduled) },
    { path: path('simulate.json'), content: JSON.stringify(report, null, 2) + '\n' },
    {
      path: path('simulate.md'),
      content: summaryMarkdown(result, described, { sentence, header, rows, warnings }),
    },
    {
      path: path('simulate.png'),
      content: renderSimulateChart(result, {
        zone,
        unit: described.unit,
        from: span.from,
        to: span.to,
        scheduled,
        busiest: options.chartStart === undefined,
        warmup: warmupMs > 0 ? describeDuration(warmupMs) : 'none',
        ...(database ? { databaseServers: databaseServerLimit(database) } : {}),
      }),
    },
  ]);

  const text = [
    `${ingested.file}: ${ingested.rows} rows of '${ingested.valueColumn}' → ${series.values.length} × ${formatDuration(series.stepMs)}`,
    ...facts,
    '',
    table(header, rows),
    '',
    ...(sentence ? [sentence] : []),
    exactSizingLine(result, described),
    `chart: ${options.chartStart === undefined ? `the busiest ${describeDuration(span.to - span.from)}` : describeDuration(span.to - span.from)}, ${formatShort(span.from, zone)} – ${formatShort(span.to, zone)}`,
    '',
    `wrote ${files.length} files to ${options.outDir}: ${files.map((f) => f.slice(options.outDir.length).replace(/^[\\/]/, '')).join(', ')}`,
  ].join('\n');
  return { json: { ...report, warnings, notes, files }, text, warnings, notes };
}
