/**
 * Every setting that shapes a plan, once: its flag, its headroom.yaml key (the flag in camelCase),
 * what the config accepts, how its value is parsed, its default, its help and its group. The
 * commander options (commands/options.ts), the config schema (config/schema.ts), the option types
 * and the typed settings (settings/parse.ts) and docs/settings.md are made from this table, so a
 * new setting is one row here (and its use where it is read).
 */
import { z } from 'zod';
import { DEFAULT_CAPACITY, formatShare } from '../capacity/servers.js';
import { DUPLICATE_POLICIES } from '../ingest/clean.js';
import { AGGREGATIONS } from '../ingest/resample.js';
import { AUTO, DEFAULT_MODEL, MODEL_NAMES } from '../models/registry.js';
import { trustedEndpoint } from '../util/endpoint.js';
import { isValidZone } from '../util/time.js';
import * as kind from './kinds.js';

export const GROUPS = {
  source: 'Where the history comes from',
  ingest: 'Reading the data',
  model: 'Forecast',
  capacity: 'Capacity',
  schedule: 'Shaping the schedule',
} as const;
export type Group = keyof typeof GROUPS;

export interface Setting {
  /** `--capacity-per-server <load>`: the flag and its argument, as commander takes it. */
  flag: string;
  help: string;
  group: Group;
  /** The default, as it would be typed on the command line; none: unset (or detected). */
  default?: string;
  choices?: readonly string[];
  /** What headroom.yaml accepts for it. */
  config: z.ZodType;
  /**
   * Its typed value from the flag's string or the config's value (see kinds.ts). The source
   * settings stay text: each source kind reads its own (src/sources/).
   */
  parse: kind.Parse<unknown>;
}

const duration = z
  .string()
  .regex(
    /^\s*\d+(\.\d+)?\s*(s|m|min|h|d|w)\s*$/i,
    'expected a duration with its unit, such as 30m, 1h or 7d',
  );
export const durationOrZero = z.union([z.literal(0), z.literal('0'), duration]);
const positive = z.number().positive();
const fraction = z.number().gt(0).lte(1);
const count = z.number().int().nonnegative();
const zone = z.string().refine(isValidZone, 'expected an IANA time zone such as Europe/Berlin');
const text = z.string().min(1);
export { duration };

const d = DEFAULT_CAPACITY;

