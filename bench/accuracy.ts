/**
 * Accuracy and plan-quality benchmark, following /work/shared/BENCHMARK.md ("Accuracy and plan
 * quality"): rolling origin over the last 2 windows of each series, MASE against in-sample
 * seasonal naive, and under-provisioned hours / excess server-hours of the resulting plans, for
 * the protocol's peers and for the tool's default (`auto` model, default plan rule) in one run.
 *
 *   npm run bench:accuracy [-- --json FILE]
 *   (= npx tsc -p tsconfig.bench.json && node .bench-dist/bench/accuracy.js [--json FILE])
 *
 * Always writes reports/bench-accuracy.json (every figure) and reports/bench-accuracy.md (the
 * tables); `--json FILE` writes a copy of the JSON elsewhere. HEADROOM_DATASETS overrides the
 * datasets directory (default ../shared/datasets).
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CAPACITY, planCapacity, serversFor } from '../src/capacity/servers.js';
import { quantileSorted } from '../src/evaluate/quantile.js';
import { holidayCalendar, makeCalendar } from '../src/features/events.js';
import { mstlForecaster, mstlInterval } from '../src/models/mstl.js';
import { getForecaster } from '../src/models/registry.js';
import { seasonalNaive } from '../src/models/seasonal-naive.js';
import type { ModelContext } from '../src/models/types.js';
import { forecastSeries, type ForecastRequest, type ForecastResult } from '../src/pipeline.js';
import { writeFilesAtomically } from '../src/report/atomic.js';
import type { CapacitySettings, Series } from '../src/types.js';
import { HOUR_MS, WEEK_MS } from '../src/util/duration.js';
import {
  countMissing,
  defaultDatasetsDir,
  holidayCountryOf,
  interpolateInterior,
  loadBenchmarkSeries,
  LONG_SERIES_H,
  repoRoot,
  SERVERS_PER_P99,
  WEEK_H,
  WINDOWS,
} from './series.js';

const COMMAND = 'npm run bench:accuracy';
const REPORT_BASENAME = 'reports/bench-accuracy';
const HISTORY_CAP_H = (8 * WEEK_MS) / HOUR_MS;
const PLAN_QUANTILE = 0.9;
const UTILISATION = 0.7;
/**
 * augurs' `level` is two-sided: its bounds are point ± z·σ with z = Φ⁻¹(0.5 + level/2)
 * (augurs-ets `compute_intervals`), so level 0.9 is the 90% interval, whose upper bound is the
 * 95th percentile. The protocol's "its 90% upper bound" is that bound.
 */
const MSTL_LEVEL = 0.9;
const MSTL_UPPER_PERCENTILE = 0.5 + MSTL_LEVEL / 2;
const CONTEXT: ModelContext = { zone: 'UTC' };

/**
 * The tool's default plan rule, as `headroom plan` applies it, with the protocol's utilisation and
 * no floor on servers; capacityPerServer is set per window (p99 of the history / 20).
 */
const DEFAULT_RULE: CapacitySettings = {
  ...DEFAULT_CAPACITY,
  capacityPerServer: NaN,
  targetUtilization: UTILISATION,
  minServers: 0,
};

/** The protocol sizes with servers = ceil(planned / (0.7·c)); say so if the defaults no longer do. */
function ruleWarnings(): string[] {
  const { headroom, baseServers, rounding, maxServers } = DEFAULT_RULE;
  if (headroom === 0 && baseServers === 0 && rounding === 'ceil' && maxServers === Infinity) {
    return [];
  }
  return [
    `WARNING: DEFAULT_CAPACITY no longer matches the protocol's servers = ceil(planned / (0.7·c)) ` +
      `(headroom ${headroom}, base ${baseServers}, rounding ${rounding}, max ${maxServers}); ` +
      'every row, and the oracle, is sized with the defaults.',
  ];
}

