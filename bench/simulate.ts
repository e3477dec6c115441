/**
 * What prediction buys, on the benchmark series of /work/shared/BENCHMARK.md: the last windows of
 * each series (as the accuracy protocol: 2 windows of 168 hours, or 48 with under 5 weeks of
 * history, each forecast from at most 8 weeks before it) replayed minute by minute through target
 * tracking (the Kubernetes HPA with the first design's behaviour) and through predictive +
 * reactive (headroom's default schedule as a floor under the same HPA), with the same servers,
 * target utilisation and warm-up. Also runs step scaling and the schedule alone, for context.
 *
 *   npm run bench:simulate [-- --json FILE] [-- --warmup 15m]
 *   (= npx tsc -p tsconfig.bench.json && node .bench-dist/bench/simulate.js [--json FILE])
 *
 * `--warmup 15m` replays with a longer warm-up (and schedule lead), e.g. for VMs; reports are then
 * written to reports/bench-simulate-warmup15m.*.
 *
 * Writes reports/bench-simulate.json (every figure) and reports/bench-simulate.md (the table).
 * HEADROOM_DATASETS overrides the datasets directory (default ../shared/datasets).
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CAPACITY, describePlanRule } from '../src/capacity/servers.js';
import { quantileSorted } from '../src/evaluate/quantile.js';
import { FIRST_DESIGN_BEHAVIOR } from '../src/simulate/behavior.js';
import { DEFAULT_TOLERANCE } from '../src/simulate/defaults.js';
import type { PolicyFigures } from '../src/simulate/metrics.js';
import { POLICY_IDS, POLICY_LABELS } from '../src/simulate/policies.js';
import { simulate } from '../src/simulate/run.js';
import { FIRST_DESIGN_STEP_SCALING } from '../src/simulate/step-scaling.js';
import { writeFilesAtomically } from '../src/report/atomic.js';
import type { CapacitySettings, Series } from '../src/types.js';
import { HOUR_MS, WEEK_MS } from '../src/util/duration.js';
import {
  defaultDatasetsDir,
  interpolateInterior,
  loadBenchmarkSeries,
  LONG_SERIES_H,
  repoRoot,
  SERVERS_PER_P99,
  WEEK_H,
  WINDOWS,
} from './series.js';

const COMMAND = 'npm run bench:simulate';
const REPORT_BASE = 'reports/bench-simulate';
const HISTORY_CAP_MS = 8 * WEEK_MS;
const MINUTE_MS = 60_000;
const SETTINGS = {
  model: 'auto',
  quantile: 0.9,
  targetUtilization: 0.7,
  tickMs: MINUTE_MS,
  warmupMs: 5 * MINUTE_MS,
  leadMs: 5 * MINUTE_MS,
  minHoldMs: 2 * HOUR_MS,
};

type Totals = Pick<
  PolicyFigures,
  'underProvisionedHours' | 'aboveTargetHours' | 'serverHours' | 'scalingActions'
>;

/** The policies replayed: the four with the default plan, and the schedule's two with a point-forecast plan. */
const VARIANTS = [...POLICY_IDS, 'scheduled-point', 'predictive-point'] as const;
type Variant = (typeof VARIANTS)[number];

interface SeriesResult {
  name: string;
  windows: number;
  windowHours: number;
  replayedHours: number;
  scoredHours: number;
  capacityPerServer: number;
  /** Server-hours with servers sized exactly to each minute at the target, warm at once. */
  exactServerHours: number;
  seconds: number;
  policies: Record<Variant, PolicyFigures>;
}

