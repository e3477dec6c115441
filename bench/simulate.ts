/**
 * What prediction buys, on the benchmark series of /work/shared/BENCHMARK.md: the last windows of
 * each series (as the accuracy protocol: 2 windows of 168 hours, or 48 with under 5 weeks of
 * history, each forecast from at most 8 weeks before it) replayed minute by minute through target
 * tracking (the Kubernetes HPA with the first design's behaviour) and through predictive +
 * reactive (headroom's default schedule as a floor under the same HPA), with the same servers,
 * target utilisation and warm-up. Also runs step scaling and the schedule alone, for context.
 *
 *   npm run bench:simulate [-- --json FILE]
 *   (= npx tsc -p tsconfig.bench.json && node .bench-dist/bench/simulate.js [--json FILE])
 *
 * Writes reports/bench-simulate.json (every figure) and reports/bench-simulate.md (the table).
 * HEADROOM_DATASETS overrides the datasets directory (default ../shared/datasets).
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_CAPACITY } from '../src/capacity/servers.js';
import { quantileSorted } from '../src/evaluate/quantile.js';
import { DEFAULT_TOLERANCE, FIRST_DESIGN_BEHAVIOR } from '../src/simulate/behavior.js';
import type { PolicyFigures } from '../src/simulate/metrics.js';
import { POLICY_IDS, POLICY_LABELS, type PolicyId } from '../src/simulate/policies.js';
import { simulate } from '../src/simulate/run.js';
import { FIRST_DESIGN_STEP_SCALING } from '../src/simulate/step-scaling.js';
import type { CapacitySettings, Series } from '../src/types.js';
import { HOUR_MS, WEEK_MS } from '../src/util/duration.js';
import { defaultDatasetsDir, interpolateInterior, loadBenchmarkSeries } from './series.js';

const COMMAND = 'npm run bench:simulate';
const REPORT_BASENAME = 'reports/bench-simulate';
const WINDOWS = 2;
const WEEK_H = WEEK_MS / HOUR_MS;
const LONG_SERIES_H = 5 * WEEK_H;
const HISTORY_CAP_MS = 8 * WEEK_MS;
const SERVERS_PER_P99 = 20;
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

interface SeriesResult {
  name: string;
  windows: number;
  windowHours: number;
  replayedHours: number;
  scoredHours: number;
  capacityPerServer: number;
  seconds: number;
  policies: Record<PolicyId, PolicyFigures>;
}

async function run(jsonFile: string | undefined): Promise<void> {
  const began = performance.now();
  const root = repoRoot();
  const datasetsDir = defaultDatasetsDir(root);
  const all = await loadBenchmarkSeries(datasetsDir);
  const results: SeriesResult[] = [];
  for (const series of all.values()) results.push(replaySeries(series));
  const wallMs = performance.now() - began;

  const total = (id: PolicyId): Totals => ({
    underProvisionedHours: sum(results.map((r) => r.policies[id].underProvisionedHours)),
    aboveTargetHours: sum(results.map((r) => r.policies[id].aboveTargetHours)),
    serverHours: sum(results.map((r) => r.policies[id].serverHours)),
    scalingActions: sum(results.map((r) => r.policies[id].scalingActions)),
  });
  const totals = Object.fromEntries(POLICY_IDS.map((id) => [id, total(id)])) as Record<
    PolicyId,
    Totals
  >;
  const scoredHours = sum(results.map((r) => r.scoredHours));

  const headers = [
    'series',
    'hours',
    'HPA under-prov. h',
    'pred.+react. under-prov. h',
    'HPA server-h',
    'pred.+react. server-h',
    'server-h change',
    'schedule only under-prov. h',
    'step under-prov. h',
  ];
  const row = (name: string, hours: number, p: Record<PolicyId, Totals>) => [
    name,
    fixed(hours, 0),
    fixed(p.hpa.underProvisionedHours, 2),
    fixed(p.predictive.underProvisionedHours, 2),
    fixed(p.hpa.serverHours, 0),
    fixed(p.predictive.serverHours, 0),
    signedPct(p.predictive.serverHours / p.hpa.serverHours - 1),
    fixed(p.scheduled.underProvisionedHours, 2),
    fixed(p.step.underProvisionedHours, 2),
  ];
  const rows = [
    ...results.map((r) => row(r.name, r.scoredHours, r.policies)),
    row('all series', scoredHours, totals),
  ];
  const lines = [
    `Under-provisioned hours: minutes in which demand exceeded what the warm servers serve at 100%, in hours.`,
    `Replay: the last ${WINDOWS} windows of each series (${WEEK_H} h, or 48 h with under ${LONG_SERIES_H / WEEK_H} weeks of history), each planned from at most 8 weeks before it with headroom's default (auto, balanced rule, quantile ${SETTINGS.quantile}); demand spread over 1-minute ticks keeping each hour's mean.`,
    `Servers: capacity per server = p99 of the history before the first window / ${SERVERS_PER_P99}; target utilisation ${SETTINGS.targetUtilization}; at least 1 server; warm-up 5 min; schedule scale-ups 5 min early, dips under 2 h filled.`,
    `HPA: ${POLICY_LABELS.hpa} at ${SETTINGS.targetUtilization * 100}% with tolerance ${DEFAULT_TOLERANCE}, up at once by 50% or 5 pods a minute, down after 300 s by 10% a minute; utilisation capped at 100% (CPU).`,
    `Predictive + reactive: the same HPA with the schedule as its minimum.`,
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
    totals: { scoredHours, ...totals },
    series: results,
  };
  const markdown = [
    '# Simulate benchmark: target tracking (HPA) against predictive + reactive',
    '',
    `\`${COMMAND}\`, ${report.date}`,
    '',
    markdownTable(headers, rows),
    '',
    ...lines.map((l) => `- ${l}`),
    '',
  ].join('\n');
  const written = [
    await writeAtomic(resolve(root, `${REPORT_BASENAME}.json`), JSON.stringify(report, null, 2)),
    await writeAtomic(resolve(root, `${REPORT_BASENAME}.md`), markdown),
  ];
  if (jsonFile) written.push(await writeAtomic(resolve(jsonFile), JSON.stringify(report, null, 2)));
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
  const result = simulate(interpolateInterior(series), {
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
  });
  const policies = Object.fromEntries(result.policies.map((p) => [p.id, p.figures])) as Record<
    PolicyId,
    PolicyFigures
  >;
  return {
    name: series.name,
    windows: WINDOWS,
    windowHours: horizon,
    replayedHours: policies.hpa.hours,
    scoredHours: policies.hpa.scoredHours,
    capacityPerServer,
    seconds: (performance.now() - t0) / 1000,
    policies,
  };
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

async function writeAtomic(path: string, text: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, text.endsWith('\n') ? text : text + '\n');
  await rename(temp, path);
  return path;
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

const { values } = parseArgs({ options: { json: { type: 'string' } } });
run(values.json).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