const METHOD_NAMES = [
  'seasonal-naive',
  'seasonal-naive+q90',
  'linear',
  'mstl',
  'mstl upper90',
  'headroom',
  'headroom +holidays',
  'ridge (point)',
] as const;
type MethodName = (typeof METHOD_NAMES)[number];
const BASELINE: MethodName = 'seasonal-naive';
const DEFAULT_METHOD: MethodName = 'headroom';
/** The protocol's peers for the MASE goal. */
const MASE_PEERS: MethodName[] = ['seasonal-naive', 'mstl', 'linear'];
/** Every peer plan, for "a point that no peer reaches". */
const PLAN_PEERS: MethodName[] = [
  'seasonal-naive',
  'seasonal-naive+q90',
  'linear',
  'mstl',
  'mstl upper90',
];
/** Methods with an upper bound whose coverage is reported. */
const BANDED = ['headroom', 'headroom +holidays', 'mstl upper90'] as const;
type Banded = (typeof BANDED)[number];
/** Methods that run `auto`, whose choice is recorded. */
const AUTO_METHODS = ['headroom', 'headroom +holidays'] as const;
type AutoMethod = (typeof AUTO_METHODS)[number];

const PLANS_ON: Record<MethodName, string> = {
  'seasonal-naive': 'point',
  'seasonal-naive+q90': 'point + in-sample q90',
  linear: 'point',
  mstl: 'point',
  'mstl upper90': `upper of augurs' ${MSTL_LEVEL * 100}% interval (q${MSTL_UPPER_PERCENTILE * 100})`,
  headroom: describeRule(DEFAULT_RULE),
  'headroom +holidays': describeRule(DEFAULT_RULE),
  'ridge (point)': 'point',
};

const SHORT: Record<MethodName, string> = {
  'seasonal-naive': 'snaive',
  'seasonal-naive+q90': 'snaive+q90',
  linear: 'linear',
  mstl: 'mstl',
  'mstl upper90': 'mstl up90',
  headroom: 'headroom',
  'headroom +holidays': '+holidays',
  'ridge (point)': 'ridge pt',
};

interface Scores {
  mase: number;
  underShare: number;
  excess: number;
}

interface Coverage {
  covered: number;
  scored: number;
  share: number;
}

interface WindowResult {
  start: string;
  hours: number;
  scoredHours: number;
  trainHours: number;
  season: number;
  naiveScale: number;
  capacityPerServer: number;
  holidays: string | null;
  methods: Record<MethodName, Scores>;
  milliseconds: Record<MethodName, number>;
  coverage: Record<Banded, Coverage>;
  autoChose: Record<AutoMethod, string>;
  autoReason: Record<AutoMethod, string>;
}

interface SeriesResult {
  name: string;
  hours: number;
  missingHours: number;
  horizon: number;
  holidays: string | null;
  windows: WindowResult[];
  mean: Record<MethodName, Scores>;
  coverage: Record<Banded, number>;
}

interface SummaryRow {
  method: MethodName;
  plansOn: string;
  medianMase: number;
  betterThanBaseline: number;
  medianUnderShare: number;
  meanUnderShare: number;
  medianExcess: number;
  seconds: number;
}

interface Goals {
  mase: { value: number; bestPeer: MethodName; bestPeerValue: number; below: number; met: boolean };
  plan: {
    underShare: number;
    meanUnderShare: number;
    excess: number;
    met: boolean;
    peersReaching: MethodName[];
  };
}

/** A table for stdout and for the Markdown report. */
interface Table {
  title: string;
  headers: string[];
  rows: string[][];
  /** The first `left` columns are left-aligned. */
  left: number;
  notes: string[];
}

function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'string' } } });
  return run(values.json);
}

