/**
 * Accuracy and plan-quality benchmark, following /work/shared/BENCHMARK.md ("Accuracy and plan
 * quality"): rolling origin over the last 2 windows of each series, MASE against in-sample
 * seasonal naive, and short hours / excess server-hours of the resulting plans, pooled over each
 * set, for the protocol's peers and for the tool's default (`auto` model, default plan rule) in
 * one run, on the first set (8 series) and on the wider set (18 series) alike. For the default it
 * also checks the promise: the short hours its risk budget expects against those that happened,
 * at several budgets, and the coverage of its demand quantiles.
 *
 * A third set, "held-out windows", is scored the same way on windows the settings were never
 * chosen on: the earlier windows of series of the other sets (before their protocol windows) and
 * a series in no set (see heldOutOrigins). Every set also reports the earlier default rule
 * (`planOn: 'balanced'`) on the default's own forecasts, so the change of rule shows in one run.
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
import {
  DEFAULT_CAPACITY,
  describePlanRule,
  formatShare,
  planCapacity,
  serversFor,
} from '../src/capacity/servers.js';
import { demandQuantile, exceedance } from '../src/evaluate/predictive.js';
import { quantileSorted } from '../src/evaluate/quantile.js';
import { holidayCalendar, makeCalendar } from '../src/features/events.js';
import { mstlInterval } from '../src/models/mstl.js';
import { getForecaster } from '../src/models/registry.js';
import { seasonalNaive, seasonLength } from '../src/models/seasonal-naive.js';
import type { ModelContext } from '../src/models/types.js';
import { forecastSeries, type ForecastRequest } from '../src/pipeline.js';
import { writeFilesAtomically } from '../src/report/atomic.js';
import type { CapacitySettings, Forecast, Series } from '../src/types.js';
import { HOUR_MS, WEEK_MS } from '../src/util/duration.js';
import {
  countMissing,
  defaultDatasetsDir,
  holidayCountryOf,
  interpolateInterior,
  loadBenchmarkSeries,
  loadHeldOutSeries,
  loadUnseenSeries,
  loadWiderSeries,
  LONG_SERIES_H,
  PROTOCOL_SERIES_NAMES,
  repoRoot,
  SERVERS_PER_P99,
  WEEK_H,
  WINDOWS,
} from './series.js';

const COMMAND = 'npm run bench:accuracy';
const REPORT_BASENAME = 'reports/bench-accuracy';
const HISTORY_CAP_H = (8 * WEEK_MS) / HOUR_MS;
/** The CLI's default `--quantile`: the forecasts' band, and the in-sample quantile of snaive+q90. */
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

/** The levels of the default's demand distribution whose coverage is checked. */
const BAND_LEVELS = [0.5, 0.8, 0.9, 0.95, 0.99];

/** BENCHMARK.md's goals. */
const GOAL = {
  maseBelowBestPeer: 0.15,
  shortShare: 0.01,
  /** Excess server-hours, on the first set (the wider set: as little as possible). */
  excess: 0.2,
  /** Realised short hours within this many percentage points of the promise, per budget. */
  promiseGap: 0.01,
};
/** The load margins tried for "what excess a peer needs": its planned load × (1 + m). */
const PEER_MARGIN = { min: -1, max: 10 };

/**
 * Peers and the oracle, as the protocol sizes them: servers = ceil(planned / (0.7·c)), nothing
 * else; capacityPerServer is set per window (p99 of the history / 20).
 */
const PEER_RULE: CapacitySettings = {
  capacityPerServer: NaN,
  targetUtilization: UTILISATION,
  headroom: 0,
  baseServers: 0,
  minServers: 0,
  maxServers: Number.POSITIVE_INFINITY,
  rounding: 'ceil',
  planOn: 'point',
  risk: 0,
  peakUtilization: 1,
};

/**
 * The default, as `headroom plan --target-utilization 0.7 --min-servers 1` plans with every other
 * setting at its default (the plan a user gets).
 */
const DEFAULT_RULE: CapacitySettings = {
  ...DEFAULT_CAPACITY,
  capacityPerServer: NaN,
  targetUtilization: UTILISATION,
  minServers: 1,
};
/** The earlier default rule, on the default's own forecasts. */
const EARLIER_RULE: CapacitySettings = { ...DEFAULT_RULE, planOn: 'balanced' };
/** The risk budgets the default's forecasts are re-planned with (its own among them). */
const BUDGETS = [...new Set([0.005, 0.01, 0.02, 0.05, DEFAULT_RULE.risk])].sort((a, b) => a - b);

const METHOD_NAMES = [
  'seasonal-naive',
  'seasonal-naive+q90',
  'linear',
  'mstl',
  'mstl upper90',
  'headroom',
  'headroom +holidays',
  'headroom, balanced rule (earlier default)',
  'ridge (point)',
  'seasonal-naive, re-planned daily',
  'mstl upper90, re-planned daily',
  'headroom, re-planned daily',
] as const;
type MethodName = (typeof METHOD_NAMES)[number];
const BASELINE: MethodName = 'seasonal-naive';
const DEFAULT_METHOD: MethodName = 'headroom';
const EARLIER_METHOD: MethodName = 'headroom, balanced rule (earlier default)';
/** How often the re-planned methods plan again: a nightly CI job applies each plan's first day. */
const REPLAN_EVERY_H = 24;
const REPLANNED_METHOD: MethodName = 'headroom, re-planned daily';
/** The protocol's peers for the MASE goal. */
const MASE_PEERS: MethodName[] = ['seasonal-naive', 'mstl', 'linear'];
/** Every peer plan, for what a peer needs to match the default's short hours. */
const PLAN_PEERS = [
  'seasonal-naive',
  'seasonal-naive+q90',
  'linear',
  'mstl',
  'mstl upper90',
  'mstl upper90, re-planned daily',
] as const;
type PlanPeer = (typeof PLAN_PEERS)[number];
/** The default a peer is matched against: a re-planned peer against the default re-planned. */
const matchedAgainst = (peer: PlanPeer): MethodName =>
  peer.endsWith(', re-planned daily') ? REPLANNED_METHOD : DEFAULT_METHOD;