async function run(jsonFile: string | undefined): Promise<void> {
  const began = performance.now();
  const root = repoRoot();
  const datasetsDir = defaultDatasetsDir(root);
  const all = await loadBenchmarkSeries(datasetsDir);
  const results: SeriesResult[] = [];
  for (const series of all.values()) results.push(replaySeries(series));
  const wallMs = performance.now() - began;

  const total = (id: Variant): Totals => ({
    underProvisionedHours: sum(results.map((r) => r.policies[id].underProvisionedHours)),
    aboveTargetHours: sum(results.map((r) => r.policies[id].aboveTargetHours)),
    serverHours: sum(results.map((r) => r.policies[id].serverHours)),
    scalingActions: sum(results.map((r) => r.policies[id].scalingActions)),
  });
  const totals = Object.fromEntries(VARIANTS.map((id) => [id, total(id)])) as Record<
    Variant,
    Totals
  >;
  const scoredHours = sum(results.map((r) => r.scoredHours));
  const exactServerHours = sum(results.map((r) => r.exactServerHours));

  const headers = [
    'series',
    'hours',
    'HPA: under-prov. h',
    'server-h',
    'pred.+react.: under-prov. h',
    'server-h',
    'vs HPA',
    'pred.+react. on point plan: under-prov. h',
    'server-h',
    'vs HPA',
    'schedule only: under-prov. h',
    'step scaling: under-prov. h',
    'exact sizing server-h',
  ];
  const row = (name: string, hours: number, exact: number, p: Record<Variant, Totals>) => [
    name,
    fixed(hours, 0),
    fixed(p.hpa.underProvisionedHours, 2),
    fixed(p.hpa.serverHours, 0),
    fixed(p.predictive.underProvisionedHours, 2),
    fixed(p.predictive.serverHours, 0),
    signedPct(p.predictive.serverHours / p.hpa.serverHours - 1),
    fixed(p['predictive-point'].underProvisionedHours, 2),
    fixed(p['predictive-point'].serverHours, 0),
    signedPct(p['predictive-point'].serverHours / p.hpa.serverHours - 1),
    fixed(p.scheduled.underProvisionedHours, 2),
    fixed(p.step.underProvisionedHours, 2),
    fixed(exact, 0),
  ];
  const rows = [
    ...results.map((r) => row(r.name, r.scoredHours, r.exactServerHours, r.policies)),
    row('all series', scoredHours, exactServerHours, totals),
  ];
  const lines = [
    `Under-provisioned hours: minutes in which demand exceeded what the warm servers serve at 100%, in hours (scored hours only: hours missing from the data are replayed, not scored).`,
    `Replay: the last ${WINDOWS} windows of each series (${WEEK_H} h, or 48 h with under ${LONG_SERIES_H / WEEK_H} weeks of history), each planned from at most 8 weeks before it with headroom's default (auto, ${describePlanRule({ ...DEFAULT_CAPACITY, targetUtilization: SETTINGS.targetUtilization }, 0.9)}); demand spread over 1-minute ticks keeping each hour's mean.`,
    `Servers: capacity per server = p99 of the history before the first window / ${SERVERS_PER_P99}; target utilisation ${SETTINGS.targetUtilization}; at least 1 server; warm-up ${SETTINGS.warmupMs / MINUTE_MS} min; schedule scale-ups ${SETTINGS.leadMs / MINUTE_MS} min early, dips under 2 h filled (as push shapes it).`,
    `HPA: ${POLICY_LABELS.hpa} at ${SETTINGS.targetUtilization * 100}% with tolerance ${DEFAULT_TOLERANCE}, up at once by 50% or 5 pods a minute, down after 300 s by 10% a minute; utilisation capped at 100% (CPU); warming servers count at 0% on a scale-up.`,
    `Predictive + reactive: the same HPA with the schedule as its minimum. "On point plan": the schedule planned with --plan-on point (the forecast at 70%, no quantile).`,
    `Exact sizing: servers = ceil(demand / (0.7 × capacity)) every minute, warm at once (the HPA can use less: it runs up to 77% within its tolerance).`,
    `Wall time ${(wallMs / 1000).toFixed(1)} s, node ${process.version}.`,
  ];
  printTable(headers, rows);
  console.log('');
  for (const line of lines) console.log(line);

  const report = {
    command: COMMAND,
    datasetsDir,
    node: process.version,
    date: new Date().toISOString(),
    wallMs: Math.round(wallMs),
    settings: {
      ...SETTINGS,
      windows: WINDOWS,
      capacityPerServer: `p99 of the history before the first window / ${SERVERS_PER_P99}`,
      hpaBehavior: FIRST_DESIGN_BEHAVIOR,
      tolerance: DEFAULT_TOLERANCE,
      stepScaling: FIRST_DESIGN_STEP_SCALING,
    },
    totals: { scoredHours, exactServerHours, ...totals },
    series: results,
  };
  const markdown = [
    '# Simulate benchmark: target tracking (HPA) against predictive + reactive',
    '',
    `\`${COMMAND}${SETTINGS.warmupMs === 5 * MINUTE_MS ? '' : ` -- --warmup ${SETTINGS.warmupMs / MINUTE_MS}m`}\`, ${report.date}`,
    '',
    markdownTable(headers, rows),
    '',
    ...lines.map((l) => `- ${l}`),
    '',
  ].join('\n');
  const json = JSON.stringify(report, null, 2) + '\n';
  const written = await writeFilesAtomically([
    { path: resolve(root, `${reportBase()}.json`), content: json },
    {
      path: resolve(root, `${reportBase()}.md`),
      content: markdown.endsWith('\n') ? markdown : markdown + '\n',
    },
    ...(jsonFile ? [{ path: resolve(jsonFile), content: json }] : []),
  ]);
  console.log(`written: ${written.map((p) => relative(process.cwd(), p) || p).join(', ')}`);
}