async function run(jsonFile: string | undefined): Promise<void> {
  const began = performance.now();
  const root = repoRoot();
  const datasetsDir = defaultDatasetsDir(root);
  const all = await loadBenchmarkSeries(datasetsDir);
  const loadMs = performance.now() - began;

  // One untimed pass over the first series' last window first, so that no method's seconds
  // include loading augurs' WASM, date-holidays' data or the JIT warming up on shared code.
  const warmUpStarted = performance.now();
  warmUp(all.values().next().value as Series);
  const warmUpMs = performance.now() - warmUpStarted;

  const results: SeriesResult[] = [];
  for (const series of all.values()) results.push(evaluateSeries(series));

  const summary = summarise(results);
  const goals = judgeGoals(summary);
  const coverage = Object.fromEntries(
    BANDED.map((m) => [m, coverageSummary(results, m)]),
  ) as Record<Banded, { medianOverSeries: number; pooled: number }>;
  const wallMs = performance.now() - began;

  const tables = [
    maseTable(results),
    methodTable(results, 'Under-provisioned hours per series (mean of 2 windows)', (s) =>
      pct(s.underShare),
    ),
    methodTable(results, 'Excess server-hours per series (mean of 2 windows)', (s) =>
      signedPct(s.excess),
    ),
    defaultTable(results),
    summaryTable(summary, results.length),
  ];
  const lines = [
    ...ruleWarnings(),
    ...goalLines(goals, summary),
    ...coverageLines(coverage),
    ...autoLines(results),
    `wall time ${(wallMs / 1000).toFixed(2)} s (loading ${(loadMs / 1000).toFixed(2)} s, ` +
      `untimed warm-up ${(warmUpMs / 1000).toFixed(2)} s), ` +
      `${results.length} series × ${WINDOWS} windows, node ${process.version}`,
  ];

  for (const table of tables) {
    printTable(table);
    console.log('');
  }
  for (const line of lines) console.log(line);

  const date = new Date().toISOString();
  const report = {
    protocol: '/work/shared/BENCHMARK.md: Accuracy and plan quality',
    command: COMMAND,
    datasetsDir,
    node: process.version,
    date,
    wallMs: Math.round(wallMs),
    loadMs: Math.round(loadMs),
    warmUpMs: Math.round(warmUpMs),
    settings: {
      windows: WINDOWS,
      horizonHours: `${WEEK_H} if the series has >= ${LONG_SERIES_H} hours, else 48`,
      historyCapHours: HISTORY_CAP_H,
      planQuantile: PLAN_QUANTILE,
      utilisation: UTILISATION,
      capacityPerServer: `p99 of the training history / ${SERVERS_PER_P99}`,
      defaultPlanRule: {
        ...DEFAULT_RULE,
        capacityPerServer: 'per window, as above',
        maxServers: String(DEFAULT_RULE.maxServers),
      },
      zone: CONTEXT.zone,
      mstlLevel: MSTL_LEVEL,
      mstlIntervalConvention:
        `augurs level ${MSTL_LEVEL} = two-sided ${MSTL_LEVEL * 100}% normal interval ` +
        `(z = Φ⁻¹(0.5 + level/2)); the upper bound is the ${MSTL_UPPER_PERCENTILE * 100}th percentile`,
    },
    methods: METHOD_NAMES.map((name) => ({ name, plansOn: PLANS_ON[name] })),
    summary,
    goals,
    coverage,
    autoChose: Object.fromEntries(
      AUTO_METHODS.map((m) => [
        m,
        Object.fromEntries(results.map((r) => [r.name, r.windows.map((w) => w.autoChose[m])])),
      ]),
    ),
    series: results,
  };
  const json = JSON.stringify(report, null, 2) + '\n';
  const markdown = renderMarkdown(tables, lines, date);

  const written = await writeFilesAtomically([
    { path: resolve(root, `${REPORT_BASENAME}.json`), content: json },
    { path: resolve(root, `${REPORT_BASENAME}.md`), content: markdown },
    ...(jsonFile ? [{ path: resolve(jsonFile), content: json }] : []),
  ]);
  console.log(`written: ${written.map((p) => relative(process.cwd(), p) || p).join(', ')}`);
}

function warmUp(series: Series): void {
  const n = series.values.length;
  const horizon = n >= LONG_SERIES_H ? WEEK_H : 48;
  const origin = n - horizon;
  evaluateWindow(series, Math.max(0, origin - HISTORY_CAP_H), origin, horizon, 'US');
}

function evaluateSeries(series: Series): SeriesResult {
  const n = series.values.length;
  const horizon = n >= LONG_SERIES_H ? WEEK_H : 48;
  const holidays = holidayCountryOf(series.name) ?? null;
  const windows: WindowResult[] = [];
  for (let k = WINDOWS; k >= 1; k--) {
    const origin = n - k * horizon;
    const historyFrom = Math.max(0, origin - HISTORY_CAP_H);
    if (origin - historyFrom < 48) throw new Error(`${series.name}: too short for the protocol`);
    windows.push(evaluateWindow(series, historyFrom, origin, horizon, holidays));
  }
  const mean = Object.fromEntries(
    METHOD_NAMES.map((name) => [
      name,
      {
        mase: average(windows.map((w) => w.methods[name].mase)),
        underShare: average(windows.map((w) => w.methods[name].underShare)),
        excess: average(windows.map((w) => w.methods[name].excess)),
      },
    ]),
  ) as Record<MethodName, Scores>;
  const coverage = Object.fromEntries(
    BANDED.map((m) => [m, average(windows.map((w) => w.coverage[m].share))]),
  ) as Record<Banded, number>;
  return {
    name: series.name,
    hours: n,
    missingHours: countMissing(series.values),
    horizon,
    holidays,
    windows,
    mean,
    coverage,
  };
}