/** Methods that run `auto`, whose choice is recorded. */
const AUTO_METHODS = ['headroom', 'headroom +holidays'] as const;
type AutoMethod = (typeof AUTO_METHODS)[number];

const PLANS_ON: Record<MethodName, string> = {
  'seasonal-naive': 'point',
  'seasonal-naive+q90': `point + in-sample q${PLAN_QUANTILE * 100}`,
  linear: 'point',
  mstl: 'point',
  'mstl upper90': `upper of augurs' ${MSTL_LEVEL * 100}% interval (q${MSTL_UPPER_PERCENTILE * 100})`,
  headroom: describePlanRule(DEFAULT_RULE, PLAN_QUANTILE),
  'headroom +holidays': 'same',
  [EARLIER_METHOD]: describePlanRule(EARLIER_RULE, PLAN_QUANTILE),
  'ridge (point)': 'point',
  'seasonal-naive, re-planned daily': replannedText('seasonal-naive'),
  'mstl upper90, re-planned daily': replannedText('mstl upper90'),
  'headroom, re-planned daily': replannedText('headroom'),
};

function replannedText(method: MethodName): string {
  return `as ${method}, planned again every ${REPLAN_EVERY_H} h from the history up to then`;
}

const SHORT: Record<MethodName, string> = {
  'seasonal-naive': 'snaive',
  'seasonal-naive+q90': 'snaive+q90',
  linear: 'linear',
  mstl: 'mstl',
  'mstl upper90': 'mstl up90',
  headroom: 'headroom',
  'headroom +holidays': '+holidays',
  [EARLIER_METHOD]: 'balanced',
  'ridge (point)': 'ridge pt',
  'seasonal-naive, re-planned daily': 'snaive/day',
  'mstl upper90, re-planned daily': 'up90/day',
  'headroom, re-planned daily': 'headroom/day',
};

interface SetSpec {
  name: string;
  load: (datasetsDir: string) => Promise<Map<string, Series>>;
  /** The origins (hour indices, in time order) of the windows of H hours scored on a series. */
  origins: (series: Series, horizon: number) => number[];
  /** The window rule in words, for the report. */
  windowRule: string;
  /** The excess goal, where the protocol sets one (else: as little as possible). */
  excessGoal?: number;
  /** Split into halves: one chose the settings, the other confirms them. */
  halves: boolean;
}

/** The held-out windows: at most this many per series, each with this much history before it. */
const HELD_OUT = { windows: 6, minHistoryH: { long: 3 * WEEK_H, short: 96 } };

const PROTOCOL_WINDOWS = `the last ${WINDOWS} windows of H hours`;

const SETS: SetSpec[] = [
  {
    name: 'first set',
    load: loadBenchmarkSeries,
    origins: protocolOrigins,
    windowRule: PROTOCOL_WINDOWS,
    excessGoal: GOAL.excess,
    halves: true,
  },
  {
    name: 'wider set',
    load: loadWiderSeries,
    origins: protocolOrigins,
    windowRule: PROTOCOL_WINDOWS,
    halves: true,
  },
  {
    name: 'held-out windows',
    load: loadHeldOutSeries,
    origins: heldOutOrigins,
    windowRule:
      `series loaded whole; before the protocol's last ${WINDOWS} windows (series of the other ` +
      `sets) or the end (series in no set), up to ${HELD_OUT.windows} consecutive windows of H ` +
      `hours, each with at least ${HELD_OUT.minHistoryH.long} hours of history ` +
      `(${HELD_OUT.minHistoryH.short} when H = 48)`,
    excessGoal: GOAL.excess,
    halves: false,
  },
  {
    name: 'unseen series',
    load: () => loadUnseenSeries(),
    origins: protocolOrigins,
    windowRule: `${PROTOCOL_WINDOWS}; series from outside ../shared (bench/unseen)`,
    excessGoal: GOAL.excess,
    halves: false,
  },
];

/** The protocol's windows: the last WINDOWS of H hours, in time order. */
function protocolOrigins(series: Series, horizon: number): number[] {
  const n = series.values.length;
  return Array.from({ length: WINDOWS }, (_, i) => n - (WINDOWS - i) * horizon);
}

/**
 * Windows the settings were never chosen on: the series' protocol windows (if it is in the other
 * sets) are skipped, then up to HELD_OUT.windows consecutive windows going back, as long as each
 * has its minimum history before it. In time order.
 */
function heldOutOrigins(series: Series, horizon: number): number[] {
  const skip = PROTOCOL_SERIES_NAMES.has(series.name) ? WINDOWS : 0;
  const minHistory = horizon === WEEK_H ? HELD_OUT.minHistoryH.long : HELD_OUT.minHistoryH.short;
  const origins: number[] = [];
  let origin = series.values.length - (skip + 1) * horizon;
  while (origins.length < HELD_OUT.windows && origin >= minHistory) {
    origins.unshift(origin);
    origin -= horizon;
  }
  return origins;
}

/** What a plan is scored by, as counts that pool by adding. */
interface Tally {
  scored: number;
  /** Scored hours whose actual demand exceeded servers × c. */
  short: number;
  servers: number;
  /** Servers of the oracle (the peer rule on the actual demand). */
  oracle: number;
}

interface Scores extends Tally {
  mase: number;
}

/** The default's promise and what happened, pooled by adding. */
interface Calibration {
  scored: number;
  /** Per budget: the plan's tally, and the short hours it expected (Σ exceedance, scored hours). */
  budgets: (Tally & { budget: number; promisedSteps: number })[];
  /** Per BAND_LEVELS: scored hours with actual ≤ that quantile of the demand. */
  covered: number[];
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
  calibration: Calibration;
  /** Scored hours with actual ≤ MSTL's upper bound. */
  mstlUpperCovered: number;
  autoChose: Record<AutoMethod, string>;
  autoReason: Record<AutoMethod, string>;
}

/** What the peers planned in one window, kept to price their margins (not written out). */
interface PeerPlans {
  actual: Float64Array;
  settings: CapacitySettings;
  planned: Record<PlanPeer, Float64Array>;
}

