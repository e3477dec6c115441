/**
 * Accuracy and plan-quality benchmark, following /work/shared/BENCHMARK.md ("Accuracy and plan
 * quality"): rolling origin over the last 2 windows of each series, MASE against in-sample
 * seasonal naive, and under-provisioned hours / excess server-hours of the resulting plans.
 *
 *   npx tsc -p tsconfig.bench.json && node .bench-dist/bench/accuracy.js [--json FILE]
 *
 * HEADROOM_DATASETS overrides the datasets directory (default ../shared/datasets).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serversFor } from '../src/capacity/servers.js';
import { quantileSorted } from '../src/evaluate/quantile.js';
import { getForecaster } from '../src/models/registry.js';
import { seasonalNaive } from '../src/models/seasonal-naive.js';
import type { ModelContext } from '../src/models/types.js';
import { forecastWith } from '../src/pipeline.js';
import type { CapacitySettings, Series } from '../src/types.js';
import { HOUR_MS, WEEK_MS } from '../src/util/duration.js';
import {
  countMissing,
  defaultDatasetsDir,
  interpolateInterior,
  loadBenchmarkSeries,
} from './series.js';

const WINDOWS = 2;
const WEEK_H = WEEK_MS / HOUR_MS;
const LONG_SERIES_H = 5 * WEEK_H;
const HISTORY_CAP_H = 8 * WEEK_H;
const PLAN_QUANTILE = 0.9;
const UTILISATION = 0.7;
const SERVERS_PER_P99 = 20;
const CONTEXT: ModelContext = { zone: 'UTC' };

const METHODS = [
  { name: 'seasonal-naive', plansOn: 'point' },
  { name: 'seasonal-naive+q90', plansOn: 'point + in-sample q90' },
  { name: 'linear', plansOn: 'point' },
  { name: 'ridge', plansOn: '0.9 upper bound' },
  { name: 'ridge (point)', plansOn: 'point' },
] as const;
type MethodName = (typeof METHODS)[number]['name'];
const BASELINE: MethodName = 'seasonal-naive';

interface Scores {
  mase: number;
  underShare: number;
  excess: number;
}

interface WindowResult {
  start: string;
  hours: number;
  scoredHours: number;
  trainHours: number;
  season: number;
  naiveScale: number;
  capacityPerServer: number;
  methods: Record<MethodName, Scores>;
  ridgeCoverage: number;
}

interface SeriesResult {
  name: string;
  hours: number;
  missingHours: number;
  horizon: number;
  windows: WindowResult[];
  mean: Record<MethodName, Scores>;
  ridgeCoverage: number;
}

interface SummaryRow {
  method: MethodName;
  plansOn: string;
  medianMase: number;
  betterThanBaseline: number;
  medianUnderShare: number;
  medianExcess: number;
}

function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'string' } } });
  return run(values.json);
}

async function run(jsonFile: string | undefined): Promise<void> {
  const began = performance.now();
  const datasetsDir = defaultDatasetsDir(repoRoot());
  const all = await loadBenchmarkSeries(datasetsDir);
  const loadMs = performance.now() - began;

  const results: SeriesResult[] = [];
  for (const series of all.values()) results.push(evaluateSeries(series));

  const summary: SummaryRow[] = METHODS.map(({ name, plansOn }) => ({
    method: name,
    plansOn,
    medianMase: median(results.map((r) => r.mean[name].mase)),
    betterThanBaseline: results.filter((r) => r.mean[name].mase < r.mean[BASELINE].mase).length,
    medianUnderShare: median(results.map((r) => r.mean[name].underShare)),
    medianExcess: median(results.map((r) => r.mean[name].excess)),
  }));
  const coverage = median(results.map((r) => r.ridgeCoverage));
  const wallMs = performance.now() - began;

  printSeriesTable(results);
  console.log('');
  printSummary(summary, results.length);
  console.log('');
  console.log(
    `ridge ${PLAN_QUANTILE} upper bound coverage (actual <= upper): median over series ${pct(coverage)}` +
      ` (target ${pct(PLAN_QUANTILE)})`,
  );
  console.log(
    `wall time ${(wallMs / 1000).toFixed(2)} s (loading ${(loadMs / 1000).toFixed(2)} s), ` +
      `${results.length} series × ${WINDOWS} windows, node ${process.version}`,
  );

  if (jsonFile) {
    const report = {
      protocol: 'BENCHMARK.md: Accuracy and plan quality',
      command: 'npx tsc -p tsconfig.bench.json && node .bench-dist/bench/accuracy.js',
      datasetsDir,
      node: process.version,
      date: new Date().toISOString(),
      wallMs: Math.round(wallMs),
      loadMs: Math.round(loadMs),
      settings: {
        windows: WINDOWS,
        horizonHours: `${WEEK_H} if the series has >= ${LONG_SERIES_H} hours, else 48`,
        historyCapHours: HISTORY_CAP_H,
        planQuantile: PLAN_QUANTILE,
        utilisation: UTILISATION,
        capacityPerServer: `p99 of the training history / ${SERVERS_PER_P99}`,
        zone: CONTEXT.zone,
      },
      summary,
      ridgeCoverageMedian: coverage,
      series: results,
    };
    const path = resolve(jsonFile);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(report, null, 2) + '\n');
    console.log(`figures written to ${path}`);
  }
}

function evaluateSeries(series: Series): SeriesResult {
  const n = series.values.length;
  const horizon = n >= LONG_SERIES_H ? WEEK_H : 48;
  const windows: WindowResult[] = [];
  for (let k = WINDOWS; k >= 1; k--) {
    const origin = n - k * horizon;
    const historyFrom = Math.max(0, origin - HISTORY_CAP_H);
    if (origin - historyFrom < 48) throw new Error(`${series.name}: too short for the protocol`);
    windows.push(evaluateWindow(series, historyFrom, origin, horizon));
  }
  const mean = Object.fromEntries(
    METHODS.map(({ name }) => [
      name,
      {
        mase: average(windows.map((w) => w.methods[name].mase)),
        underShare: average(windows.map((w) => w.methods[name].underShare)),
        excess: average(windows.map((w) => w.methods[name].excess)),
      },
    ]),
  ) as Record<MethodName, Scores>;
  return {
    name: series.name,
    hours: n,
    missingHours: countMissing(series.values),
    horizon,
    windows,
    mean,
    ridgeCoverage: average(windows.map((w) => w.ridgeCoverage)),
  };
}

function evaluateWindow(
  series: Series,
  historyFrom: number,
  origin: number,
  horizon: number,
): WindowResult {
  // Training copy: missing hours linearly interpolated within the history (nothing after the
  // origin is used). Scoring copy: the actual values, NaN = not scored.
  const history = interpolateInterior(slice(series, historyFrom, origin));
  const actual = series.values.slice(origin, origin + horizon);
  const train = history.values;

  const season = train.length >= 2 * WEEK_H ? WEEK_H : 24;
  const naiveErrors: number[] = [];
  for (let i = season; i < train.length; i++) {
    const e = train[i] - train[i - season];
    if (!Number.isNaN(e)) naiveErrors.push(e);
  }
  const naiveScale = average(naiveErrors.map(Math.abs));
  naiveErrors.sort((a, b) => a - b);
  const naiveQ90 = quantileSorted(naiveErrors, PLAN_QUANTILE);

  const known = Array.from(train)
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => a - b);
  const capacityPerServer = quantileSorted(known, 0.99) / SERVERS_PER_P99;
  const settings: CapacitySettings = {
    capacityPerServer,
    targetUtilization: UTILISATION,
    headroom: 0,
    baseServers: 0,
    minServers: 0,
    maxServers: Number.POSITIVE_INFINITY,
    rounding: 'ceil',
    planOn: 'point',
    peakUtilization: 1,
  };

  const naive = seasonalNaive(history, horizon, season);
  const naiveShifted = naive.map((v) => v + naiveQ90);
  const linear = getForecaster('linear').fit(history, CONTEXT).predict(history, horizon);
  const { forecast: ridge } = forecastWith(getForecaster('ridge'), history, {
    horizonMs: horizon * HOUR_MS,
    quantile: PLAN_QUANTILE,
    trainWindowMs: HISTORY_CAP_H * HOUR_MS,
    context: CONTEXT,
  });
  const windowStart = series.start + origin * series.stepMs;
  if (ridge.start !== windowStart || ridge.point.length !== horizon) {
    throw new Error(`${series.name}: ridge forecast does not line up with the window`);
  }

  // What each method's MASE is measured on, and what it plans on.
  const lines: Record<MethodName, { forecast: Float64Array; planned: Float64Array }> = {
    'seasonal-naive': { forecast: naive, planned: naive },
    'seasonal-naive+q90': { forecast: naiveShifted, planned: naiveShifted },
    linear: { forecast: linear, planned: linear },
    ridge: { forecast: ridge.point, planned: ridge.upper },
    'ridge (point)': { forecast: ridge.point, planned: ridge.point },
  };

  let scored = 0;
  let covered = 0;
  for (let t = 0; t < horizon; t++) {
    if (Number.isNaN(actual[t])) continue;
    scored++;
    if (actual[t] <= ridge.upper[t]) covered++;
  }
  const methods = Object.fromEntries(
    METHODS.map(({ name }) => [
      name,
      score(actual, lines[name].forecast, lines[name].planned, naiveScale, settings),
    ]),
  ) as Record<MethodName, Scores>;

  return {
    start: new Date(windowStart).toISOString(),
    hours: horizon,
    scoredHours: scored,
    trainHours: train.length,
    season,
    naiveScale,
    capacityPerServer,
    methods,
    ridgeCoverage: covered / scored,
  };
}

function score(
  actual: Float64Array,
  forecast: Float64Array,
  planned: Float64Array,
  naiveScale: number,
  settings: CapacitySettings,
): Scores {
  const c = settings.capacityPerServer;
  let scored = 0;
  let absError = 0;
  let under = 0;
  let servers = 0;
  let oracle = 0;
  for (let t = 0; t < actual.length; t++) {
    const y = actual[t];
    if (Number.isNaN(y)) continue;
    scored++;
    absError += Math.abs(y - forecast[t]);
    const n = serversFor(planned[t], settings);
    if (y > n * c) under++;
    servers += n;
    oracle += serversFor(y, settings);
  }
  return {
    mase: absError / scored / naiveScale,
    underShare: under / scored,
    excess: servers / oracle - 1,
  };
}

function printSeriesTable(results: SeriesResult[]): void {
  const headers = ['series', 'hours', 'miss', 'H', ...METHODS.map((m) => m.name), 'ridge cov'];
  const rows = results.map((r) => [
    r.name,
    String(r.hours),
    String(r.missingHours),
    String(r.horizon),
    ...METHODS.map((m) => r.mean[m.name].mase.toFixed(3)),
    pct(r.ridgeCoverage),
  ]);
  console.log(
    'MASE per series (mean of 2 windows; ridge cov = share of hours with actual <= 0.9 upper bound)',
  );
  printTable(headers, rows, 1);
}

function printSummary(summary: SummaryRow[], seriesCount: number): void {
  const headers = [
    'method',
    'plans on',
    'median MASE',
    `MASE < ${BASELINE}`,
    'median under-prov.',
    'median excess',
  ];
  const rows = summary.map((s) => [
    s.method,
    s.plansOn,
    s.medianMase.toFixed(3),
    s.method === BASELINE ? '-' : `${s.betterThanBaseline}/${seriesCount}`,
    pct(s.medianUnderShare),
    signedPct(s.medianExcess),
  ]);
  console.log(`Summary (median over ${seriesCount} series)`);
  printTable(headers, rows, 2);
  console.log(
    'MASE is of the line each method forecasts: both ridge rows score the point forecast, ' +
      'seasonal-naive+q90 its shifted line.',
  );
}

/** Plain aligned text: the first `leftColumns` columns left-aligned, the rest right-aligned. */
function printTable(headers: string[], rows: string[][], leftColumns: number): void {
  const widths = headers.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, j) => (j < leftColumns ? cell.padEnd(widths[j]) : cell.padStart(widths[j])))
      .join('  ')
      .trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function signedPct(share: number): string {
  return `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)}%`;
}

function average(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function slice(series: Series, from: number, to: number): Series {
  return {
    ...series,
    start: series.start + from * series.stepMs,
    values: series.values.slice(from, to),
  };
}

/** The directory holding package.json, above this file (source or compiled). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (package.json)');
    dir = parent;
  }
  return dir;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