/** What a method forecasts (MASE is of this line), what it plans on, and its upper bound. */
interface MethodOutput {
  forecast: Float64Array;
  planned: Float64Array;
  /** The servers the method plans, where they are not serversFor(planned). */
  servers?: Float64Array;
  upper?: Float64Array;
  ms: number;
  chose?: string;
  reason?: string;
}

function evaluateWindow(
  series: Series,
  historyFrom: number,
  origin: number,
  horizon: number,
  holidays: string | null,
): WindowResult {
  // Training copy: missing hours linearly interpolated within the history (nothing after the
  // origin is used). Scoring copy: the actual values, NaN = not scored.
  const history = interpolateInterior(slice(series, historyFrom, origin));
  const actual = series.values.slice(origin, origin + horizon);
  const train = history.values;
  const windowStart = series.start + origin * series.stepMs;

  const season = train.length >= 2 * WEEK_H ? WEEK_H : 24;
  const naiveScale = average(naiveErrors(train, season).map(Math.abs));

  const known = Array.from(train)
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => a - b);
  const capacityPerServer = quantileSorted(known, 0.99) / SERVERS_PER_P99;
  const settings: CapacitySettings = { ...DEFAULT_RULE, capacityPerServer };

  const request = (context: ModelContext): ForecastRequest => ({
    horizonMs: horizon * HOUR_MS,
    quantile: PLAN_QUANTILE,
    trainWindowMs: HISTORY_CAP_H * HOUR_MS,
    context,
  });
  const check = (name: MethodName, result: ForecastResult): ForecastResult => {
    const { start, point } = result.forecast;
    if (start !== windowStart || point.length !== horizon) {
      throw new Error(`${series.name}: the ${name} forecast does not line up with the window`);
    }
    return result;
  };
  /** The tool's default: `auto`, planned with the default rule through the tool's own function. */
  const headroom = (name: MethodName, context: () => ModelContext): MethodOutput =>
    timed(() => {
      const { forecast, selection } = check(
        name,
        forecastSeries('auto', history, request(context())),
      );
      const plan = planCapacity(forecast, settings);
      return {
        forecast: forecast.point,
        planned: plan.plannedLoad,
        servers: plan.servers,
        upper: forecast.upper,
        chose: selection?.chosen ?? '?',
        reason: selection?.reason ?? '',
      };
    });

  const outputs = {} as Record<MethodName, MethodOutput>;
  outputs['seasonal-naive'] = timed(() => {
    const naive = seasonalNaive(history, horizon, season);
    return { forecast: naive, planned: naive };
  });
  outputs['seasonal-naive+q90'] = timed(() => {
    const q90 = quantileSorted(
      naiveErrors(train, season).sort((a, b) => a - b),
      PLAN_QUANTILE,
    );
    const shifted = seasonalNaive(history, horizon, season).map((v) => v + q90);
    return { forecast: shifted, planned: shifted };
  });
  outputs.linear = timed(() => {
    const linear = getForecaster('linear').fit(history, CONTEXT).predict(history, horizon);
    return { forecast: linear, planned: linear };
  });
  outputs.mstl = timed(() => {
    const point = mstlForecaster.fit(history, CONTEXT).predict(history, horizon);
    return { forecast: point, planned: point };
  });
  outputs['mstl upper90'] = timed(() => {
    const { point, upper } = mstlInterval(history, horizon, MSTL_LEVEL);
    return { forecast: point, planned: upper, upper };
  });
  if (maxAbsDifference(outputs.mstl.forecast, outputs['mstl upper90'].forecast) > 1e-6) {
    throw new Error(`${series.name}: mstlInterval's point differs from the mstl forecaster's`);
  }
  outputs.headroom = headroom('headroom', () => CONTEXT);
  outputs['headroom +holidays'] = holidays
    ? headroom('headroom +holidays', () => {
        // As `--holidays` does: from the first year of the history to the year after the horizon.
        const fromYear = new Date(history.start).getUTCFullYear();
        const toYear = new Date(windowStart + horizon * HOUR_MS).getUTCFullYear() + 1;
        const days = holidayCalendar(holidays, fromYear, toYear);
        const sources = [`holidays ${holidays} ${fromYear}–${toYear}`];
        return { ...CONTEXT, calendar: makeCalendar(days, sources) };
      })
    : // No calendar fits this series: the user runs exactly the default (its result and time).
      outputs.headroom;
  outputs['ridge (point)'] = timed(() => {
    const { forecast } = check('ridge (point)', forecastSeries('ridge', history, request(CONTEXT)));
    return { forecast: forecast.point, planned: forecast.point };
  });

  const methods = Object.fromEntries(
    METHOD_NAMES.map((name) => [name, score(actual, outputs[name], naiveScale, settings)]),
  ) as Record<MethodName, Scores>;
  const coverage = Object.fromEntries(
    BANDED.map((name) => [name, coverageOf(actual, outputs[name].upper as Float64Array)]),
  ) as Record<Banded, Coverage>;

  return {
    start: new Date(windowStart).toISOString(),
    hours: horizon,
    scoredHours: coverage.headroom.scored,
    trainHours: train.length,
    season,
    naiveScale,
    capacityPerServer,
    holidays,
    methods,
    milliseconds: Object.fromEntries(
      METHOD_NAMES.map((name) => [name, outputs[name].ms]),
    ) as Record<MethodName, number>,
    coverage,
    autoChose: Object.fromEntries(
      AUTO_METHODS.map((m) => [m, outputs[m].chose as string]),
    ) as Record<AutoMethod, string>,
    autoReason: Object.fromEntries(
      AUTO_METHODS.map((m) => [m, outputs[m].reason as string]),
    ) as Record<AutoMethod, string>,
  };
}

