/**
 * What `backtest` writes for one run: backtest.csv (a row per model × window), backtest.json (the
 * document below), backtest.png and calibration.png, all at once; and the JSON the command prints.
 */
import { join } from 'node:path';
import { formatShare } from '../capacity/servers.js';
import {
  anomalyWindow,
  primaryModel,
  type BacktestResult,
  type BacktestWindow,
  type Calibration,
  type ModelScores,
} from '../evaluate/backtest.js';
import type { BacktestOptions, BacktestRun } from '../run/backtest.js';
import { formatDuration, HOUR_MS } from '../util/duration.js';
import { formatTimestamp } from '../util/time.js';
import { writeFilesAtomically } from './atomic.js';
import { renderBacktestChart } from './backtest-chart.js';
import { renderCalibrationChart } from './calibration-chart.js';
import { formatNumber, formatReadable } from './tables.js';
import { fetchedHistoryFile } from '../sources/load.js';
import { loadUnit } from '../util/format.js';

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

/** backtest.json: the input, the settings, the windows, and the scores per model and window. */
export function backtestDocument(run: BacktestRun) {
  const { ingested, zone, models, origins, settings, request, horizonSteps, result } = run;
  const { series } = ingested;
  const q = request.quantile;
  const anomalies = anomalyWindow(result);
  return {
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
      horizon: formatDuration(horizonSteps * series.stepMs),
      trainWindow: formatDuration(request.trainWindowMs),
      timezone: zone,
      quantile: q,
      askedBandCoverage: Number(formatNumber(2 * q - 1)),
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
}

export async function writeBacktest(
  run: BacktestRun,
  options: Pick<BacktestOptions, 'outDir' | 'unit'>,
): Promise<{ files: string[]; json: Record<string, unknown> }> {
  const { ingested, zone, result, warnings, notes } = run;
  const document = backtestDocument(run);
  const path = (name: string) => join(options.outDir, name);
  const files = await writeFilesAtomically([
    { path: path('backtest.csv'), content: backtestCsv(result, zone) },
    { path: path('backtest.json'), content: JSON.stringify(document, null, 2) + '\n' },
    {
      path: path('backtest.png'),
      content: renderBacktestChart(ingested.series, result, {
        zone,
        unit: loadUnit(options.unit, ingested.valueColumn),
      }),
    },
    { path: path('calibration.png'), content: calibrationPng(result) },
    ...fetchedHistoryFile(ingested, options.outDir),
  ]);
  return { files, json: { ...document, warnings, notes, files } };
}
