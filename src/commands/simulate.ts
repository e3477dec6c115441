import { join } from 'node:path';
import { describePlanRule } from '../capacity/servers.js';
import { UserError } from '../errors.js';
import { BACKTEST_DEFAULT_ORIGINS, fittingHorizon } from '../evaluate/backtest.js';
import { loadSeries } from '../ingest/index.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { renderSimulateChart } from '../report/simulate-chart.js';
import { formatNumber, formatReadable } from '../report/tables.js';
import {
  DEFAULT_TOLERANCE,
  describeBehavior,
  FIRST_DESIGN_BEHAVIOR,
  readBehaviorFile,
} from '../simulate/behavior.js';
import { busiestSpan } from '../simulate/busiest.js';
import { formatHours, verdict } from '../simulate/compare.js';
import { databaseServerLimit, type DatabaseLimit } from '../simulate/metrics.js';
import { POLICY_LABELS } from '../simulate/policies.js';
import { simulate, type SimulateResult } from '../simulate/run.js';
import { scheduledAt } from '../simulate/scheduled.js';
import { FIRST_DESIGN_STEP_SCALING, type StepScalingSpec } from '../simulate/step-scaling.js';
import {
  figureTable,
  markdownTable,
  policiesCsv,
  spanText,
  timelineCsv,
} from '../simulate/tables.js';
import type { CapacitySettings, Warning } from '../types.js';
import { describeDuration, formatDuration, parseDuration, WEEK_MS } from '../util/duration.js';
import { parseTimestamp } from '../ingest/timestamp.js';
import { formatShort, formatTimestamp } from '../util/time.js';
import {
  assumedCapacityNote,
  capacitySettings,
  forecastRequest,
  ingestOptions,
  type RawOptions,
} from './options.js';
import { table, type CommandOutput } from './output.js';
import { buildCalendar } from './shared.js';

/** Flag defaults; the parser falls back to them too, for callers that skip commander. */
export const SIMULATE_DEFAULTS = {
  origins: String(BACKTEST_DEFAULT_ORIGINS),
  tick: '1m',
  warmup: '5m',
  minHold: '2h',
  hpaTolerance: String(DEFAULT_TOLERANCE),
  stepUp: String(FIRST_DESIGN_STEP_SCALING.upThreshold),
  stepDown: String(FIRST_DESIGN_STEP_SCALING.downThreshold),
  stepReadings: String(FIRST_DESIGN_STEP_SCALING.readings),
  stepCooldown: `${FIRST_DESIGN_STEP_SCALING.cooldownMs / 1000}s`,
  stepSize: String(FIRST_DESIGN_STEP_SCALING.step),
  dbLimit: 'flag',
  current: 'hpa',
} as const;

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

export const SIMULATE_FORMAT = 'headroom.simulate/v1';
export const CURRENT_POLICIES = ['hpa', 'step'] as const;

function numberFlag(text: string, flag: string, ok: (v: number) => boolean, expected: string) {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !ok(value)) {
    throw new UserError(`${flag}: expected ${expected}, got '${text}'`);
  }
  return value;
}

const whole = (text: string, flag: string, least: number) =>
  numberFlag(text, flag, (v) => Number.isInteger(v) && v >= least, `a whole number ≥ ${least}`);
const fraction = (text: string, flag: string) =>
  numberFlag(text, flag, (v) => v > 0 && v <= 1, 'a fraction in (0, 1]');

/** A duration that may be zero ("0", "0m"). */
function durationOrZero(text: string, flag: string): number {
  return /^\s*0+(\.0*)?\s*[a-z]*\s*$/i.test(text) ? 0 : parseDuration(text, flag);
}

function databaseLimit(options: Defaulted): DatabaseLimit | undefined {
  const { dbConnectionsPerServer: per, dbMaxConnections: max } = options;
  if (per === undefined && max === undefined) return undefined;
  if (per === undefined || max === undefined) {
    throw new UserError(
      'give both --db-connections-per-server and --db-max-connections',
      "e.g. the first design's rule of thumb: --db-connections-per-server 150 --db-max-connections 750",
    );
  }
  if (options.dbLimit !== 'flag' && options.dbLimit !== 'cap') {
    throw new UserError(`--db-limit: expected flag or cap, got '${options.dbLimit}'`);
  }
  return {
    connectionsPerServer: whole(per, '--db-connections-per-server', 1),
    maxConnections: whole(max, '--db-max-connections', 1),
    mode: options.dbLimit,
  };
}

