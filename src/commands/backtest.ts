import { join } from 'node:path';
import { describePlanRule, formatShare } from '../capacity/servers.js';
import { UserError } from '../errors.js';
import {
  BACKTEST_DEFAULT_MODELS,
  BACKTEST_DEFAULT_ORIGINS,
  primaryModel,
  anomalyWindow,
  backtestPeak,
  runBacktest,
  type BacktestResult,
  type Calibration,
  type BacktestWindow,
  type ModelScores,
} from '../evaluate/backtest.js';
import { loadSeries } from '../ingest/index.js';
import { AUTO, MODEL_NAMES } from '../models/registry.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { renderBacktestChart } from '../report/backtest-chart.js';
import { renderCalibrationChart } from '../report/calibration-chart.js';
import { formatNumber, formatReadable } from '../report/tables.js';
import type { Warning } from '../types.js';
import { describeDuration, formatDuration, HOUR_MS } from '../util/duration.js';
import { formatShort, formatTimestamp } from '../util/time.js';
import {
  assumedCapacityNote,
  capacitySettings,
  forecastRequest,
  ingestOptions,
  type RawOptions,
} from './options.js';
import { table, type CommandOutput } from './output.js';
import { buildCalendar, windowSteps } from './shared.js';

export interface BacktestOptions extends RawOptions {
  /** Comma-separated model names; default BACKTEST_DEFAULT_MODELS. */
  models?: string;
  origins: string;
  outDir: string;
  unit?: string;
  /** --horizon was given; otherwise its default is shortened to what fits the history. */
  horizonGiven?: boolean;
  /** --model was given: backtest that one model (when --models is not). */
  modelGiven?: boolean;
}

export const BACKTEST_FORMAT = 'headroom.backtest/v1';

const CSV_HEADER = [
  'model',
  'window_start',
  'mae',
  'mase',
  'smape',
  'coverage',
  'upper_coverage',
  'under_provisioned',
  'excess',
  'chosen',
];

function parseModels(options: BacktestOptions): string[] {
  if (options.modelFile !== undefined) {
    throw new UserError(
      'backtest fits every model on the history before each window; a saved model has already seen those windows',
      'drop --model-file (use --models to choose what to compare)',
    );
  }
  if (options.models !== undefined && options.modelGiven) {
    throw new UserError('give --models or --model, not both', 'e.g. --models auto,ridge');
  }
  if (options.models === undefined) {
    return options.modelGiven ? [options.model] : [...BACKTEST_DEFAULT_MODELS];
  }
  const known = [AUTO, ...MODEL_NAMES];
  const names = options.models
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) {
    throw new UserError(`--models: expected a comma-separated list, got '${options.models}'`);
  }
  for (const name of names) {
    if (!known.includes(name)) {
      throw new UserError(`--models: unknown model '${name}'`, `choose from: ${known.join(', ')}`);
    }
  }
  return [...new Set(names)];
}

function parseOrigins(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 1) {
    throw new UserError(`--origins: expected a whole number ≥ 1, got '${text}'`);
  }
  return value;
}

/** "87%"; "–" for missing; one decimal below 10%, so that 0.4% does not read as 0%. */
function pct(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  const tenths = Math.round(fraction * 1000) / 10;
  const small = Math.abs(tenths) < 10 && !Number.isInteger(tenths);
  return `${small ? tenths.toFixed(1) : Math.round(tenths)}%`;
}

/** +12% / −3% for excess server-hours. */
function signedPct(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  return fraction > 0 ? `+${pct(fraction)}` : pct(fraction);
}

/** A number for JSON: three decimals, null when missing. */
function jsonNumber(value: number): number | null {
  return Number.isFinite(value) ? Number(formatNumber(value)) : null;
}

function scoresJson(s: ModelScores | BacktestWindow) {
  return {
    steps: s.steps,
    mae: jsonNumber(s.mae),
    mase: jsonNumber(s.mase),
    smape: jsonNumber(s.smape),
    coverage: jsonNumber(s.coverage),
    upperCoverage: jsonNumber(s.upperCoverage),
    underProvisioned: jsonNumber(s.underProvisioned),
    excess: jsonNumber(s.excess),
    excessServerHours: jsonNumber(s.excessServerHours),
  };
}

function calibrationJson(c: Calibration) {
  return {
    steps: c.steps,
    coverage: c.coverage.map((l) => ({ promised: l.promised, realised: jsonNumber(l.realised) })),
    expectedShortShare: jsonNumber(c.expectedShortShare),
    realisedShortShare: jsonNumber(c.realisedShortShare),
    expectedShortHours: jsonNumber(c.expectedShortHours),
    realisedShortHours: jsonNumber(c.realisedShortHours),
    budget: c.budget ?? null,
  };
}

/** "1.4 (0.97%)": hours and their share of the scored hours. */
function hoursAndShare(hours: number, share: number): string {
  return Number.isFinite(share) ? `${formatReadable(hours)} (${formatShare(share)})` : '–';
}