export const SETTINGS = {
  // Where the history comes from (remote sources; see src/sources/)
  prometheus: {
    flag: '--prometheus <url>',
    help: 'read the history from this Prometheus (or Thanos, Mimir, VictoriaMetrics) server, with --query',
    group: 'source',
    parse: kind.text,
    config: z.url({ protocol: /^https?$/ }),
  },
  query: {
    flag: '--query <promql>',
    help: 'with --prometheus: the PromQL expression of the load, e.g. \'sum(rate(http_requests_total{job="web"}[5m]))\'',
    group: 'source',
    parse: kind.text,
    config: text,
  },
  cloudwatch: {
    flag: '--cloudwatch <metric>',
    help: 'read the history from CloudWatch: NAMESPACE:METRIC[:DIM=VALUE[,DIM=VALUE…]], e.g. AWS/ApplicationELB:RequestCount:LoadBalancer=app/web/123 (see docs/reading-data.md#reading-from-cloudwatch)',
    group: 'source',
    parse: kind.text,
    config: text,
  },
  stat: {
    flag: '--stat <statistic>',
    help: 'the CloudWatch statistic of --cloudwatch: Sum for counts, Average, Maximum, p99… (default: Average)',
    group: 'source',
    parse: kind.text,
    config: text,
  },
  cloudwatchExpression: {
    flag: '--cloudwatch-expression <expression>',
    help: 'read a CloudWatch metric-math expression instead: SEARCH(…), SELECT …, or math over m1, the --cloudwatch metric (e.g. m1/PERIOD(m1))',
    group: 'source',
    parse: kind.text,
    config: text,
  },
  cloudwatchGroup: {
    flag: '--cloudwatch-group <asg>',
    help: "read an Auto Scaling group's total CPU from CloudWatch: average CPUUtilization × GroupInServiceInstances, in % of one instance (needs group metrics collection)",
    group: 'source',
    parse: kind.text,
    config: text,
  },
  since: {
    flag: '--since <duration>',
    help: 'how much history a remote source reads, back from now',
    group: 'source',
    parse: kind.text,
    default: '8w',
    config: duration,
  },
  until: {
    flag: '--until <time>',
    help: 'where the range read from a remote source ends (default: now)',
    group: 'source',
    parse: kind.text,
    config: text,
  },
  bearerTokenFile: {
    flag: '--bearer-token-file <path>',
    help: 'with --prometheus: a file holding the bearer token to send (or HEADROOM_PROMETHEUS_BEARER_TOKEN_FILE); basic auth: HEADROOM_PROMETHEUS_USER and HEADROOM_PROMETHEUS_PASSWORD',
    group: 'source',
    parse: kind.text,
    config: text,
  },
  caFile: {
    flag: '--ca-file <path>',
    help: "with --prometheus: a PEM file of the CA that signed the server's certificate (or NODE_EXTRA_CA_CERTS)",
    group: 'source',
    parse: kind.text,
    config: text,
  },
  step: {
    flag: '--step <duration>',
    help: 'the resolution asked of a remote source: the Prometheus query_range step (default 5m), the CloudWatch period (default: the finest it keeps for --since); resampled to --interval after',
    group: 'source',
    parse: kind.text,
    config: duration,
  },
  region: {
    flag: '--region <region>',
    help: 'AWS region (default: AWS_REGION or the profile)',
    group: 'source',
    parse: kind.text,
    config: text,
  },
  profile: {
    flag: '--profile <name>',
    help: 'AWS profile from the shared config files (default: AWS_PROFILE)',
    group: 'source',
    parse: kind.text,
    config: text,
  },
  cloudwatchEndpoint: {
    flag: '--cloudwatch-endpoint <url>',
    help: 'CloudWatch API endpoint (default: AWS_ENDPOINT_URL_CLOUDWATCH or AWS); headroom.yaml may only name AWS or this machine',
    group: 'source',
    parse: kind.text,
    config: z
      .url()
      .refine(
        trustedEndpoint,
        'a config may only name an AWS endpoint (https://…amazonaws.com) or one on this machine (localhost, 127.0.0.1, [::1]); give any other with --cloudwatch-endpoint',
      ),
  },
  // Reading the data
  timestampColumn: {
    flag: '--timestamp-column <name>',
    help: 'column holding the time (default: detected)',
    group: 'ingest',
    parse: kind.text,
    config: text,
  },
  valueColumn: {
    flag: '--value-column <name>',
    help: 'column holding the load (default: detected)',
    group: 'ingest',
    parse: kind.text,
    config: text,
  },
  hourColumn: {
    flag: '--hour-column <name>',
    help: 'hour-of-day column that completes a date-only timestamp column',
    group: 'ingest',
    parse: kind.text,
    config: text,
  },
  timestampFormat: {
    flag: '--timestamp-format <pattern>',
    help: "how the timestamps are written, when not ISO 8601 or epoch: strftime directives such as '%d/%m/%Y %H:%M', '%m/%d/%Y %I:%M %p' or '%Y%m%d%H%M' (%Y %y %m %b %d %H %I %p %M %S %f %z)",
    group: 'ingest',
    parse: kind.text,
    config: text,
  },
  seriesColumn: {
    flag: '--series-column <name>',
    help: 'long format (timestamp,series,value): the column naming the series; plan makes one service of each (reports/<series>/ and a fleet index), other commands read the one --series names',
    group: 'ingest',
    parse: kind.text,
    config: text,
  },
  series: {
    flag: '--series <name>',
    help: 'with --series-column: read only this series',
    group: 'ingest',
    parse: kind.text,
    config: text,
  },
  rowInterval: {
    flag: '--row-interval <duration>',
    help: 'no timestamp column: rows are this far apart (needs --start)',
    group: 'ingest',
    parse: kind.duration,
    config: duration,
  },
  start: {
    flag: '--start <time>',
    help: 'with --row-interval: the time of the first row',
    group: 'ingest',
    parse: kind.text,
    config: text,
  },
  timezone: {
    flag: '--timezone <iana>',
    help: 'zone of naive timestamps, and of daily/weekly shapes and reports',
    group: 'ingest',
    parse: kind.zone,
    default: 'UTC',
    config: zone,
  },
  duplicates: {
    flag: '--duplicates <policy>',
    help: 'how rows with the same timestamp are merged',
    group: 'ingest',
    default: 'mean',
    ...kind.choice(DUPLICATE_POLICIES),
    config: z.enum(DUPLICATE_POLICIES),
  },
  interval: {
    flag: '--interval <duration>',
    help: 'resample to this step (e.g. 15m, 1h, 1d)',
    group: 'ingest',
    parse: kind.duration,
    default: '1h',
    config: duration,
  },
  agg: {
    flag: '--agg <aggregation>',
    help: 'how samples in one interval combine: mean keeps rates and utilisation in their unit; sum turns per-sample counts into per-interval counts; max/p95 plan for peaks inside the interval',
    group: 'ingest',
    default: 'mean',
    ...kind.choice(AGGREGATIONS),
    config: z.enum(AGGREGATIONS),
  },
  currentServers: {
    flag: '--current-servers <n>',
    help: 'the load is a utilisation (CPU %, …) averaged over a fleet of n servers, which does not grow with servers: read it as the total, value × n (in % of one server), and plan with --capacity-per-server 100 (the default then)',
    group: 'ingest',
    parse: kind.whole(1),
    config: z.number().int().positive(),
  },
  serversColumn: {
    flag: '--servers-column <name>',
    help: 'the load is a utilisation (CPU %, …) averaged over the servers in service, whose count per row is in this column: read the total, value × count (in % of one server), and plan with --capacity-per-server 100 (the default then)',
    group: 'ingest',
    parse: kind.text,
    config: text,
  },
  fillGaps: {
    flag: '--fill-gaps <duration>',
    help: 'interpolate gaps up to this long; longer ones stay missing',
    group: 'ingest',
    parse: kind.durationOrZero,
    default: '6h',
    config: durationOrZero,
  },
  gapFill: {
    flag: '--gap-fill <how>',
    help: 'value for filled gaps',
    group: 'ingest',
    default: 'linear',
    ...kind.choice(['linear', 'zero']),
    config: z.enum(['linear', 'zero']),
  },
  // Forecast
  model: {
    flag: '--model <name>',
    help: 'forecasting model',
    group: 'model',
    default: DEFAULT_MODEL,
    ...kind.choice([AUTO, ...MODEL_NAMES]),
    config: z.enum([AUTO, ...MODEL_NAMES]),
  },
  modelFile: {
    flag: '--model-file <path>',
    help: 'use a model saved by `headroom fit --save` instead of fitting one',
    group: 'model',
    parse: kind.text,
    config: text,
  },
  horizon: {
    flag: '--horizon <duration>',
    help: 'how far ahead to forecast',
    group: 'model',
    parse: kind.horizon,
    default: '7d',
    config: duration,
  },
  quantile: {
    flag: '--quantile <q>',
    help: 'upper quantile of the band drawn and written (and planned on with --plan-on balanced or upper); the lower bound is 1 − q',
    group: 'model',
    parse: kind.number((q) => q > 0.5 && q < 1, 'a number between 0.5 and 1'),
    default: '0.9',
    config: z.number().gt(0.5).lt(1),
  },
  trainWindow: {
    flag: '--train-window <duration>',
    help: 'learn from at most this much recent history',
    group: 'model',
    parse: kind.duration,
    default: '8w',
    config: duration,
  },
  holidays: {
    flag: '--holidays <country>',
    help: 'public holidays of a country or region (US, US-NY, DE-BY, GB-ENG…): shaped like Sundays, with learned adjustments',
    group: 'model',
    parse: kind.text,
    config: text,
  },
  events: {
    flag: '--events <csv>',
    help: 'dates of launches, sales, incidents: a CSV with a date column, optional name and end (inclusive)',
    group: 'model',
    parse: kind.text,
    config: text,
  },
  // Capacity
  capacityPerServer: {
    flag: '--capacity-per-server <load>',
    help: `load one server handles at 100% utilisation (default ${d.capacityPerServer})`,
    group: 'capacity',
    parse: kind.positive,
    config: positive,
  },
  targetUtilization: {
    flag: '--target-utilization <fraction>',
    help: 'plan servers to run at this utilisation (0.7 or 70%)',
    group: 'capacity',
    parse: kind.fraction,
    default: String(d.targetUtilization),
    config: fraction,
  },
  peakUtilization: {
    flag: '--peak-utilization <fraction>',
    help: 'with --plan-on balanced: how busy servers may be at the --quantile bound',
    group: 'capacity',
    parse: kind.fraction,
    default: String(d.peakUtilization),
    config: fraction,
  },
  headroom: {
    flag: '--headroom <fraction>',
    help: 'extra fraction on top of the load-derived count',
    group: 'capacity',
    parse: kind.number((v) => v >= 0, 'a fraction ≥ 0'),
    default: String(d.headroom),
    config: z.number().nonnegative(),
  },
  baseServers: {
    flag: '--base-servers <n>',
    help: 'servers added before the load-derived ones',
    group: 'capacity',
    parse: kind.whole(0),
    default: String(d.baseServers),
    config: count,
  },
  minServers: {
    flag: '--min-servers <n>',
    help: 'never plan fewer servers',
    group: 'capacity',
    parse: kind.whole(0),
    default: String(d.minServers),
    config: count,
  },
  maxServers: {
    flag: '--max-servers <n>',
    help: 'never plan more servers (default: no limit)',
    group: 'capacity',
    parse: kind.whole(1),
    config: z.number().int().positive(),
  },
  rounding: {
    flag: '--rounding <how>',
    help: 'how a fractional server count rounds',
    group: 'capacity',
    default: d.rounding,
    ...kind.choice(['ceil', 'floor', 'round']),
    config: z.enum(['ceil', 'floor', 'round']),
  },
  risk: {
    flag: '--risk <share>',
    help: 'the share of hours in which demand may exceed 100% of the planned capacity (1%, 0.5%, 0.02…); servers are added above the forecast at --target-utilization until the plan expects no more',
    group: 'capacity',
    parse: kind.share,
    default: formatShare(d.risk),
    config: z.union([
      z.number().min(0).max(0.5),
      z.string().regex(/^\d+(\.\d+)?%$/, 'a share such as 1% or 0.01'),
    ]),
  },
  planOn: {
    flag: '--plan-on <rule>',
    help: 'risk: the forecast at --target-utilization plus what the --risk budget needs (default); balanced: the forecast at --target-utilization and the --quantile bound at --peak-utilization; upper: the bound at --target-utilization; point: the forecast alone',
    group: 'capacity',
    default: d.planOn,
    ...kind.choice(['risk', 'balanced', 'upper', 'point']),
    config: z.enum(['risk', 'balanced', 'upper', 'point']),
  },
  // Shaping the schedule (schedule/shape.ts): what `plan` writes and `push` applies
  leadTime: {
    flag: '--lead-time <duration>',
    help: 'start every scale-up this early, so new capacity is warm when demand arrives',
    group: 'schedule',
    parse: kind.durationOrZero,
    default: '5m',
    config: durationOrZero,
  },
  minHold: {
    flag: '--min-hold <duration>',
    help: 'fill dips shorter than this instead of scaling in and straight out again',
    group: 'schedule',
    parse: kind.durationOrZero,
    default: '2h',
    config: durationOrZero,
  },
  maxChanges: {
    flag: '--max-changes <n>',
    help: "the most changes the schedule may have (AWS's quota of scheduled actions per group is 125): per week for a weekly schedule, where a change at one local time to one count is one on all its days; in all for a dated one. Fitted by holding the higher count longer, never below the plan",
    group: 'schedule',
    parse: kind.whole(1),
    default: '125',
    config: z.number().int().positive(),
  },
} as const satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;
/** A settings table: {@link SETTINGS}, or a copy with a row more (see test/settings-table.test.ts). */
export type SettingsTable = Record<string, Setting>;

