/**
 * CloudWatch as a source: one metric (`--cloudwatch NAMESPACE:METRIC[:DIM=VALUE,…] --stat Sum`),
 * a metric-math expression (`--cloudwatch-expression`, over `m1`, the metric, when both are
 * given), or an Auto Scaling group's total CPU (`--cloudwatch-group NAME`), read back `--since`
 * from now with GetMetricData and the SDK's standard credential chain. The period is the finest
 * CloudWatch still keeps for the whole range (or --step, made coarser when it must be, with a
 * note); each call stays under the 100,800 data points GetMetricData returns, and pages follow
 * NextToken. One series is written as `timestamp,value`; an expression that returns several is
 * written in long format (`timestamp,series,value`), which the ingest refuses with its hint.
 */
import { writeFile } from 'node:fs/promises';
import type {
  CloudWatchClient,
  CloudWatchClientConfig,
  GetMetricDataCommandInput,
  GetMetricDataCommandOutput,
  MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { RemoteError, UserError } from '../errors.js';
import { missingSetup, quietSdkWarnings, setupHint } from '../targets/aws/setup.js';
import { DAY_MS, HOUR_MS, formatDuration, parseDuration } from '../util/duration.js';
import type { SourceKind, SourceOptions } from './source.js';

export interface CloudWatchMetric {
  namespace: string;
  name: string;
  dimensions: { name: string; value: string }[];
  stat: string;
}

/** What to read, as plain data: metrics m1, m2… and an expression over them (or on its own). */
export interface CloudWatchSpec {
  kind: 'cloudwatch';
  metrics: CloudWatchMetric[];
  expression?: string;
  /** Set by --cloudwatch-group: how messages name the read, and the hint when it finds nothing. */
  group?: string;
  sinceMs: number;
  stepMs?: number;
  region?: string;
  profile?: string;
  endpoint?: string;
}

/** The most data points one GetMetricData call returns. */
export const MAX_POINTS = 100_800;

/** How long CloudWatch keeps each resolution, finest first. */
const RETENTION = [
  { periodS: 60, keepMs: 15 * DAY_MS, name: '1-minute' },
  { periodS: 300, keepMs: 63 * DAY_MS, name: '5-minute' },
  { periodS: 3600, keepMs: 455 * DAY_MS, name: '1-hour' },
];
/** High-resolution metrics: these periods under a minute, kept 3 hours. */
const HIGH_RESOLUTION = { periodsS: [1, 5, 10, 30], keepMs: 3 * HOUR_MS };

export const METRIC_SYNTAX =
  'NAMESPACE:METRIC[:DIM=VALUE[,DIM=VALUE…]], e.g. AWS/ApplicationELB:RequestCount:LoadBalancer=app/web/123';

const BASIC_STATS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum', 'IQM'];
const EXTENDED_STAT = /^((p|tm|wm|tc|ts)\d{1,2}(\.\d+)?|p100|(TM|WM|TC|TS|PR)\([^()]*\))$/;

/** A statistic as CloudWatch spells it (`sum` → `Sum`); a UserError for one it does not know. */
export function parseStat(text: string): string {
  const basic = BASIC_STATS.find((s) => s.toLowerCase() === text.trim().toLowerCase());
  if (basic) return basic;
  if (EXTENDED_STAT.test(text.trim())) return text.trim();
  throw new UserError(
    `--stat: '${text}' is not a CloudWatch statistic`,
    'Sum for counts (RequestCount), Average for utilisation, or SampleCount, Minimum, Maximum, a percentile such as p99',
  );
}

/** `NAMESPACE:METRIC[:DIM=VALUE,…]` as a metric; a UserError that shows the syntax otherwise. */
export function parseMetric(text: string, stat: string): CloudWatchMetric {
  const bad = (problem: string) =>
    new UserError(`--cloudwatch '${text}': ${problem}`, `expected ${METRIC_SYNTAX}`);
  const [namespace = '', name = '', ...rest] = text.split(':');
  if (!namespace.trim() || !name.trim()) throw bad('needs a namespace and a metric name');
  const dimensions = rest
    .join(':')
    .split(',')
    .filter((pair, i, all) => pair.trim() !== '' || all.length > 1)
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0 || !pair.slice(eq + 1).trim()) throw bad(`'${pair}' is not DIM=VALUE`);
      return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
    });
  if (dimensions.length > 30) throw bad('CloudWatch takes at most 30 dimensions');
  return { namespace: namespace.trim(), name: name.trim(), dimensions, stat };
}