/** Runs `f` and adds its wall time in milliseconds. */
function timed(f: () => Omit<MethodOutput, 'ms'>): MethodOutput {
  const t0 = performance.now();
  const output = f();
  return { ...output, ms: performance.now() - t0 };
}

/** In-sample errors of seasonal naive (y[t] − y[t − season]) on the training history. */
function naiveErrors(train: Float64Array, season: number): number[] {
  const errors: number[] = [];
  for (let i = season; i < train.length; i++) {
    const e = train[i] - train[i - season];
    if (!Number.isNaN(e)) errors.push(e);
  }
  return errors;
}

function score(
  actual: Float64Array,
  { forecast, planned, servers: plannedServers }: MethodOutput,
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
    const n = plannedServers ? plannedServers[t] : serversFor(planned[t], settings);
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

function coverageOf(actual: Float64Array, upper: Float64Array): Coverage {
  let scored = 0;
  let covered = 0;
  for (let t = 0; t < actual.length; t++) {
    if (Number.isNaN(actual[t])) continue;
    scored++;
    if (actual[t] <= upper[t]) covered++;
  }
  return { covered, scored, share: covered / scored };
}

function coverageSummary(
  results: SeriesResult[],
  method: Banded,
): { medianOverSeries: number; pooled: number } {
  let covered = 0;
  let scored = 0;
  for (const r of results) {
    for (const w of r.windows) {
      covered += w.coverage[method].covered;
      scored += w.coverage[method].scored;
    }
  }
  return {
    medianOverSeries: median(results.map((r) => r.coverage[method])),
    pooled: covered / scored,
  };
}

function summarise(results: SeriesResult[]): SummaryRow[] {
  return METHOD_NAMES.map((name) => ({
    method: name,
    plansOn: PLANS_ON[name],
    medianMase: median(results.map((r) => r.mean[name].mase)),
    betterThanBaseline: results.filter((r) => r.mean[name].mase < r.mean[BASELINE].mase).length,
    medianUnderShare: median(results.map((r) => r.mean[name].underShare)),
    meanUnderShare: average(results.map((r) => r.mean[name].underShare)),
    medianExcess: median(results.map((r) => r.mean[name].excess)),
    seconds:
      results.reduce((sum, r) => sum + r.windows.reduce((s, w) => s + w.milliseconds[name], 0), 0) /
      1000,
  }));
}

function judgeGoals(summary: SummaryRow[]): Goals {
  const row = (name: MethodName) => summary.find((s) => s.method === name) as SummaryRow;
  const own = row(DEFAULT_METHOD);
  const best = MASE_PEERS.map(row).sort((a, b) => a.medianMase - b.medianMase)[0];
  const below = 1 - own.medianMase / best.medianMase;
  const reaches = (s: SummaryRow) => s.medianUnderShare <= 0.01 && s.medianExcess <= 0.2;
  return {
    mase: {
      value: own.medianMase,
      bestPeer: best.method,
      bestPeerValue: best.medianMase,
      below,
      met: below >= 0.1,
    },
    plan: {
      underShare: own.medianUnderShare,
      meanUnderShare: own.meanUnderShare,
      excess: own.medianExcess,
      met: reaches(own),
      peersReaching: PLAN_PEERS.map(row)
        .filter(reaches)
        .map((s) => s.method),
    },
  };
}

function goalLines(goals: Goals, summary: SummaryRow[]): string[] {
  const verdict = (met: boolean) => (met ? 'met' : 'missed');
  const peerMase = MASE_PEERS.filter((m) => m !== goals.mase.bestPeer)
    .map((m) => `${m} ${(summary.find((s) => s.method === m) as SummaryRow).medianMase.toFixed(3)}`)
    .join(', ');
  const { mase, plan } = goals;
  return [
    `Goals (BENCHMARK.md), for the default (${DEFAULT_METHOD}: auto model, ${PLANS_ON[DEFAULT_METHOD]}):`,
    `- median MASE ${mase.value.toFixed(3)} vs best peer ${mase.bestPeerValue.toFixed(3)} ` +
      `(${mase.bestPeer}; ${peerMase}): ${signedPctWord(mase.below)} (goal ≥ 10%): ${verdict(mase.met)}`,
    `- default plan: ${pct(plan.underShare)} under-provisioned (goal ≤ 1%; mean over series ` +
      `${pct(plan.meanUnderShare)}), ${signedPct(plan.excess)} excess (goal ≤ 20%): ${verdict(plan.met)}`,
    `- no peer reaches that point (≤ 1% under at ≤ 20% excess): ` +
      (plan.peersReaching.length === 0
        ? 'none does'
        : `reached by ${plan.peersReaching.join(', ')}`),
  ];
}

function coverageLines(
  coverage: Record<Banded, { medianOverSeries: number; pooled: number }>,
): string[] {
  const line = (m: Banded, what: string, nominal: number) =>
    `- ${m}: ${pct(coverage[m].medianOverSeries)} median over series, ` +
    `${pct(coverage[m].pooled)} of all scored hours (${what} ${pct(nominal)})`;
  return [
    'Upper bound coverage (share of scored hours with actual <= upper):',
    line('headroom', `${PLAN_QUANTILE} quantile, requested`, PLAN_QUANTILE),
    line('headroom +holidays', `${PLAN_QUANTILE} quantile, requested`, PLAN_QUANTILE),
    line(
      'mstl upper90',
      `augurs level ${MSTL_LEVEL} is two-sided, upper = q${MSTL_UPPER_PERCENTILE * 100}, nominal`,
      MSTL_UPPER_PERCENTILE,
    ),
  ];
}

function autoLines(results: SeriesResult[]): string[] {
  const choices = (m: AutoMethod, only?: (r: SeriesResult) => boolean) =>
    results
      .filter(only ?? (() => true))
      .map((r) => `${r.name} ${countChoices(r.windows.map((w) => w.autoChose[m]))}`)
      .join(', ');
  return [
    `auto chose: ${choices('headroom')}`,
    `auto chose (+holidays): ${choices('headroom +holidays', (r) => r.holidays !== null)}`,
  ];
}

/** ['ridge', 'ridge'] → "ridge×2"; ['ridge', 'mstl'] → "ridge×1 mstl×1". */
function countChoices(chosen: string[]): string {
  const counts = new Map<string, number>();
  for (const c of chosen) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].map(([model, n]) => `${model}×${n}`).join(' ');
}