/** Promised against realised coverage per model, and the plans' short hours against the budget. */
function calibrationTable(models: ModelScores[]): string {
  return table(
    [
      'model',
      ...models[0].calibration.coverage.map((l) => pct(l.promised)),
      'short h expected',
      'short h realised',
      'budget',
    ],
    models.map(({ model, calibration: c }) => [
      model,
      ...c.coverage.map((l) => pct(l.realised)),
      hoursAndShare(c.expectedShortHours, c.expectedShortShare),
      hoursAndShare(c.realisedShortHours, c.realisedShortShare),
      c.budget === undefined ? '–' : formatShare(c.budget),
    ]),
  );
}

function backtestCsv(result: BacktestResult, zone: string): string {
  const rows = result.windows.map((w) => [
    w.model,
    formatTimestamp(w.start, zone),
    formatNumber(w.mae),
    formatNumber(w.mase),
    formatNumber(w.smape),
    formatNumber(w.coverage),
    formatNumber(w.upperCoverage),
    formatNumber(w.underProvisioned),
    formatNumber(w.excess),
    w.chosen ?? '',
  ]);
  return [CSV_HEADER, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

/** "ridge ×3, mstl ×1", most chosen first. */
function choiceCounts(chosen: Record<string, number>): string {
  return Object.entries(chosen)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${name} ×${count}`)
    .join(', ');
}

/** A one-line "backtest 7/20" counter on a terminal; nothing when stderr is not one. */
function progressReporter(): {
  onProgress?: (done: number, total: number) => void;
  clear: () => void;
} {
  if (!process.stderr.isTTY) return { clear: () => {} };
  let shown = false;
  return {
    onProgress: (done, total) => {
      shown = true;
      process.stderr.write(`\rbacktest ${done}/${total}`);
    },
    clear: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

/** calibration.png: every model, the featured one first; its plans' short hours in the subtitle. */
function calibrationPng(result: BacktestResult): Buffer {
  const primary = primaryModel(result);
  const ordered = [
    ...result.models.filter((m) => m.model === primary),
    ...result.models.filter((m) => m.model !== primary),
  ];
  const c = ordered[0].calibration;
  const budget = c.budget === undefined ? '' : ` (budget ${formatShare(c.budget)})`;
  const subtitle = Number.isFinite(c.realisedShortShare)
    ? `${primary}'s plans expected ${formatShare(c.expectedShortShare)} of ${formatReadable((c.steps * result.stepMs) / HOUR_MS)} hours above 100% of capacity${budget}; realised ${formatShare(c.realisedShortShare)}`
    : '';
  return renderCalibrationChart(
    ordered.map((m) => ({ model: m.model, calibration: m.calibration })),
    subtitle ? { subtitle } : {},
  );
}

export async function backtestCommand(
  csv: string,
  options: BacktestOptions,
): Promise<CommandOutput> {
  const models = parseModels(options);
  const origins = parseOrigins(options.origins ?? String(BACKTEST_DEFAULT_ORIGINS));
  const settings = capacitySettings(options);
  const ingest = ingestOptions(options);
  const request = forecastRequest(options);
  const ingested = await loadSeries(csv, ingest);
  const { series } = ingested;
  const zone = ingest.timezone;
  const warnings: Warning[] = [...ingested.warnings];
  const notes = [...ingested.notes];

  const horizonSteps = windowSteps(series, origins, request.horizonMs, options.horizonGiven, notes);
  const { calendar, lifts } = await buildCalendar(options, series, horizonSteps * series.stepMs);

  const progress = progressReporter();
  let result: BacktestResult;
  try {
    result = runBacktest(series, {
      models,
      origins,
      horizonSteps,
      trainWindowMs: request.trainWindowMs,
      quantile: request.quantile,
      context: { ...request.context, ...(calendar ? { calendar } : {}) },
      capacity: settings,
      lifts,
      onProgress: progress.onProgress,
    });
  } finally {
    progress.clear();
  }

  const assumed = assumedCapacityNote(options, settings);
  if (assumed) {
    // With the default capacity, a small load needs the minimum servers throughout, and the plan
    // scores then say nothing: point that out.
    const { peak, flat } = backtestPeak(series, origins, horizonSteps, settings);
    notes.push(
      assumed +
        (flat
          ? ` (at ${settings.capacityPerServer}, even the backtest's peak of ${formatReadable(peak)} needs only ${settings.minServers} server(s), so under-provisioned and excess say little)`
          : ''),
    );
  }

  const q = request.quantile;
  const askedBand = 2 * q - 1;
  const primary = primaryModel(result);
  const anomalies = anomalyWindow(result);
  const horizon = formatDuration(horizonSteps * series.stepMs);
  const failed = result.windows.filter((w) => w.failure !== undefined);
  for (const model of new Set(failed.map((w) => w.model))) {
    const mine = failed.filter((w) => w.model === model);
    warnings.push({
      code: 'model-failed',
      count: mine.length,
      message: `${model} failed in ${mine.length} of ${origins} window(s) (${mine[0].failure}); its scores leave them out`,
    });
  }

  const report = {
    format: BACKTEST_FORMAT,
    input: {
      file: ingested.file,
      valueColumn: ingested.valueColumn,
      rows: ingested.rows,
      interval: formatDuration(series.stepMs),
    },
    settings: {
      models,
      origins,
      horizon,
      trainWindow: formatDuration(request.trainWindowMs),
      timezone: zone,
      quantile: q,
      askedBandCoverage: Number(formatNumber(askedBand)),
      askedUpperCoverage: q,
      capacity: {
        ...settings,
        maxServers: Number.isFinite(settings.maxServers) ? settings.maxServers : null,
      },
    },
    windows: result.origins.map((start) => ({
      start: formatTimestamp(start, zone),
      end: formatTimestamp(start + horizonSteps * series.stepMs, zone),
    })),
    models: result.models.map((m) => ({
      model: m.model,
      windows: m.windows,
      failures: m.failures,
      ...scoresJson(m),
      ...(m.chosen ? { chosen: m.chosen } : {}),
      calibration: calibrationJson(m.calibration),
    })),
    rows: result.windows.map((w) => ({
      model: w.model,
      windowStart: formatTimestamp(w.start, zone),
      trainingStart: formatTimestamp(w.trainingStart, zone),
      ...scoresJson(w),
      chosen: w.chosen ?? null,
      ...(w.selection ? { selection: w.selection } : {}),
      ...(w.anomalies !== undefined ? { anomalies: w.anomalies } : {}),
      ...(w.intervalMethod ? { intervalMethod: w.intervalMethod } : {}),
      ...(w.failure ? { failure: w.failure } : {}),
    })),
    anomalies: anomalies
      ? {
          count: anomalies.anomalies,
          model: anomalies.chosen ?? anomalies.model,
          trainingStart: formatTimestamp(anomalies.trainingStart, zone),
          trainingEnd: formatTimestamp(anomalies.start, zone),
        }
      : null,
  };

  const path = (name: string) => join(options.outDir, name);
  const files = await writeFilesAtomically([
    { path: path('backtest.csv'), content: backtestCsv(result, zone) },
    { path: path('backtest.json'), content: JSON.stringify(report, null, 2) + '\n' },
    {
      path: path('backtest.png'),
      content: renderBacktestChart(series, result, {
        zone,
        unit: options.unit ?? ingested.valueColumn,
      }),
    },
    { path: path('calibration.png'), content: calibrationPng(result) },
  ]);

  const rows = result.models.map((m) => [
    m.model,
    formatReadable(m.mae),
    formatReadable(m.mase),
    pct(m.smape),
    `${pct(m.coverage)} (asked ${pct(askedBand)})`,
    `${pct(m.upperCoverage)} (asked ${pct(q)})`,
    pct(m.underProvisioned),
    signedPct(m.excess),
  ]);
  const autoWindows = result.windows.filter((w) => w.chosen !== undefined);
  const lines = [
    `${ingested.file}: ${ingested.rows} rows of '${ingested.valueColumn}' → ${series.values.length} × ${formatDuration(series.stepMs)}`,
    `${origins} window(s) of ${horizon} from ${formatShort(result.origins[0], zone)} to ${formatShort(result.end, zone)} ${zone}, each forecast from up to ${formatDuration(request.trainWindowMs)} of history before it`,
    `plans: servers for the ${describePlanRule(settings, q)}, ${formatReadable(settings.capacityPerServer)} per server`,
    '',
    table(
      [
        'model',
        'MAE',
        'MASE',
        'sMAPE',
        `in ${pct(1 - q)}–${pct(q)} band`,
        '≤ upper bound',
        'under-provisioned',
        'excess server-h',
      ],
      rows,
    ),
    '',
    'MASE < 1: better than repeating last week (last day with under 2 weeks of history).',
    `under-provisioned: intervals over 100% busy on the planned servers; excess: server-hours above a plan that knew the demand.`,
    '',
    'calibration: share of actuals at or below each quantile of the forecast distribution (calibrated: the same as the quantile), and hours above 100% of the planned servers',
    calibrationTable(result.models),
  ];
  if (autoWindows.length > 0) {
    lines.push(
      '',
      `auto chose ${choiceCounts(
        autoWindows.reduce<Record<string, number>>((acc, w) => {
          acc[w.chosen as string] = (acc[w.chosen as string] ?? 0) + 1;
          return acc;
        }, {}),
      )}: ${autoWindows.map((w) => `${formatShort(w.start, zone).slice(0, 10)} ${w.chosen}`).join(' · ')}`,
    );
  }
  if (anomalies?.anomalies) {
    lines.push(
      '',
      `${anomalies.anomalies} interval(s) in the history (the ${describeDuration(anomalies.start - anomalies.trainingStart)} before the last window) looked like outages or spikes and were down-weighted by ${anomalies.chosen ?? anomalies.model}`,
    );
  }
  if (primary !== AUTO) {
    // The chart features the first model when auto is not backtested; say which.
    lines.push(`the chart's band and red intervals are ${primary}'s`);
  }
  lines.push(
    '',
    `wrote ${files.length} files to ${options.outDir}: ${files.map((f) => f.slice(options.outDir.length).replace(/^[\\/]/, '')).join(', ')}`,
  );
  return {
    json: { ...report, warnings, notes, files },
    text: lines.join('\n'),
    warnings,
    notes,
  };
}