interface SeriesResult {
  name: string;
  hours: number;
  missingHours: number;
  horizon: number;
  holidays: string | null;
  windows: WindowResult[];
  /** MASE: mean of the windows; the counts: summed over them. */
  scores: Record<MethodName, Scores>;
  calibration: Calibration;
}

interface SummaryRow {
  method: MethodName;
  plansOn: string;
  medianMase: number;
  betterThanBaseline: number;
  /** Pooled over the set. */
  shortShare: number;
  medianShortShare: number;
  excess: number;
  seconds: number;
}

interface BudgetRow {
  budget: number;
  promised: number;
  realised: number;
  excess: number;
}

interface BandRow {
  level: number;
  realised: number;
}

interface HalfRow {
  half: 'A' | 'B';
  series: string[];
  /** The default's median MASE over the half, and the best peer's there. */
  medianMase: number;
  bestPeerMase: number;
  promised: number;
  shortShare: number;
  excess: number;
  /** The default re-planned every day: short hours and excess. */
  replanned: { shortShare: number; excess: number };
}

/** The load margin a peer needs to be short no more than the default, and what it costs. */
interface PeerCost {
  peer: PlanPeer;
  /** The method whose short hours the peer is to match. */
  against: MethodName;
  /** null: not reached with PEER_MARGIN.max. */
  margin: number | null;
  shortShare: number;
  excess: number;
}

interface Goal {
  goal: string;
  measured: number;
  /** null: reported, no target. */
  met: boolean | null;
  text: string;
}

interface SetResult {
  name: string;
  windowRule: string;
  /** Windows scored, over all series. */
  windows: number;
  scoredHours: number;
  summary: SummaryRow[];
  budgets: BudgetRow[];
  bands: BandRow[];
  mstlUpperCoverage: number;
  halves: HalfRow[];
  peerCosts: PeerCost[];
  goals: Goal[];
  series: SeriesResult[];
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

/** Report blocks: a table, or lines of text (a line starting with '- ' is a list item). */
type Block = Table | string[];

function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'string' } } });
  return run(values.json);
}

async function run(jsonFile: string | undefined): Promise<void> {
  const began = performance.now();
  const root = repoRoot();
  const datasetsDir = defaultDatasetsDir(root);
  const loaded = await Promise.all(SETS.map((spec) => spec.load(datasetsDir)));
  const loadMs = performance.now() - began;

  // One untimed pass over the first series' last window first, so that no method's seconds
  // include loading augurs' WASM, date-holidays' data or the JIT warming up on shared code.
  const warmUpStarted = performance.now();
  warmUp(loaded[0].values().next().value as Series);
  const warmUpMs = performance.now() - warmUpStarted;

  const sets = SETS.map((spec, i) => evaluateSet(spec, loaded[i]));
  const wallMs = performance.now() - began;

  const lead: Block[] = [
    ...sets.map(summaryTable),
    budgetTable(sets),
    bandTable(sets),
    halvesTable(sets),
    peerCostTable(sets),
    ...sets.map(goalLines),
    [
      `wall time ${(wallMs / 1000).toFixed(2)} s (loading ${(loadMs / 1000).toFixed(2)} s, ` +
        `untimed warm-up ${(warmUpMs / 1000).toFixed(2)} s), ` +
        sets.map((s) => `${s.name} ${s.series.length} series, ${s.windows} windows`).join('; ') +
        `, node ${process.version}`,
    ],
  ];
  const details: Block[] = sets.flatMap((set) => [
    maseTable(set),
    seriesTable(set, 'Short hours per series (of all its windows)', (s) => pct(shortShare(s))),
    seriesTable(set, 'Excess server-hours per series (all its windows)', (s) =>
      signedPct(excessOf(s)),
    ),
    defaultTable(set),
  ]);

  for (const block of lead) printBlock(block);
  console.log(`per-series tables: ${REPORT_BASENAME}.md`);

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
      windows: Object.fromEntries(SETS.map((spec) => [spec.name, spec.windowRule])),
      horizonHours: `${WEEK_H} if the series has >= ${LONG_SERIES_H} hours, else 48`,
      historyCapHours: HISTORY_CAP_H,
      planQuantile: PLAN_QUANTILE,
      utilisation: UTILISATION,
      capacityPerServer: `p99 of the training history / ${SERVERS_PER_P99}`,
      peerRule: jsonRule(PEER_RULE),
      defaultPlanRule: jsonRule(DEFAULT_RULE),
      earlierDefaultPlanRule: jsonRule(EARLIER_RULE),
      budgets: BUDGETS,
      bandLevels: BAND_LEVELS,
      goals: GOAL,
      peerMargin: PEER_MARGIN,
      halves:
        'series names sorted; even positions in half A (chose settings), odd in B (confirms); ' +
        `not for ${SETS.filter((spec) => !spec.halves)
          .map((spec) => spec.name)
          .join(', ')} (the whole set confirms)`,
      zone: CONTEXT.zone,
      mstlLevel: MSTL_LEVEL,
      mstlIntervalConvention:
        `augurs level ${MSTL_LEVEL} = two-sided ${MSTL_LEVEL * 100}% normal interval ` +
        `(z = Φ⁻¹(0.5 + level/2)); the upper bound is the ${MSTL_UPPER_PERCENTILE * 100}th percentile`,
    },
    methods: METHOD_NAMES.map((name) => ({ name, plansOn: PLANS_ON[name] })),
    sets,
  };
  const json = JSON.stringify(report, null, 2) + '\n';
  const markdown = renderMarkdown([...lead, ...details], date);

  const written = await writeFilesAtomically([
    { path: resolve(root, `${REPORT_BASENAME}.json`), content: json },
    { path: resolve(root, `${REPORT_BASENAME}.md`), content: markdown },
    ...(jsonFile ? [{ path: resolve(jsonFile), content: json }] : []),
  ]);
  console.log(`written: ${written.map((p) => relative(process.cwd(), p) || p).join(', ')}`);
}

function jsonRule(rule: CapacitySettings): Record<string, unknown> {
  return {
    ...rule,
    capacityPerServer: 'per window, as above',
    maxServers: String(rule.maxServers),
  };
}