function maseTable(results: SeriesResult[]): Table {
  return {
    title: 'MASE per series (mean of 2 windows)',
    headers: ['series', 'hours', 'miss', 'H', ...METHOD_NAMES.map((m) => SHORT[m])],
    rows: results.map((r) => [
      r.name,
      String(r.hours),
      String(r.missingHours),
      String(r.horizon),
      ...METHOD_NAMES.map((m) => r.mean[m].mase.toFixed(3)),
    ]),
    left: 1,
    notes: [
      `columns: ${METHOD_NAMES.map((m) => `${SHORT[m]} = ${m}`).join(', ')}`,
      'MASE is of the point forecast, except snaive+q90: of its shifted line (as in BENCHMARK.md).',
    ],
  };
}

function methodTable(
  results: SeriesResult[],
  title: string,
  cell: (scores: Scores) => string,
): Table {
  return {
    title,
    headers: ['series', ...METHOD_NAMES.map((m) => SHORT[m])],
    rows: results.map((r) => [r.name, ...METHOD_NAMES.map((m) => cell(r.mean[m]))]),
    left: 1,
    notes: [],
  };
}

function defaultTable(results: SeriesResult[]): Table {
  return {
    title: 'The default per series (auto model; coverage = share of hours with actual <= upper)',
    headers: [
      'series',
      'holidays',
      'auto chose',
      '+holidays chose',
      'q90 cov',
      '+holidays q90 cov',
      'mstl up90 cov',
    ],
    rows: results.map((r) => [
      r.name,
      r.holidays ?? '-',
      r.windows.map((w) => w.autoChose.headroom).join(', '),
      r.holidays ? r.windows.map((w) => w.autoChose['headroom +holidays']).join(', ') : '(same)',
      pct(r.coverage.headroom),
      pct(r.coverage['headroom +holidays']),
      pct(r.coverage['mstl upper90']),
    ]),
    left: 4,
    notes: ['auto chose: window 1, window 2.'],
  };
}