/** `--capacity-per-server <load>` → `--capacity-per-server`. */
export const flagName = (setting: Setting) => setting.flag.split(' ')[0];

/** The settings of one group, with their headroom.yaml keys, in the table's order. */
export function settingsOf<T extends SettingsTable = typeof SETTINGS>(
  group?: Group,
  table: T = SETTINGS as unknown as T,
): [keyof T & string, Setting][] {
  return (Object.entries(table) as [keyof T & string, Setting][]).filter(
    ([, s]) => group === undefined || s.group === group,
  );
}

/** The keys of the settings that say where the history comes from. */
type SourceKeyOf<T extends SettingsTable> = {
  [K in keyof T]: T[K]['group'] extends 'source' ? K : never;
}[keyof T];
export type SourceSettingKey = SourceKeyOf<typeof SETTINGS>;
type Shape<T extends SettingsTable, K extends keyof T> = { [P in K]: T[P]['config'] };

/**
 * The headroom.yaml keys of every setting that shapes a plan, with what each accepts. The source
 * settings are not among them: a service names its history in `data:` or a `source:` block
 * ({@link sourceShape}).
 */
export function configShape<T extends SettingsTable = typeof SETTINGS>(
  table: T = SETTINGS as unknown as T,
): Shape<T, Exclude<keyof T, SourceKeyOf<T>>> {
  return Object.fromEntries(
    settingsOf(undefined, table)
      .filter(([, s]) => s.group !== 'source')
      .map(([k, s]) => [k, s.config]),
  ) as Shape<T, Exclude<keyof T, SourceKeyOf<T>>>;
}

/** The keys of a service's `source:` block in headroom.yaml: the source settings. */
export function sourceShape(): Shape<typeof SETTINGS, SourceSettingKey> {
  return Object.fromEntries(settingsOf('source').map(([k, s]) => [k, s.config])) as Shape<
    typeof SETTINGS,
    SourceSettingKey
  >;
}