function warmUp(series: Series): void {
  const n = series.values.length;
  const horizon = horizonOf(n);
  const origin = n - horizon;
  evaluateWindow(series, Math.max(0, origin - HISTORY_CAP_H), origin, horizon, 'US');
}

function horizonOf(hours: number): number {
  return hours >= LONG_SERIES_H ? WEEK_H : 48;
}

/** Every figure of one set: the same evaluation for each set. */
function evaluateSet(spec: SetSpec, all: Map<string, Series>): SetResult {
  const evaluated = [...all.values()].map((series) => evaluateSeries(series, spec.origins));
  const series = evaluated.map((e) => e.result);
  const own = pooledTally(series, DEFAULT_METHOD);
  const calibration = poolCalibrations(series.map((s) => s.calibration));
  const summary = summarise(series);
  const peerCosts = PLAN_PEERS.map((peer) =>
    costToMatch(
      evaluated.flatMap((e) => e.plans),
      peer,
      matchedAgainst(peer),
      shortShare(pooledTally(series, matchedAgainst(peer))),
    ),
  );
  const set = {
    name: spec.name,
    windowRule: spec.windowRule,
    windows: sum(series.map((s) => s.windows.length)),
    scoredHours: own.scored,
    summary,
    budgets: calibration.budgets.map((b) => ({
      budget: b.budget,
      promised: b.promisedSteps / b.scored,
      realised: shortShare(b),
      excess: excessOf(b),
    })),
    bands: BAND_LEVELS.map((level, i) => ({
      level,
      realised: calibration.covered[i] / calibration.scored,
    })),
    mstlUpperCoverage:
      sum(series.flatMap((s) => s.windows.map((w) => w.mstlUpperCovered))) / own.scored,
    halves: spec.halves ? splitHalves(series) : [],
    peerCosts,
  };
  return { ...set, goals: judgeGoals(spec, set), series };
}

function evaluateSeries(
  series: Series,
  originsOf: SetSpec['origins'],
): { result: SeriesResult; plans: PeerPlans[] } {
  const n = series.values.length;
  const horizon = horizonOf(n);
  const holidays = holidayCountryOf(series.name) ?? null;
  const origins = originsOf(series, horizon);
  if (origins.length === 0) throw new Error(`${series.name}: no window to score`);
  const evaluated = origins.map((origin) => {
    const historyFrom = Math.max(0, origin - HISTORY_CAP_H);
    if (origin - historyFrom < 48) throw new Error(`${series.name}: too short for the protocol`);
    return evaluateWindow(series, historyFrom, origin, horizon, holidays);
  });
  const windows = evaluated.map((e) => e.result);
  const scores = Object.fromEntries(
    METHOD_NAMES.map((name) => [
      name,
      {
        mase: average(windows.map((w) => w.methods[name].mase)),
        ...addTallies(windows.map((w) => w.methods[name])),
      },
    ]),
  ) as Record<MethodName, Scores>;
  return {
    result: {
      name: series.name,
      hours: n,
      missingHours: countMissing(series.values),
      horizon,
      holidays,
      windows,
      scores,
      calibration: poolCalibrations(windows.map((w) => w.calibration)),
    },
    plans: evaluated.map((e) => e.plans),
  };
}