/** The metrics and expression of --cloudwatch-group: average CPU × instances in service. */
function groupCpu(group: string): Pick<CloudWatchSpec, 'metrics' | 'expression' | 'group'> {
  const dimensions = [{ name: 'AutoScalingGroupName', value: group }];
  return {
    metrics: [
      { namespace: 'AWS/EC2', name: 'CPUUtilization', dimensions, stat: 'Average' },
      {
        namespace: 'AWS/AutoScaling',
        name: 'GroupInServiceInstances',
        dimensions,
        stat: 'Average',
      },
    ],
    expression: 'm1 * m2',
    group,
  };
}

/**
 * The period to read `sinceMs` at: --step when CloudWatch keeps that resolution for the whole
 * range, else the finest it keeps (a multiple of it for a coarser --step), with a note that says
 * why. A UserError for a range longer than CloudWatch keeps anything, or a period it cannot give.
 */
export function choosePeriod(sinceMs: number, stepMs?: number): { periodS: number; note: string } {
  const since = formatDuration(sinceMs);
  const longest = RETENTION[RETENTION.length - 1];
  if (sinceMs > longest.keepMs) {
    throw new UserError(
      `--since ${since}: CloudWatch keeps data for 455 days (at 1-hour periods), not longer`,
      'give --since 455d or less; an older history has to come from a CSV export',
    );
  }
  const index = RETENTION.findIndex((tier) => sinceMs <= tier.keepMs);
  const tier = RETENTION[index];
  const finer = index > 0 ? RETENTION[index - 1] : undefined;
  const kept = finer
    ? ` (${finer.name} data is kept ${finer.keepMs / DAY_MS} days, ${tier.name} data ${tier.keepMs / DAY_MS})`
    : '';
  if (stepMs === undefined) {
    return {
      periodS: tier.periodS,
      note: `CloudWatch: reading ${since} at ${tier.name} periods, the finest kept that long${kept}`,
    };
  }
  const stepS = stepMs / 1000;
  const possible = stepS < 60 ? HIGH_RESOLUTION.periodsS.includes(stepS) : stepS % 60 === 0;
  if (!possible) {
    throw new UserError(
      `--step ${formatDuration(stepMs)}: CloudWatch periods are 1s, 5s, 10s, 30s or a whole number of minutes`,
      'for example --step 1m, 5m or 1h',
    );
  }
  if (stepS < 60 && sinceMs <= HIGH_RESOLUTION.keepMs) {
    return { periodS: stepS, note: `CloudWatch: reading ${since} at ${stepS}-second periods` };
  }
  const periodS = Math.ceil(stepS / tier.periodS) * tier.periodS;
  if (periodS === stepS) {
    return {
      periodS,
      note: `CloudWatch: reading ${since} at ${formatDuration(periodS * 1000)} periods`,
    };
  }
  const finest =
    stepS < 60
      ? ' (periods under a minute are kept 3 hours)'
      : kept || ` (${tier.name} data is kept ${tier.keepMs / DAY_MS} days)`;
  const why =
    stepS < tier.periodS
      ? `finer than CloudWatch keeps for --since ${since}${finest}`
      : `not a multiple of the ${tier.name} periods CloudWatch keeps for --since ${since}`;
  return {
    periodS,
    note: `CloudWatch: --step ${formatDuration(stepMs)} is ${why}: reading ${formatDuration(periodS * 1000)} periods instead`,
  };
}

