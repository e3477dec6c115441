/**
 * The hourly series of the accuracy protocol (/work/shared/BENCHMARK.md, "Series"), loaded through
 * the tool's own ingest. Values are as measured: NaN marks a missing hour, which is left out of
 * scoring; `interpolateInterior` makes the training copy.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSeries, type IngestOptions } from '../src/ingest/index.js';
import { readCsv } from '../src/ingest/read-csv.js';
import { fillGaps } from '../src/ingest/resample.js';
import type { Series } from '../src/types.js';
import { HOUR_MS, WEEK_MS } from '../src/util/duration.js';

interface SeriesSpec {
  name: string;
  file: string;
  options: Partial<IngestOptions>;
  /**
   * What a user of this series would pass as `--holidays` (a date-holidays country[-region]
   * code); absent when no public-holiday calendar fits the load (cloud metrics).
   */
  holidays?: string;
  /** Applied after the first and last bucket of the whole file are dropped. */
  cut?: (series: Series) => Series;
}

const lastHours = (hours: number) => (series: Series) =>
  sliceHours(series, series.values.length - hours, series.values.length);

const fromFor = (iso: string, hours: number) => (series: Series) => {
  const from = Math.round((Date.parse(iso) - series.start) / series.stepMs);
  return sliceHours(series, from, from + hours);
};

/** BENCHMARK.md's protocol: the last 2 windows of each series, a week each (2 days on series of
 * under 5 weeks), servers sized so the history's p99 needs 20 of them. */
export const WINDOWS = 2;
export const WEEK_H = 168;
export const LONG_SERIES_H = 5 * WEEK_H;
export const SERVERS_PER_P99 = 20;

/** The protocol's table (the first set), in its order. */
export const BENCHMARK_SERIES: readonly SeriesSpec[] = [
  { name: 'nyc_taxi', file: 'nab/nyc_taxi.csv', options: { agg: 'sum' }, holidays: 'US-NY' },
  { name: 'elb_requests', file: 'nab/elb_request_count_8c0756.csv', options: { agg: 'sum' } },
  { name: 'rds_cpu', file: 'nab/rds_cpu_utilization_e47b3b.csv', options: { agg: 'mean' } },
  {
    name: 'twitter_amzn',
    file: 'nab/Twitter_volume_AMZN.csv',
    options: { agg: 'sum' },
    holidays: 'US',
  },
  {
    name: 'pedestrians_location_4',
    file: 'prophet/example_pedestrians_multivariate.csv',
    options: { timestampColumn: 'ds', valueColumn: 'location_4', agg: 'mean' },
    holidays: 'AU-VIC',
  },
  {
    name: 'pedestrians_location_41',
    file: 'prophet/example_pedestrians_multivariate.csv',
    options: { timestampColumn: 'ds', valueColumn: 'location_41', agg: 'mean' },
    holidays: 'AU-VIC',
  },
  {
    name: 'bike_sharing',
    file: 'bike-sharing/hour.csv',
    // Absent hours had no rentals: fill every gap with zero.
    options: {
      timestampColumn: 'dteday',
      hourColumn: 'hr',
      valueColumn: 'cnt',
      agg: 'sum',
      gapFill: 'zero',
      fillGapsMs: 10 * 365 * 24 * HOUR_MS,
    },
    holidays: 'US-DC',
    cut: lastHours((16 * WEEK_MS) / HOUR_MS),
  },
  {
    name: 'metro_traffic',
    file: 'metro-traffic/Metro_Interstate_Traffic_Volume.csv',
    options: {
      timestampColumn: 'date_time',
      valueColumn: 'traffic_volume',
      duplicates: 'mean',
      agg: 'mean',
    },
    holidays: 'US-MN',
    cut: fromFor('2017-04-13T00:00:00Z', (11 * WEEK_MS) / HOUR_MS),
  },
];

/**
 * The wider set (BENCHMARK.md): nab-more's 5-minute CloudWatch metrics and tweet volumes, hourly
 * sums for counts (tweets, network and disk bytes) and hourly means for CPU; the request latency
 * series is left out (a latency is not a load to size servers for).
 */