/** What a method forecasts (MASE is of this line), what it plans on, and its upper bound. */
interface MethodOutput {
  forecast: Float64Array;
  planned: Float64Array;
  /** The servers the method plans, where they are not serversFor(planned) by the peer rule. */
  servers?: Float64Array;
  upper?: Float64Array;
  /** The default's forecast, whose promise is checked. */
  full?: Forecast;
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
): { result: WindowResult; plans: PeerPlans } {
  // Training copy: missing hours linearly interpolated within the history (nothing after the
  // origin is used). Scoring copy: the actual values, NaN = not scored.
  const history = interpolateInterior(slice(series, historyFrom, origin));
  const actual = series.values.slice(origin, origin + horizon);
  const scored = scoredSteps(actual);
  const train = history.values;
  const windowStart = series.start + origin * series.stepMs;

  const season = seasonLength(HOUR_MS, train.length);
  const naiveScale = average(naiveErrors(train, season).map(Math.abs));

  const known = Array.from(train)
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => a - b);
  const capacityPerServer = quantileSorted(known, 0.99) / SERVERS_PER_P99;
  const peerRule: CapacitySettings = { ...PEER_RULE, capacityPerServer };
  const defaultRule: CapacitySettings = { ...DEFAULT_RULE, capacityPerServer };

  const request = (context: ModelContext): ForecastRequest => ({
    horizonMs: horizon * HOUR_MS,
    quantile: PLAN_QUANTILE,
    trainWindowMs: HISTORY_CAP_H * HOUR_MS,
    context,
  });
  const check = (name: MethodName, forecast: Forecast): Forecast => {
    const { start, point } = forecast;
    if (start !== windowStart || point.length !== horizon) {
      throw new Error(`${series.name}: the ${name} forecast does not line up with the window`);
    }
    return forecast;
  };
  /** The tool's default: `auto`, planned with the default rule through the tool's own function. */
  const headroomOn = (from: Series, context: ModelContext): Omit<MethodOutput, 'ms'> => {
    const { forecast, selection } = forecastSeries('auto', from, request(context));
    const plan = planCapacity(forecast, defaultRule);
    return {
      forecast: forecast.point,
      planned: plan.plannedLoad,
      servers: plan.servers,
      full: forecast,
      chose: selection?.chosen ?? '?',
      reason: selection?.reason ?? '',
    };
  };
  const headroom = (name: MethodName, context: () => ModelContext): MethodOutput =>
    timed(() => {
      const output = headroomOn(history, context());
      check(name, output.full as Forecast);
      return output;
    });
  const naiveOn = (from: Series): Omit<MethodOutput, 'ms'> => {
    const naive = seasonalNaive(from, horizon, seasonLength(HOUR_MS, from.values.length));
    return { forecast: naive, planned: naive };
  };
  // augurs' MSTL, the protocol's peer: its point, and the upper bound of its own interval.
  const mstlUpperOn = (from: Series): Omit<MethodOutput, 'ms'> => {
    const { point, upper } = mstlInterval(from, horizon, MSTL_LEVEL);
    return { forecast: point, planned: upper, upper };
  };
  // What a nightly CI job applies: the method planned again every day from the history up to
  // then, each plan's first day (its forecast, for MASE, is those days' forecasts).
  const replannedDaily = (planOn: (from: Series) => Omit<MethodOutput, 'ms'>): MethodOutput =>
    timed(() => {
      const forecast = new Float64Array(horizon);
      const planned = new Float64Array(horizon);
      const servers = new Float64Array(horizon);
      for (let day = 0; day < horizon; day += REPLAN_EVERY_H) {
        const at = origin + day;
        const plan = planOn(
          interpolateInterior(slice(series, Math.max(0, at - HISTORY_CAP_H), at)),
        );
        for (let h = day; h < Math.min(horizon, day + REPLAN_EVERY_H); h++) {
          forecast[h] = plan.forecast[h - day];
          planned[h] = plan.planned[h - day];
          servers[h] = plan.servers?.[h - day] ?? serversFor(planned[h], peerRule);
        }
      }
      return { forecast, planned, servers };
    });

  const outputs = {} as Record<MethodName, MethodOutput>;
  outputs['seasonal-naive'] = timed(() => naiveOn(history));
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
    const { point } = mstlInterval(history, horizon, MSTL_LEVEL);
    return { forecast: point, planned: point };
  });
  outputs['mstl upper90'] = timed(() => mstlUpperOn(history));
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
  // The same forecasts, planned with the earlier default rule: its seconds are the planning only.
  outputs[EARLIER_METHOD] = timed(() => {
    const { servers, plannedLoad } = planCapacity(outputs.headroom.full as Forecast, {
      ...defaultRule,
      planOn: EARLIER_RULE.planOn,
    });
    return { forecast: outputs.headroom.forecast, planned: plannedLoad, servers };
  });
  outputs['ridge (point)'] = timed(() => {
    const forecast = check(
      'ridge (point)',
      forecastSeries('ridge', history, request(CONTEXT)).forecast,
    );
    return { forecast: forecast.point, planned: forecast.point };
  });

  outputs['seasonal-naive, re-planned daily'] = replannedDaily(naiveOn);
  outputs['mstl upper90, re-planned daily'] = replannedDaily(mstlUpperOn);
  outputs[REPLANNED_METHOD] = replannedDaily((from) => headroomOn(from, CONTEXT));

  const methods = Object.fromEntries(
    METHOD_NAMES.map((name) => {
      const { forecast, planned, servers } = outputs[name];
      const serversAt = servers
        ? (t: number) => servers[t]
        : (t: number) => serversFor(planned[t], peerRule);
      return [
        name,
        {
          mase: meanAbsError(actual, forecast, scored) / naiveScale,
          ...tallyPlan(actual, scored, serversAt, peerRule),
        },
      ];
    }),
  ) as Record<MethodName, Scores>;
  const mstlUpper = outputs['mstl upper90'].upper as Float64Array;

  const result: WindowResult = {
    start: new Date(windowStart).toISOString(),
    hours: horizon,
    scoredHours: scored.length,
    trainHours: train.length,
    season,
    naiveScale,
    capacityPerServer,
    holidays,
    methods,
    milliseconds: Object.fromEntries(
      METHOD_NAMES.map((name) => [name, outputs[name].ms]),
    ) as Record<MethodName, number>,
    calibration: calibrateWindow(
      actual,
      scored,
      outputs.headroom.full as Forecast,
      defaultRule,
      peerRule,
    ),
    mstlUpperCovered: scored.filter((t) => actual[t] <= mstlUpper[t]).length,
    autoChose: Object.fromEntries(
      AUTO_METHODS.map((m) => [m, outputs[m].chose as string]),
    ) as Record<AutoMethod, string>,
    autoReason: Object.fromEntries(
      AUTO_METHODS.map((m) => [m, outputs[m].reason as string]),
    ) as Record<AutoMethod, string>,
  };
  const planned = Object.fromEntries(
    PLAN_PEERS.map((peer) => [peer, outputs[peer].planned]),
  ) as Record<PlanPeer, Float64Array>;
  return { result, plans: { actual, settings: peerRule, planned } };
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

/** The steps with an actual value (missing hours are not scored). */
function scoredSteps(actual: Float64Array): number[] {
  const steps: number[] = [];
  actual.forEach((y, t) => {
    if (!Number.isNaN(y)) steps.push(t);
  });
  return steps;
}

function meanAbsError(actual: Float64Array, forecast: Float64Array, scored: number[]): number {
  return sum(scored.map((t) => Math.abs(actual[t] - forecast[t]))) / scored.length;
}

/** Short hours and server-hours of a plan, and the oracle's (`oracleRule` on the actual demand). */
function tallyPlan(
  actual: Float64Array,
  scored: number[],
  serversAt: (t: number) => number,
  oracleRule: CapacitySettings,
): Tally {
  const tally: Tally = { scored: scored.length, short: 0, servers: 0, oracle: 0 };
  for (const t of scored) {
    const n = serversAt(t);
    if (actual[t] > n * oracleRule.capacityPerServer) tally.short++;
    tally.servers += n;
    tally.oracle += serversFor(actual[t], oracleRule);
  }
  return tally;
}

/**
 * The default's forecast re-planned at each budget (planCapacity only), with the short hours each
 * plan expects on the scored hours, and the coverage of the demand's quantiles.
 */
function calibrateWindow(
  actual: Float64Array,
  scored: number[],
  forecast: Forecast,
  rule: CapacitySettings,
  oracleRule: CapacitySettings,
): Calibration {
  const { point, distribution } = forecast;
  if (!distribution) throw new Error('the default forecast carries no distribution to check');
  const { scale } = distribution;
  const budgets = BUDGETS.map((budget) => {
    const { servers } = planCapacity(forecast, { ...rule, risk: budget });
    const promisedSteps = sum(
      scored.map((t) =>
        exceedance(point[t], scale[t], distribution, servers[t] * rule.capacityPerServer),
      ),
    );
    return { budget, promisedSteps, ...tallyPlan(actual, scored, (t) => servers[t], oracleRule) };
  });
  const covered = BAND_LEVELS.map(
    (q) =>
      scored.filter((t) => actual[t] <= demandQuantile(point[t], scale[t], distribution, q)).length,
  );
  return { scored: scored.length, budgets, covered };
}