/**
 * The time windows of the calls: each asks for at most MAX_POINTS periods of the one series a
 * metric or an expression over it returns (a SEARCH of many series pages with NextToken).
 */
export function callWindows(startMs: number, endMs: number, periodS: number): [number, number][] {
  const spanMs = MAX_POINTS * periodS * 1000;
  const windows: [number, number][] = [];
  for (let from = startMs; from < endMs; from += spanMs) {
    windows.push([from, Math.min(endMs, from + spanMs)]);
  }
  return windows;
}

/** The queries of one call: m1, m2… and e1, the expression, which alone returns data if given. */
function queries(spec: CloudWatchSpec, periodS: number): MetricDataQuery[] {
  const metrics: MetricDataQuery[] = spec.metrics.map((m, i) => ({
    Id: `m${i + 1}`,
    MetricStat: {
      Metric: {
        Namespace: m.namespace,
        MetricName: m.name,
        Dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
      },
      Period: periodS,
      Stat: m.stat,
    },
    ReturnData: spec.expression === undefined,
  }));
  if (spec.expression === undefined) return metrics;
  return [...metrics, { Id: 'e1', Expression: spec.expression, Period: periodS, ReturnData: true }];
}

type RetryStrategyV2 = Extract<
  NonNullable<CloudWatchClientConfig['retryStrategy']>,
  { acquireInitialRetryToken: unknown }
>;

/**
 * The SDK's retry loop with a shorter wait: a throttled or failed call (Throttling, 429, 5xx,
 * a dropped connection) is tried again after about base, 2×base, 4×base…, `attempts` times in
 * all. The SDK's own standard strategy waits up to a second and more from the first throttle.
 */
function backoff(attempts: number, baseMs: number): RetryStrategyV2 {
  const token = (count: number, delay: number) => ({
    getRetryCount: () => count,
    getRetryDelay: () => delay,
  });
  return {
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (last, info) => {
      const count = last.getRetryCount() + 1;
      if (count >= attempts || info.errorType === 'CLIENT_ERROR') throw info.error;
      return token(count, baseMs * 2 ** (count - 1) * (0.5 + Math.random() / 2));
    },
    recordSuccess: () => undefined,
  };
}