function stepSpec(options: Defaulted): Omit<StepScalingSpec, 'minServers' | 'maxServers'> {
  const spec = {
    upThreshold: fraction(options.stepUp, '--step-up'),
    downThreshold: fraction(options.stepDown, '--step-down'),
    readings: whole(options.stepReadings, '--step-readings', 1),
    cooldownMs: durationOrZero(options.stepCooldown, '--step-cooldown'),
    step: whole(options.stepSize, '--step-size', 1),
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

function maxServersText(s: CapacitySettings): string {
  return Number.isFinite(s.maxServers) ? String(s.maxServers) : '∞';
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
  const origins = whole(options.origins, '--origins', 1);
  const tickMs = parseDuration(options.tick, '--tick');
  const warmupMs = durationOrZero(options.warmup, '--warmup');
  const leadMs =
    options.leadTime === undefined ? warmupMs : durationOrZero(options.leadTime, '--lead-time');
  const minHoldMs = durationOrZero(options.minHold, '--min-hold');
  const cost =
    options.costPerServerHour === undefined
      ? undefined
      : numberFlag(
          options.costPerServerHour,
          '--cost-per-server-hour',
          (v) => v >= 0,
          'an amount ≥ 0',
        );
  const tolerance = numberFlag(
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
    ? await readBehaviorFile(options.hpaBehavior)
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
  const asked = Math.max(1, Math.round(request.horizonMs / series.stepMs));
  const horizonSteps = options.horizonGiven
    ? asked
    : fittingHorizon(series.values.length, series.stepMs, origins, asked);
  if (horizonSteps < asked) {
    notes.push(
      `windows shortened to ${formatDuration(horizonSteps * series.stepMs)} (from the default --horizon ${formatDuration(asked * series.stepMs)}) so that ${origins} fit in the history with enough before the first; set --horizon or fewer --origins to change this`,
    );
  }
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

  const { demand, capacity, backtest } = result;
  const byId = new Map(result.policies.map((p) => [p.id, p]));
  const currentRun = byId.get(current);
  const predictiveRun = byId.get('predictive');
  const days = (result.end - result.start) / 86_400_000;
  const sentence =
    currentRun && predictiveRun
      ? verdict(currentRun, predictiveRun, { days, costPerServerHour: cost })
      : '';
  if (database) {
    const limit = databaseServerLimit(database);
    const over = result.policies.filter((p) => (p.figures.database?.overLimitHours ?? 0) > 0);
    if (over.length > 0) {
      warnings.push({
        code: 'database-connections',
        count: over.length,
        message: `${over.map((p) => `${p.label} (${formatHours(p.figures.database?.overLimitHours ?? 0)}, peak ${p.figures.database?.peakConnections} connections)`).join(', ')} would have exceeded the database's ${database.maxConnections} connections (${limit} servers × ${database.connectionsPerServer}); --db-limit cap holds every policy to ${limit} servers`,
      });
    }
    if (database.mode === 'cap' && limit < settings.maxServers) {
      notes.push(
        `every policy held to ${limit} servers: ${database.maxConnections} database connections ÷ ${database.connectionsPerServer} per server`,
      );
    }
  }
  const plannedCapped = result.plans.reduce((n, p) => n + p.cappedSteps, 0);
  if (plannedCapped > 0) {
    warnings.push({
      code: 'max-servers',
      count: plannedCapped,
      message: `the schedule needed more than ${maxServersText(capacity)} servers in ${plannedCapped} interval(s); planned at the maximum`,
    });
  }

  const span = chartSpan(options.chartStart, result, zone);
  const scheduled = Float64Array.from(demand.values, (_, k) =>
    Math.min(
      capacity.maxServers,
      Math.max(capacity.minServers, scheduledAt(result.pushed, demand.start + k * demand.tickMs)),
    ),
  );
  const unit = options.unit ?? ingested.valueColumn;
  const chosen = backtest.windows.map((w) => w.chosen ?? w.model);
  const modelText =
    options.model === 'auto'
      ? `auto (chose ${[...new Set(chosen)].map((m) => `${m} ×${chosen.filter((c) => c === m).length}`).join(', ')})`
      : options.model;
  const behaviorText = describeBehavior(behavior);
  const stepText = `up ${step.step} when most of the last ${step.readings} readings are above ${Math.round(step.upThreshold * 100)}%, down ${step.step} when most are below ${Math.round(step.downThreshold * 100)}%, ${step.cooldownMs > 0 ? `${formatDuration(step.cooldownMs)} cooldown` : 'no cooldown'}`;
  const shaping = `scale-ups ${leadMs > 0 ? `${describeDuration(leadMs)} early` : 'on time'}${minHoldMs > 0 ? `, dips under ${describeDuration(minHoldMs)} filled` : ''}`;
  const { header, rows } = figureTable(result.policies, {
    targetUtilization: capacity.targetUtilization,
    costPerServerHour: cost,
    zone,
  });

  const settingsJson = {
    model: options.model,
    origins,
    horizon: formatDuration(horizonSteps * series.stepMs),
    trainWindow: formatDuration(request.trainWindowMs),
    quantile: request.quantile,
    timezone: zone,
    tick: formatDuration(tickMs),
    warmup: warmupMs === 0 ? '0' : formatDuration(warmupMs),
    leadTime: leadMs === 0 ? '0' : formatDuration(leadMs),
    minHold: minHoldMs === 0 ? '0' : formatDuration(minHoldMs),
    capacity: {
      ...capacity,
      maxServers: Number.isFinite(capacity.maxServers) ? capacity.maxServers : null,
    },
    hpa: { targetUtilization: capacity.targetUtilization, tolerance, behavior },
    stepScaling: { ...step, cooldownSeconds: step.cooldownMs / 1000 },
    database: database ?? null,
    costPerServerHour: cost ?? null,
    current,
  };
  const report = {
    format: SIMULATE_FORMAT,
    input: {
      file: ingested.file,
      valueColumn: ingested.valueColumn,
      rows: ingested.rows,
      interval: formatDuration(series.stepMs),
    },
    settings: settingsJson,
    replay: {
      start: formatTimestamp(result.start, zone),
      end: formatTimestamp(result.end, zone),
      ticks: demand.values.length,
      hours: Number(formatNumber((demand.values.length * tickMs) / 3_600_000)),
      windows: backtest.windows.map((w, i) => ({
        start: formatTimestamp(w.start, zone),
        end: formatTimestamp(w.start + horizonSteps * series.stepMs, zone),
        model: w.chosen ?? w.model,
        trainingStart: formatTimestamp(w.trainingStart, zone),
        scheduleChanges: result.schedules[i].entries.length - 1,
      })),
      exactServerHours: Number(formatNumber(result.exactServerHours)),
    },
    chart: { from: formatTimestamp(span.from, zone), to: formatTimestamp(span.to, zone) },
    verdict: sentence,
    policies: result.policies.map((p) => ({
      id: p.id,
      label: p.label,
      ...p.figures,
      worstShortfall: p.figures.worstShortfall
        ? { ...p.figures.worstShortfall, at: formatTimestamp(p.figures.worstShortfall.at, zone) }
        : null,
      reasons: p.timeline.reasons,
    })),
  };

  const facts = [
    `${result.policies.length} policies replayed in ${formatDuration(tickMs)} ticks over ${origins} window(s) of ${formatDuration(horizonSteps * series.stepMs)}, ${spanText(result.start, result.end, zone)} ${zone}`,
    `schedule: each window planned by ${modelText} from only the history before it, servers for the ${describePlanRule(capacity, request.quantile)}; ${shaping}`,
    `servers: ${formatReadable(capacity.capacityPerServer)} ${unit} each at 100%, target ${Math.round(capacity.targetUtilization * 100)}%, ${capacity.minServers}–${maxServersText(capacity)} servers, warm-up ${warmupMs > 0 ? describeDuration(warmupMs) : 'none'}`,
    `${POLICY_LABELS.hpa}: ${Math.round(capacity.targetUtilization * 100)}% ± ${Math.round(tolerance * 100)}%, ${behaviorText}`,
    `${POLICY_LABELS.step}: ${stepText}`,
    `${POLICY_LABELS.predictive}: the schedule as the HPA's minimum; the larger count wins`,
  ];
  const exactLine = `Exact sizing (servers for every ${formatDuration(tickMs)} tick's demand at ${Math.round(capacity.targetUtilization * 100)}%, warm at once) would have taken ${formatReadable(result.exactServerHours)} server-hours.`;
  const markdown = [
    `# What prediction buys: ${ingested.file}`,
    '',
    ...(sentence ? [`**${sentence}**`, ''] : []),
    markdownTable(header, rows),
    '',
    "![Demand against each policy's serving capacity, one panel per policy](simulate.png)",
    '',
    ...facts.map((f) => `- ${f}`),
    '',
    exactLine,
    '',
    `Under-provisioned: minutes in which demand exceeded what the warm servers serve at 100%. Demand within each ${formatDuration(series.stepMs)} interval is interpolated keeping the interval's mean; bursts shorter than the interval are not in the data.`,
    ...(warnings.length > 0
      ? ['', '## Warnings', '', ...warnings.map((w) => `- ${w.message}`)]
      : []),
    '',
  ].join('\n');

  const path = (name: string) => join(options.outDir, name);
  const files = await writeFilesAtomically([
    { path: path('simulate.csv'), content: policiesCsv(result, zone) },
    { path: path('simulate-timeline.csv'), content: timelineCsv(result, zone, scheduled) },
    { path: path('simulate.json'), content: JSON.stringify(report, null, 2) + '\n' },
    { path: path('simulate.md'), content: markdown },
    {
      path: path('simulate.png'),
      content: renderSimulateChart(result, {
        zone,
        unit,
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
    exactLine,
    `chart: ${options.chartStart === undefined ? `the busiest ${describeDuration(span.to - span.from)}` : describeDuration(span.to - span.from)}, ${formatShort(span.from, zone)} – ${formatShort(span.to, zone)}`,
    '',
    `wrote ${files.length} files to ${options.outDir}: ${files.map((f) => f.slice(options.outDir.length).replace(/^[\\/]/, '')).join(', ')}`,
  ].join('\n');
  return { json: { ...report, warnings, notes, files }, text, warnings, notes };
}