function addTallies(tallies: Tally[]): Tally {
  return {
    scored: sum(tallies.map((t) => t.scored)),
    short: sum(tallies.map((t) => t.short)),
    servers: sum(tallies.map((t) => t.servers)),
    oracle: sum(tallies.map((t) => t.oracle)),
  };
}

function poolCalibrations(calibrations: Calibration[]): Calibration {
  return {
    scored: sum(calibrations.map((c) => c.scored)),
    budgets: BUDGETS.map((budget, i) => ({
      budget,
      promisedSteps: sum(calibrations.map((c) => c.budgets[i].promisedSteps)),
      ...addTallies(calibrations.map((c) => c.budgets[i])),
    })),
    covered: BAND_LEVELS.map((_, i) => sum(calibrations.map((c) => c.covered[i]))),
  };
}

function shortShare(t: Tally): number {
  return t.short / t.scored;
}

function excessOf(t: Tally): number {
  return t.servers / t.oracle - 1;
}

function pooledTally(series: SeriesResult[], method: MethodName): Tally {
  return addTallies(series.map((s) => s.scores[method]));
}

/** The default budget's entry of a calibration. */
function atDefaultBudget(calibration: Calibration): Calibration['budgets'][number] {
  return calibration.budgets[BUDGETS.indexOf(DEFAULT_RULE.risk)];
}

function summarise(series: SeriesResult[]): SummaryRow[] {
  return METHOD_NAMES.map((name) => {
    const pooled = pooledTally(series, name);
    return {
      method: name,
      plansOn: PLANS_ON[name],
      medianMase: median(series.map((s) => s.scores[name].mase)),
      betterThanBaseline: series.filter((s) => s.scores[name].mase < s.scores[BASELINE].mase)
        .length,
      shortShare: shortShare(pooled),
      medianShortShare: median(series.map((s) => shortShare(s.scores[name]))),
      excess: excessOf(pooled),
      seconds: sum(series.flatMap((s) => s.windows.map((w) => w.milliseconds[name]))) / 1000,
    };
  });
}

/** Half A: even positions of the sorted names; half B: odd. */
function splitHalves(series: SeriesResult[]): HalfRow[] {
  const sorted = [...series].sort((a, b) => (a.name < b.name ? -1 : 1));
  return (['A', 'B'] as const).map((half, parity) => {
    const members = sorted.filter((_, i) => i % 2 === parity);
    const own = pooledTally(members, DEFAULT_METHOD);
    const replanned = pooledTally(members, REPLANNED_METHOD);
    const promise = atDefaultBudget(poolCalibrations(members.map((s) => s.calibration)));
    const medianOf = (method: MethodName) => median(members.map((s) => s.scores[method].mase));
    return {
      half,
      series: members.map((s) => s.name),
      medianMase: medianOf(DEFAULT_METHOD),
      bestPeerMase: Math.min(...MASE_PEERS.map(medianOf)),
      promised: promise.promisedSteps / promise.scored,
      shortShare: shortShare(own),
      excess: excessOf(own),
      replanned: { shortShare: shortShare(replanned), excess: excessOf(replanned) },
    };
  });
}

/**
 * The smallest margin m (planned load × (1 + m), by bisection; short hours only fall as m grows)
 * at which a peer is short in no more than `target` of the scored hours of the set.
 */
function costToMatch(
  plans: PeerPlans[],
  peer: PlanPeer,
  against: MethodName,
  target: number,
): PeerCost {
  const at = (margin: number): Tally =>
    addTallies(
      plans.map(({ actual, settings, planned }) =>
        tallyPlan(
          actual,
          scoredSteps(actual),
          (t) => serversFor(planned[peer][t] * (1 + margin), settings),
          settings,
        ),
      ),
    );
  const reaches = (margin: number) => shortShare(at(margin)) <= target;
  if (!reaches(PEER_MARGIN.max)) {
    const most = at(PEER_MARGIN.max);
    return { peer, against, margin: null, shortShare: shortShare(most), excess: excessOf(most) };
  }
  let [lo, hi] = [PEER_MARGIN.min, PEER_MARGIN.max];
  if (reaches(lo)) hi = lo;
  for (let i = 0; i < 40 && hi - lo > 1e-4; i++) {
    const mid = (lo + hi) / 2;
    if (reaches(mid)) hi = mid;
    else lo = mid;
  }
  const tally = at(hi);
  return { peer, against, margin: hi, shortShare: shortShare(tally), excess: excessOf(tally) };
}

function judgeGoals(spec: SetSpec, set: Omit<SetResult, 'goals' | 'series'>): Goal[] {
  const row = (name: MethodName) => set.summary.find((s) => s.method === name) as SummaryRow;
  const own = row(DEFAULT_METHOD);
  const [best, ...others] = MASE_PEERS.map(row).sort((a, b) => a.medianMase - b.medianMase);
  const below = 1 - own.medianMase / best.medianMase;
  const goals: Goal[] = [
    judged(
      'mase',
      below,
      below - GOAL.maseBelowBestPeer,
      `median MASE ${own.medianMase.toFixed(3)} vs best peer ${best.medianMase.toFixed(3)} ` +
        `(${best.method}; ${others.map((o) => `${o.method} ${o.medianMase.toFixed(3)}`).join(', ')}): ` +
        `${belowOrAbove(below)} (goal ≥ ${pct(GOAL.maseBelowBestPeer)} below)`,
    ),
    judged(
      'short hours',
      own.shortShare,
      GOAL.shortShare - own.shortShare,
      `default plan short in ${pct(own.shortShare)} of ${set.scoredHours} scored hours, pooled ` +
        `(goal ≤ ${pct(GOAL.shortShare)})`,
    ),
  ];
  if (spec.excessGoal !== undefined) {
    goals.push(
      judged(
        'excess',
        own.excess,
        spec.excessGoal - own.excess,
        `excess server-hours ${signedPct(own.excess)}, pooled (goal ≤ ${signedPct(spec.excessGoal)})`,
      ),
    );
  } else {
    const reached = set.peerCosts.filter((c) => c.margin !== null && c.against === DEFAULT_METHOD);
    const cheapest = reached.sort((a, b) => a.excess - b.excess)[0];
    goals.push({
      goal: 'excess',
      measured: own.excess,
      met: null,
      text:
        `excess server-hours ${signedPct(own.excess)}, pooled (goal: as little as possible); ` +
        (cheapest
          ? `to be short in at most ${pct(own.shortShare)} of hours, the best peer, ` +
            `${cheapest.peer}, needs ${signedPct(cheapest.excess)} ` +
            `(its planned load ×${(1 + (cheapest.margin as number)).toFixed(2)})`
          : `no peer is short in at most ${pct(own.shortShare)} of hours with up to ` +
            `${1 + PEER_MARGIN.max}× its planned load`),
    });
  }
  for (const b of set.budgets) {
    const gap = b.realised - b.promised;
    goals.push(
      judged(
        `promise at ${formatShare(b.budget)}`,
        gap,
        GOAL.promiseGap - Math.abs(gap),
        `budget ${formatShare(b.budget)}: promised ${pct(b.promised)} short, realised ` +
          `${pct(b.realised)}, ${pp(Math.abs(gap))} apart (goal ≤ ${pp(GOAL.promiseGap)})`,
      ),
    );
  }
  return goals;
}