/** An SDK error as a message that names the read and says what to do; never a secret. */
function cloudWatchError(error: unknown, what: string, spec: CloudWatchSpec): UserError {
  const setup = missingSetup(error);
  if (setup) {
    return new UserError(`${what}: ${setup}`, setupHint(setup));
  }
  const e = error as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) {
    return new RemoteError(
      `${what}: could not reach CloudWatch${spec.endpoint ? ` at ${spec.endpoint}` : ''}: ${e.code ?? e.message ?? String(error)}`,
      'check the network, --region and --cloudwatch-endpoint',
    );
  }
  const hint =
    e.name === 'AccessDenied' || e.name === 'AccessDeniedException' || status === 403
      ? 'the credentials need the permission cloudwatch:GetMetricData'
      : /throttl/i.test(e.name ?? '') || status === 429
        ? 'CloudWatch throttled every retry: run again in a minute'
        : 'check the metric, --stat and --cloudwatch-expression';
  return new RemoteError(
    `${what}: CloudWatch refused GetMetricData: ${e.name ?? 'error'} (HTTP ${status}): ${e.message ?? ''}`,
    hint,
  );
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One series as `timestamp,value`; several in long format, `timestamp,series,value`. */
export function historyCsv(series: Map<string, Map<number, number>>): string {
  const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
  const names = [...series.keys()].sort();
  if (names.length === 1) {
    const points = [...series.get(names[0])!].sort((a, b) => a[0] - b[0]);
    return `timestamp,value\n${points.map(([t, v]) => `${iso(t)},${v}\n`).join('')}`;
  }
  const rows = names.flatMap((name) => [...series.get(name)!].map(([t, v]) => ({ t, name, v })));
  rows.sort((a, b) => a.t - b.t || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `timestamp,series,value\n${rows.map((r) => `${iso(r.t)},${csvField(r.name)},${r.v}\n`).join('')}`;
}

export interface FetchSettings {
  now: number;
  /** The first wait after a throttled call; later ones double. */
  retryBaseMs: number;
  /**
   * The ingest's interval: the range read starts and ends on it (when it is a whole number of
   * periods), so no bucket at either edge is only partly covered.
   */
  intervalMs?: number;
}

/**
 * Reads the spec's history from CloudWatch into `file` as CSV, and returns the notes for the
 * reader (the period read, the points and calls).
 */
export async function fetchCloudWatch(
  spec: CloudWatchSpec,
  file: string,
  settings: FetchSettings,
): Promise<string[]> {
  const what = describeCloudWatch(spec);
  const { periodS, note } = choosePeriod(spec.sinceMs, spec.stepMs);
  const periodMs = periodS * 1000;
  const interval = settings.intervalMs ?? periodMs;
  const alignMs = interval % periodMs === 0 ? interval : periodMs;
  const endMs = Math.floor(settings.now / alignMs) * alignMs;
  const startMs = Math.ceil((settings.now - spec.sinceMs) / alignMs) * alignMs;
  const client = await cloudWatchClient(spec, settings.retryBaseMs);
  const { GetMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
  const send = async (input: GetMetricDataCommandInput): Promise<GetMetricDataCommandOutput> => {
    try {
      return await client.send(new GetMetricDataCommand(input));
    } catch (error) {
      throw cloudWatchError(error, what, spec);
    }
  };
  const series = new Map<string, Map<number, number>>();
  const messages = new Set<string>();
  let calls = 0;
  let points = 0;
  for (const [from, to] of callWindows(startMs, endMs, periodS)) {
    let token: string | undefined;
    do {
      const page = await send({
        MetricDataQueries: queries(spec, periodS),
        StartTime: new Date(from),
        EndTime: new Date(to),
        ScanBy: 'TimestampAscending',
        MaxDatapoints: MAX_POINTS,
        ...(token && { NextToken: token }),
      });
      calls++;
      for (const m of page.Messages ?? []) messages.add(`${m.Code}: ${m.Value}`);
      for (const result of page.MetricDataResults ?? []) {
        if (result.StatusCode === 'Forbidden' || result.StatusCode === 'InternalError') {
          const why = (result.Messages ?? []).map((m) => `${m.Code}: ${m.Value}`).join('; ');
          throw new RemoteError(
            `${what}: CloudWatch answered ${result.StatusCode}${why ? ` (${why})` : ''}`,
            result.StatusCode === 'Forbidden'
              ? 'the credentials need the permission cloudwatch:GetMetricData'
              : 'run again later',
          );
        }
        const name = result.Label || result.Id || 'value';
        const values = series.get(name) ?? new Map<number, number>();
        series.set(name, values);
        const times = result.Timestamps ?? [];
        (result.Values ?? []).forEach((value, i) => {
          const t = times[i]?.getTime();
          if (t !== undefined && Number.isFinite(value)) values.set(t, value);
        });
        points += times.length;
      }
      token = page.NextToken;
    } while (token);
  }
  for (const [name, values] of series) if (values.size === 0) series.delete(name);
  if (series.size === 0) throw noData(spec, what, [...messages], await regionOf(client));
  await writeFile(file, historyCsv(series));
  return [
    `${note}; ${points.toLocaleString('en-US')} data points in ${calls} call(s)${series.size > 1 ? `, ${series.size} series` : ''}`,
  ];
}

async function regionOf(client: CloudWatchClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    return 'the default region';
  }
}

function noData(spec: CloudWatchSpec, what: string, messages: string[], region: string) {
  const said = messages.length > 0 ? ` (CloudWatch says: ${messages.join('; ')})` : '';
  const hint = spec.group
    ? `GroupInServiceInstances needs group metrics: aws autoscaling enable-metrics-collection --auto-scaling-group-name ${spec.group} --granularity 1Minute (the history starts then); or read the CPU alone with --cloudwatch AWS/EC2:CPUUtilization:AutoScalingGroupName=${spec.group}`
    : 'names and dimension values are case-sensitive: compare with `aws cloudwatch list-metrics --namespace …`; check --region and --since';
  return new UserError(
    `${what}: CloudWatch has no data for it in ${region} over the last ${formatDuration(spec.sinceMs)}${said}`,
    hint,
  );
}

async function cloudWatchClient(spec: CloudWatchSpec, retryBaseMs: number) {
  const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
  quietSdkWarnings();
  const attempts = 5;
  return new CloudWatchClient({
    ...(spec.region && { region: spec.region }),
    ...(spec.profile && { profile: spec.profile }),
    ...(spec.endpoint && { endpoint: spec.endpoint }),
    maxAttempts: attempts,
    retryStrategy: backoff(attempts, retryBaseMs),
  });
}

function metricText(m: CloudWatchMetric): string {
  const dims = m.dimensions.map((d) => `${d.name}=${d.value}`).join(',');
  return `${m.namespace}:${m.name}${dims ? `:${dims}` : ''} ${m.stat}`;
}

/** How messages name a CloudWatch read: the metric or expression, never credentials. */
export function describeCloudWatch(spec: CloudWatchSpec): string {
  if (spec.group) return `CloudWatch CPU of Auto Scaling group ${spec.group}`;
  if (spec.expression === undefined) return `CloudWatch ${metricText(spec.metrics[0])}`;
  const over = spec.metrics.map((m, i) => ` m${i + 1} = ${metricText(m)}`).join(',');
  return `CloudWatch expression ${spec.expression}${over ? ` with${over}` : ''}`;
}

function fromOptions(o: SourceOptions): CloudWatchSpec | undefined {
  if (!o.cloudwatch && !o.cloudwatchExpression && !o.cloudwatchGroup) {
    if (o.stat !== undefined) {
      throw new UserError(
        '--stat applies to a CloudWatch metric',
        `add --cloudwatch ${METRIC_SYNTAX}, or drop --stat`,
      );
    }
    return undefined;
  }
  if (o.cloudwatchGroup && (o.cloudwatch || o.cloudwatchExpression || o.stat)) {
    throw new UserError(
      '--cloudwatch-group reads the average CPU of the group times its instances in service, on its own',
      'drop --cloudwatch, --cloudwatch-expression and --stat, or drop --cloudwatch-group and name the metric yourself',
    );
  }
  if (!o.cloudwatch && o.stat !== undefined) {
    throw new UserError(
      '--stat applies to --cloudwatch: SEARCH and SELECT expressions name their statistic themselves',
      'drop --stat, or give the metric with --cloudwatch and use it in the expression as m1',
    );
  }
  const what = o.cloudwatchGroup
    ? groupCpu(o.cloudwatchGroup)
    : {
        metrics: o.cloudwatch ? [parseMetric(o.cloudwatch, parseStat(o.stat ?? 'Average'))] : [],
        ...(o.cloudwatchExpression && { expression: o.cloudwatchExpression }),
      };
  const sinceMs = parseDuration(o.since ?? '8w', '--since');
  const stepMs = o.step === undefined ? undefined : parseDuration(o.step, '--step');
  choosePeriod(sinceMs, stepMs); // refuses a range or a period CloudWatch cannot give, before any call
  return {
    kind: 'cloudwatch',
    ...what,
    sinceMs,
    ...(stepMs !== undefined && { stepMs }),
    ...(o.region && { region: o.region }),
    ...(o.profile && { profile: o.profile }),
    ...(o.cloudwatchEndpoint && { endpoint: o.cloudwatchEndpoint }),
  };
}

export const cloudWatchKind: SourceKind<CloudWatchSpec> = {
  kind: 'cloudwatch',
  fromOptions,
  describe: describeCloudWatch,
  fetch: (spec, file, options) =>
    fetchCloudWatch(spec, file, {
      now: Date.now(),
      retryBaseMs: 500,
      intervalMs: options.intervalMs,
    }),
};