export const WIDER_SERIES: readonly SeriesSpec[] = [
  'Twitter_volume_CRM',
  'Twitter_volume_CVS',
  'Twitter_volume_IBM',
  'Twitter_volume_KO',
  'Twitter_volume_PFE',
  'Twitter_volume_UPS',
  'ec2_cpu_utilization_24ae8d',
  'ec2_cpu_utilization_53ea38',
  'ec2_cpu_utilization_5f5533',
  'ec2_cpu_utilization_77c1ca',
  'ec2_cpu_utilization_ac20cd',
  'ec2_cpu_utilization_c6585a',
  'ec2_cpu_utilization_fe7f93',
  'ec2_disk_write_bytes_1ef3de',
  'ec2_disk_write_bytes_c0d644',
  'ec2_network_in_5abac7',
  'grok_asg_anomaly',
  'rds_cpu_utilization_cc0c53',
].map((name) => ({
  name,
  file: `nab-more/${name}.csv`,
  // Some CloudWatch files repeat a sample's timestamp: one sample, counted once.
  options: {
    agg: /^(Twitter_volume|ec2_network_in|ec2_disk_write_bytes)/.test(name) ? 'sum' : 'mean',
    duplicates: 'mean',
  },
}));

/**
 * The held-out set: series loaded whole (no cut), to be scored on windows the settings were never
 * chosen on (see accuracy.ts). Three of the first set, the wider set's six tweet volumes, and the
 * Alibaba cluster's CPU trace, which is in no other set.
 */
const HELD_OUT_FROM_FIRST_SET = ['nyc_taxi', 'twitter_amzn', 'bike_sharing'];

/** Alibaba cluster trace 2018: 5-minute machine usage rows with no time column; mean CPU. */
const ALIBABA_CPU: SeriesSpec = {
  name: 'alibaba_cpu',
  file: 'datacenter-traces/machine_usage_days_1_to_8_grouped_300_seconds.csv',
  options: {
    rowIntervalMs: 5 * 60 * 1000,
    rowStart: Date.parse('2018-01-01T00:00:00Z'),
    valueColumn: 'cpu_util_percent',
    agg: 'mean',
  },
};

export const HELD_OUT_SERIES: readonly SeriesSpec[] = [
  ...BENCHMARK_SERIES.filter((spec) => HELD_OUT_FROM_FIRST_SET.includes(spec.name)).map((spec) => ({
    ...spec,
    cut: undefined,
  })),
  ...WIDER_SERIES.filter((spec) => spec.name.startsWith('Twitter_volume_')),
  ALIBABA_CPU,
];

/**
 * The unseen set: series from outside `../shared`, kept in this repository, on which no setting
 * was ever chosen. Hourly departures of the ten busiest US airports in January–June 2001, counted
 * from the 3 million flights of vega-datasets' flights-3m.parquet (see bench/unseen/SOURCES.md).
 */
const UNSEEN_AIRPORTS = ['ORD', 'DFW', 'ATL', 'LAX', 'PHX', 'STL', 'DTW', 'MSP', 'LAS', 'DEN'];
export const UNSEEN_SERIES: readonly SeriesSpec[] = UNSEEN_AIRPORTS.map((airport) => ({
  name: `flights_${airport}`,
  file: 'flights-2001-hourly-departures.csv',
  options: { valueColumn: airport, agg: 'sum' },
}));

/** The series of the first and the wider set, whose last WINDOWS windows chose the settings. */
export const PROTOCOL_SERIES_NAMES: ReadonlySet<string> = new Set(
  [...BENCHMARK_SERIES, ...WIDER_SERIES].map((spec) => spec.name),
);

/** The `--holidays` code a user of the named protocol series would pass, if any. */
export function holidayCountryOf(name: string): string | undefined {
  return BENCHMARK_SERIES.find((spec) => spec.name === name)?.holidays;
}