/** A goal with a target: met when `margin` (in the goal's favour) is ≥ 0. */
function judged(goal: string, measured: number, margin: number, text: string): Goal {
  const met = margin >= 0;
  return {
    goal,
    measured,
    met,
    text: `${text}: ${met ? 'met' : 'missed'} by ${pp(Math.abs(margin))}`,
  };
}

function goalLines(set: SetResult): string[] {
  return [
    `Goals (BENCHMARK.md), ${set.name}, for the default (${DEFAULT_METHOD}: auto model, ${PLANS_ON[DEFAULT_METHOD]}):`,
    ...set.goals.map((g) => `- ${g.text}`),
  ];
}

function summaryTable(set: SetResult): Table {
  const n = set.series.length;
  const withoutCalendar = set.series.filter((s) => s.holidays === null).map((s) => s.name);
  return {
    title: `Summary, ${set.name} (${n} series, ${set.windows} windows, ${set.scoredHours} scored hours)`,
    headers: [
      'method',
      'plans on',
      'median MASE',
      `MASE < ${BASELINE}`,
      'short hours',
      'median short',
      'excess',
      'seconds',
    ],
    rows: set.summary.map((s) => [
      s.method,
      s.plansOn,
      s.medianMase.toFixed(3),
      s.method === BASELINE ? '-' : `${s.betterThanBaseline}/${n}`,
      pct(s.shortShare),
      pct(s.medianShortShare),
      signedPct(s.excess),
      s.seconds.toFixed(3),
    ]),
    left: 2,
    notes: [
      'short hours: hours with actual > servers × c over all scored hours of the set (pooled); ' +
        'median short: the median of the per-series shares; excess: Σ servers ÷ Σ oracle − 1 over the set.',
      `seconds: wall time of each method's forecast (and plan), summed over the ${set.windows} windows of ${n} series; ` +
        'headroom runs auto (backtests ensemble, ridge, seasonal-naive, mstl), ridge (point) its own backtest for the band; ' +
        `${EARLIER_METHOD} re-plans headroom's forecasts (its seconds: the planning only).`,
      `windows: ${set.windowRule}.`,
      `re-planned daily: what a nightly CI job applies. The method plans the window's H hours again every ${REPLAN_EVERY_H} h ` +
        "from the history up to then (8 weeks at most), and each plan's first day is scored, with the capacity per server " +
        "of the window's origin; its forecasts are at most a day ahead, so its MASE is not compared with the peers' for the goal.",
      withoutCalendar.length === n
        ? 'headroom +holidays: no series of this set has a holiday calendar, so it is headroom.'
        : withoutCalendar.length > 0
          ? `headroom +holidays: ${withoutCalendar.join(', ')} have no holiday calendar, so their figures and seconds are those of headroom.`
          : 'headroom +holidays: every series has a holiday calendar.',
    ],
  };
}

function budgetTable(sets: SetResult[]): Table {
  return {
    title:
      'Calibration of the default: risk budgets (the same forecasts re-planned at each budget)',
    headers: [
      'budget',
      ...sets.flatMap((s) => [`${s.name}: promised`, 'realised', 'gap', 'excess']),
    ],
    rows: BUDGETS.map((budget, i) => [
      formatShare(budget) + (budget === DEFAULT_RULE.risk ? ' (default)' : ''),
      ...sets.flatMap((s) => {
        const b = s.budgets[i];
        return [
          pct(b.promised),
          pct(b.realised),
          signedPp(b.realised - b.promised),
          signedPct(b.excess),
        ];
      }),
    ]),
    left: 1,
    notes: [
      'promised: the short hours the plan expects (Σ over scored hours of P(demand > servers × c)) ÷ scored hours; ' +
        'realised: short hours ÷ scored hours; gap: realised − promised, in percentage points; both pooled over the set.',
    ],
  };
}

function bandTable(sets: SetResult[]): Table {
  return {
    title: "Calibration of the default: coverage of the demand's quantiles",
    headers: ['level', ...sets.flatMap((s) => [`${s.name}: covered`, 'gap'])],
    rows: BAND_LEVELS.map((level, i) => [
      pct(level),
      ...sets.flatMap((s) => [pct(s.bands[i].realised), signedPp(s.bands[i].realised - level)]),
    ]),
    left: 1,
    notes: [
      "covered: share of scored hours with actual ≤ the level's quantile of the default forecast's demand distribution (promised: the level).",
      `For comparison, the upper bound of augurs' ${MSTL_LEVEL * 100}% interval (nominal ${pct(MSTL_UPPER_PERCENTILE)}) covered ` +
        sets.map((s) => `${pct(s.mstlUpperCoverage)} (${s.name})`).join(', ') +
        '.',
    ],
  };
}