function replaySeries(series: Series): SeriesResult {
  const t0 = performance.now();
  const n = series.values.length;
  const horizon = n >= LONG_SERIES_H ? WEEK_H : 48;
  const firstOrigin = n - WINDOWS * horizon;
  const history = series.values.slice(
    Math.max(0, firstOrigin - HISTORY_CAP_MS / HOUR_MS),
    firstOrigin,
  );
  const known = Array.from(history)
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => a - b);
  const capacityPerServer = quantileSorted(known, 0.99) / SERVERS_PER_P99;
  const capacity: CapacitySettings = {
    ...DEFAULT_CAPACITY,
    capacityPerServer,
    targetUtilization: SETTINGS.targetUtilization,
    minServers: 1,
  };
  // As the accuracy protocol: missing hours interpolated for training, left out of scoring.
  const options = {
    model: SETTINGS.model,
    origins: WINDOWS,
    horizonSteps: horizon,
    trainWindowMs: HISTORY_CAP_MS,
    quantile: SETTINGS.quantile,
    context: { zone: 'UTC' },
    capacity,
    tickMs: SETTINGS.tickMs,
    warmupMs: SETTINGS.warmupMs,
    leadMs: SETTINGS.leadMs,
    minHoldMs: SETTINGS.minHoldMs,
    hpa: { tolerance: DEFAULT_TOLERANCE, behavior: FIRST_DESIGN_BEHAVIOR },
    step: FIRST_DESIGN_STEP_SCALING,
    measured: series.values,
  };
  const training = interpolateInterior(series);
  const result = simulate(training, options);
  const point = simulate(training, {
    ...options,
    capacity: { ...capacity, planOn: 'point' },
    policies: ['scheduled', 'predictive'],
  });
  const policies = Object.fromEntries([
    ...result.policies.map((p) => [p.id, p.figures]),
    ...point.policies.map((p) => [`${p.id}-point`, p.figures]),
  ]) as Record<Variant, PolicyFigures>;
  return {
    name: series.name,
    windows: WINDOWS,
    windowHours: horizon,
    replayedHours: policies.hpa.hours,
    scoredHours: policies.hpa.scoredHours,
    capacityPerServer,
    exactServerHours: result.exactServerHours,
    seconds: (performance.now() - t0) / 1000,
    policies,
  };
}

function reportBase(): string {
  const minutes = SETTINGS.warmupMs / MINUTE_MS;
  return minutes === 5 ? REPORT_BASE : `${REPORT_BASE}-warmup${minutes}m`;
}

function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (r: string[]) =>
    r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function markdownTable(headers: string[], rows: string[][]): string {
  const out = [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map((_, j) => (j === 0 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const r of rows) out.push(`| ${r.join(' | ')} |`);
  return out.join('\n');
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

function signedPct(share: number): string {
  return `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)}%`;
}

const { values } = parseArgs({
  options: { json: { type: 'string' }, warmup: { type: 'string' } },
});
if (values.warmup !== undefined) {
  // A longer warm-up (VMs rather than containers): the schedule leads by the same.
  const minutes = Number(values.warmup.replace(/m$/, ''));
  if (!(minutes >= 0))
    throw new Error(`--warmup: expected minutes, e.g. 15m, got ${values.warmup}`);
  SETTINGS.warmupMs = minutes * MINUTE_MS;
  SETTINGS.leadMs = minutes * MINUTE_MS;
}
run(values.json).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