/** Hours are bucketed on the timestamps as written; nothing is filled unless a spec says so. */
const BASE_OPTIONS: IngestOptions = {
  timezone: 'UTC',
  duplicates: 'error',
  intervalMs: HOUR_MS,
  agg: 'mean',
  fillGapsMs: 0,
  gapFill: 'linear',
};

export function defaultDatasetsDir(repoRoot: string): string {
  return process.env.HEADROOM_DATASETS ?? resolve(repoRoot, '../shared/datasets');
}

/** Loads the 8 protocol series (name → hourly Series; NaN = missing hour, not scored). */
export function loadBenchmarkSeries(datasetsDir: string): Promise<Map<string, Series>> {
  return loadAll(datasetsDir, BENCHMARK_SERIES);
}

/** Loads the wider set's 18 series, as loadBenchmarkSeries does the first set's. */
export function loadWiderSeries(datasetsDir: string): Promise<Map<string, Series>> {
  return loadAll(datasetsDir, WIDER_SERIES);
}

/** Loads the held-out set's series whole, as loadBenchmarkSeries does the first set's. */
export function loadHeldOutSeries(datasetsDir: string): Promise<Map<string, Series>> {
  return loadAll(datasetsDir, HELD_OUT_SERIES);
}

/** Loads the unseen set from the repository's bench/unseen folder. */
export function loadUnseenSeries(): Promise<Map<string, Series>> {
  return loadAll(resolve(repoRoot(), 'bench/unseen'), UNSEEN_SERIES);
}

async function loadAll(
  datasetsDir: string,
  specs: readonly SeriesSpec[],
): Promise<Map<string, Series>> {
  const out = new Map<string, Series>();
  for (const spec of specs) out.set(spec.name, await loadOne(datasetsDir, spec));
  return out;
}

async function loadOne(datasetsDir: string, spec: SeriesSpec): Promise<Series> {
  const file = resolve(datasetsDir, spec.file);
  const options: IngestOptions = { ...BASE_OPTIONS, ...spec.options };
  const { series } = await loadSeries(file, options);

  // Protocol: the first and last hourly bucket of the file are dropped, whether or not resample
  // already dropped them as partly covered (it only does so when downsampling, and only when a
  // bucket has fewer samples than usual). Find them from the samples' own time range.
  const { points } = await readCsv(file, options);
  let minTime = Infinity;
  let maxTime = -Infinity;
  for (const t of points.times) {
    if (t < minTime) minTime = t;
    if (t > maxTime) maxTime = t;
  }
  const firstKept = (Math.floor(minTime / HOUR_MS) + 1) * HOUR_MS;
  const lastKept = (Math.floor(maxTime / HOUR_MS) - 1) * HOUR_MS;
  const from = Math.round((firstKept - series.start) / HOUR_MS);
  const to = Math.round((lastKept - series.start) / HOUR_MS) + 1;
  if (from < 0 || to > series.values.length) {
    throw new Error(
      `${spec.name}: resample dropped more than the edge buckets (kept ${series.values.length} hours from ${new Date(series.start).toISOString()})`,
    );
  }
  let result = sliceHours({ ...series, name: spec.name }, from, to);
  if (spec.cut) result = spec.cut(result);
  return result;
}

function sliceHours(series: Series, from: number, to: number): Series {
  if (from < 0 || to > series.values.length || from >= to) {
    throw new Error(
      `${series.name}: hours ${from}..${to} lie outside the ${series.values.length} loaded`,
    );
  }
  return {
    ...series,
    start: series.start + from * series.stepMs,
    values: series.values.slice(from, to),
  };
}

/** A copy with interior runs of NaN linearly interpolated; leading/trailing NaN stay missing. */
export function interpolateInterior(series: Series): Series {
  const values = series.values.slice();
  fillGaps(values, series.start, {
    stepMs: series.stepMs,
    agg: 'mean',
    maxFillSteps: Number.POSITIVE_INFINITY,
    fill: 'linear',
  });
  return { ...series, values };
}

export function countMissing(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) n++;
  return n;
}

/** The directory holding package.json, above this file (source or compiled). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (package.json)');
    dir = parent;
  }
  return dir;
}