function halvesTable(sets: SetResult[]): Table {
  const whole = sets.filter((s) => s.halves.length === 0).map((s) => s.name);
  return {
    title: 'The default on each half of each set',
    headers: [
      'set',
      'half',
      'series',
      'median MASE (best peer)',
      'promised',
      'short hours',
      'excess',
      're-planned daily: short',
      'excess',
    ],
    rows: sets.flatMap((s) =>
      s.halves.map((h) => [
        s.name,
        h.half,
        String(h.series.length),
        `${h.medianMase.toFixed(3)} (${h.bestPeerMase.toFixed(3)})`,
        pct(h.promised),
        pct(h.shortShare),
        signedPct(h.excess),
        pct(h.replanned.shortShare),
        signedPct(h.replanned.excess),
      ]),
    ),
    left: 2,
    notes: [
      'Series names sorted; even positions (0, 2, …) form half A, odd positions half B. ' +
        'Half A chose the settings; half B confirms them.',
      ...(whole.length > 0
        ? [
            `${whole.join(', ')}: not split; no window of it chose the settings, so the whole set confirms them.`,
          ]
        : []),
    ],
  };
}

function peerCostTable(sets: SetResult[]): Table {
  return {
    title:
      'What each peer needs to be short no more often than the default, or re-planned daily than the default re-planned (planned load × (1 + margin))',
    headers: [
      'set',
      'matched',
      'its short',
      'its excess',
      'peer',
      'margin',
      'short hours',
      'excess',
    ],
    rows: sets.flatMap((s) =>
      s.peerCosts.map((c) => [
        s.name,
        c.against,
        pct((s.summary.find((r) => r.method === c.against) as SummaryRow).shortShare),
        signedPct((s.summary.find((r) => r.method === c.against) as SummaryRow).excess),
        c.peer,
        c.margin === null ? `> ${signedPct(PEER_MARGIN.max)}` : signedPct(c.margin),
        pct(c.shortShare),
        signedPct(c.excess),
      ]),
    ),
    left: 3,
    notes: [
      `margin: the smallest (from ${signedPct(PEER_MARGIN.min)} to ${signedPct(PEER_MARGIN.max)}) at which the peer's pooled short hours ` +
        'are at most those of the method it is matched with (a re-planned peer: the default re-planned); ' +
        'excess: its server-hours there. "> max": not reached; its figures are at the largest margin.',
    ],
  };
}

function maseTable(set: SetResult): Table {
  return {
    title: `MASE per series, ${set.name} (mean of its windows)`,
    headers: ['series', 'hours', 'miss', 'H', 'windows', ...METHOD_NAMES.map((m) => SHORT[m])],
    rows: set.series.map((s) => [
      s.name,
      String(s.hours),
      String(s.missingHours),
      String(s.horizon),
      String(s.windows.length),
      ...METHOD_NAMES.map((m) => s.scores[m].mase.toFixed(3)),
    ]),
    left: 1,
    notes: [
      `columns: ${METHOD_NAMES.map((m) => `${SHORT[m]} = ${m}`).join(', ')}`,
      'MASE is of the point forecast, except snaive+q90: of its shifted line (as in BENCHMARK.md).',
    ],
  };
}

function seriesTable(set: SetResult, title: string, cell: (tally: Tally) => string): Table {
  return {
    title: `${title}, ${set.name}`,
    headers: ['series', ...METHOD_NAMES.map((m) => SHORT[m])],
    rows: set.series.map((s) => [s.name, ...METHOD_NAMES.map((m) => cell(s.scores[m]))]),
    left: 1,
    notes: [],
  };
}

function defaultTable(set: SetResult): Table {
  const q90 = BAND_LEVELS.indexOf(PLAN_QUANTILE);
  return {
    title: `The default per series, ${set.name} (auto model; budget ${formatShare(DEFAULT_RULE.risk)})`,
    headers: [
      'series',
      'holidays',
      'auto chose',
      '+holidays chose',
      'promised',
      'short',
      `q${PLAN_QUANTILE * 100} covered`,
    ],
    rows: set.series.map((s) => {
      const promise = atDefaultBudget(s.calibration);
      return [
        s.name,
        s.holidays ?? '-',
        s.windows.map((w) => w.autoChose.headroom).join(', '),
        s.holidays ? s.windows.map((w) => w.autoChose['headroom +holidays']).join(', ') : '(same)',
        pct(promise.promisedSteps / promise.scored),
        pct(shortShare(s.scores.headroom)),
        pct(s.calibration.covered[q90] / s.calibration.scored),
      ];
    }),
    left: 4,
    notes: ['auto chose: per window, in time order.'],
  };
}

function printBlock(block: Block): void {
  if (Array.isArray(block)) {
    for (const line of block) console.log(line);
  } else {
    printTable(block);
  }
  console.log('');
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

function renderMarkdown(blocks: Block[], date: string): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const out = [
    '# Accuracy and plan-quality benchmark',
    '',
    `Date ${date}, node ${process.version}, protocol /work/shared/BENCHMARK.md ("Accuracy and plan quality").`,
    `Reproduce with \`${COMMAND}\`.`,
    '',
  ];
  for (const block of blocks) {
    if (Array.isArray(block)) {
      for (const line of block) out.push(line.startsWith('- ') ? line : `\n${line}\n`);
      out.push('');
      continue;
    }
    out.push(`## ${block.title}`, '');
    out.push(`| ${block.headers.map(escape).join(' | ')} |`);
    out.push(`|${block.headers.map((_, j) => (j < block.left ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const row of block.rows) out.push(`| ${row.map(escape).join(' | ')} |`);
    out.push('');
    for (const note of block.notes) out.push(note, '');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function signedPct(share: number): string {
  return `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)}%`;
}

/** A difference of shares in percentage points. */
function pp(difference: number): string {
  return `${(difference * 100).toFixed(1)} pp`;
}

function signedPp(difference: number): string {
  return `${difference >= 0 ? '+' : ''}${pp(difference)}`;
}

function belowOrAbove(below: number): string {
  return below >= 0 ? `${pct(below)} below` : `${pct(-below)} above`;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function average(values: number[]): number {
  return sum(values) / values.length;
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