function summaryTable(summary: SummaryRow[], seriesCount: number): Table {
  return {
    title: `Summary (median over ${seriesCount} series unless marked mean)`,
    headers: [
      'method',
      'plans on',
      'median MASE',
      `MASE < ${BASELINE}`,
      'median under-prov.',
      'mean under-prov.',
      'median excess',
      'seconds',
    ],
    rows: summary.map((s) => [
      s.method,
      s.plansOn,
      s.medianMase.toFixed(3),
      s.method === BASELINE ? '-' : `${s.betterThanBaseline}/${seriesCount}`,
      pct(s.medianUnderShare),
      pct(s.meanUnderShare),
      signedPct(s.medianExcess),
      s.seconds.toFixed(3),
    ]),
    left: 2,
    notes: [
      `seconds: wall time of each method's forecast (and plan), summed over ${seriesCount} series × ${WINDOWS} windows; ` +
        'headroom runs auto (backtests ensemble, ridge, seasonal-naive, mstl), ridge (point) its own backtest for the band.',
      'headroom +holidays: elb_requests and rds_cpu have no holiday calendar, so their figures and seconds are those of headroom.',
    ],
  };
}

/** Plain aligned text: the first `left` columns left-aligned, the rest right-aligned. */
function printTable(table: Table): void {
  const { headers, rows, left } = table;
  const widths = headers.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, j) => (j < left ? cell.padEnd(widths[j]) : cell.padStart(widths[j])))
      .join('  ')
      .trimEnd();
  console.log(table.title);
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  for (const note of table.notes) console.log(note);
}

function renderMarkdown(tables: Table[], lines: string[], date: string): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const out = [
    '# Accuracy and plan-quality benchmark',
    '',
    `Date ${date}, node ${process.version}, protocol /work/shared/BENCHMARK.md ("Accuracy and plan quality").`,
    `Reproduce with \`${COMMAND}\`.`,
    '',
  ];
  // The summary and the goals first, then the per-series tables.
  const summary = tables[tables.length - 1];
  for (const table of [summary, ...tables.slice(0, -1)]) {
    out.push(`## ${table.title}`, '');
    out.push(`| ${table.headers.map(escape).join(' | ')} |`);
    out.push(`|${table.headers.map((_, j) => (j < table.left ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const row of table.rows) out.push(`| ${row.map(escape).join(' | ')} |`);
    out.push('');
    for (const note of table.notes) out.push(note, '');
    if (table === summary) {
      for (const line of lines) out.push(line.startsWith('- ') ? line : `\n${line}\n`);
      out.push('');
    }
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** Writes through a temporary file in the same directory and renames it into place. */

function describeRule(s: CapacitySettings): string {
  if (s.planOn === 'point') return 'point';
  if (s.planOn === 'upper') return `q${PLAN_QUANTILE * 100}`;
  return `max(point, q${PLAN_QUANTILE * 100}×${s.targetUtilization}/${s.peakUtilization})`;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function signedPct(share: number): string {
  return `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)}%`;
}

function signedPctWord(below: number): string {
  return below >= 0 ? `${pct(below)} below` : `${pct(-below)} above`;
}

function maxAbsDifference(a: Float64Array, b: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
