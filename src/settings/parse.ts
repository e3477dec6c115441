/**
 * The plan settings parsed from the strings commander (or a fleet's config) hands over, each
 * checked with an error that names its flag: the typed ingest options, forecast request and
 * capacity settings the run layer takes.
 */
import { DEFAULT_CAPACITY, MAX_SERVERS } from '../capacity/servers.js';
import { UserError } from '../errors.js';
import type { DuplicatePolicy } from '../ingest/clean.js';
import type { IngestOptions } from '../ingest/options.js';
import type { Aggregation } from '../ingest/resample.js';
import { parseTimestamp, TIMESTAMP_FORMATS } from '../ingest/timestamp.js';
import { compileTimestampFormat } from '../ingest/timestamp-format.js';
import type { ForecastRequest } from '../pipeline.js';
import type { CapacitySettings } from '../types.js';
import { DAY_MS, describeDuration, durationOrZero, parseDuration } from '../util/duration.js';
import { isValidZone } from '../util/time.js';

/** Option values as commander hands them over (strings until parsed here). */
export interface RawOptions {
  prometheus?: string;
  query?: string;
  since?: string;
  until?: string;
  step?: string;
  bearerTokenFile?: string;
  caFile?: string;
  cloudwatch?: string;
  stat?: string;
  cloudwatchExpression?: string;
  cloudwatchGroup?: string;
  region?: string;
  profile?: string;
  cloudwatchEndpoint?: string;
  timestampColumn?: string;
  valueColumn?: string;
  hourColumn?: string;
  timestampFormat?: string;
  seriesColumn?: string;
  series?: string;
  rowInterval?: string;
  start?: string;
  timezone: string;
  duplicates: string;
  interval: string;
  agg: string;
  fillGaps: string;
  gapFill: string;
  model: string;
  modelFile?: string;
  horizon: string;
  quantile: string;
  trainWindow: string;
  holidays?: string;
  events?: string;
  json?: boolean;
  capacityPerServer?: string;
  targetUtilization?: string;
  headroom?: string;
  baseServers?: string;
  minServers?: string;
  maxServers?: string;
  rounding?: string;
  planOn?: string;
  risk?: string;
  peakUtilization?: string;
  /** `--metric NAME=CSV,…`, repeated: several metrics per service (see settings/metrics.ts). */
  metric?: string[];
}

/** A numeric flag, checked: the error names the flag, what was expected and what was given. */
export function number(
  text: string,
  flag: string,
  check: (v: number) => boolean,
  expected: string,
): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !check(value)) {
    throw new UserError(`${flag}: expected ${expected}, got '${text}'`);
  }
  return value;
}

export const wholeNumber = (text: string, flag: string, least: number) =>
  number(text, flag, (v) => Number.isInteger(v) && v >= least, `a whole number ≥ ${least}`);

function zoneOf(raw: RawOptions): string {
  if (!isValidZone(raw.timezone)) {
    throw new UserError(
      `--timezone: '${raw.timezone}' is not an IANA time zone`,
      'for example UTC, Europe/Berlin, America/New_York',
    );
  }
  return raw.timezone;
}

function rowPosition(raw: RawOptions): Pick<IngestOptions, 'rowIntervalMs' | 'rowStart'> {
  if (raw.rowInterval === undefined) {
    if (raw.start !== undefined) throw new UserError('--start only applies with --row-interval');
    return {};
  }
  if (raw.timestampColumn !== undefined) {
    throw new UserError(
      '--row-interval and --timestamp-column exclude each other: time comes from one or the other',
    );
  }
  if (raw.start === undefined) {
    throw new UserError(
      '--row-interval needs --start, the time of the first row',
      'e.g. --start 2024-01-01T00:00:00Z',
    );
  }
  const rowStart = parseTimestamp(raw.start, zoneOf(raw)).ms;
  if (Number.isNaN(rowStart))
    throw new UserError(
      `--start: expected a timestamp, got '${raw.start}'`,
      `accepted: ${TIMESTAMP_FORMATS}`,
    );
  return { rowIntervalMs: parseDuration(raw.rowInterval, '--row-interval'), rowStart };
}

function seriesChoice(raw: RawOptions): Pick<IngestOptions, 'seriesColumn' | 'series'> {
  if (raw.series !== undefined && raw.seriesColumn === undefined) {
    throw new UserError(
      `--series ${raw.series} needs --series-column, the column that names the series`,
      'e.g. --series-column service --series api',
    );
  }
  return { seriesColumn: raw.seriesColumn, series: raw.series };
}

export function ingestOptions(raw: RawOptions): IngestOptions {
  if (raw.timestampFormat !== undefined) {
    if (raw.rowInterval !== undefined) {
      throw new UserError(
        '--timestamp-format does not apply with --row-interval: rows have no time',
      );
    }
    compileTimestampFormat(raw.timestampFormat); // a bad pattern is refused before any file is read
  }
  return {
    ...rowPosition(raw),
    ...seriesChoice(raw),
    timestampColumn: raw.timestampColumn,
    valueColumn: raw.valueColumn,
    hourColumn: raw.hourColumn,
    timestampFormat: raw.timestampFormat,
    timezone: zoneOf(raw),
    duplicates: raw.duplicates as DuplicatePolicy,
    intervalMs: parseDuration(raw.interval, '--interval'),
    agg: raw.agg as Aggregation,
    fillGapsMs: durationOrZero(raw.fillGaps, '--fill-gaps'),
    gapFill: raw.gapFill as 'linear' | 'zero',
  };
}

/** The longest --horizon: a year (366 days), and this many steps of --interval. */
export const MAX_HORIZON_MS = 366 * DAY_MS;
export const MAX_HORIZON_STEPS = 100_000;

function horizonOf(raw: RawOptions): number {
  const horizonMs = parseDuration(raw.horizon, '--horizon');
  if (horizonMs > MAX_HORIZON_MS) {
    throw new UserError(
      `--horizon: ${raw.horizon} is longer than a year (366d), the furthest headroom forecasts`,
      'a forecast that far out is mostly guessed trend: plan a shorter --horizon and plan again as new data comes in (nightly in CI, say)',
    );
  }
  const stepMs = parseDuration(raw.interval, '--interval');
  const steps = Math.ceil(horizonMs / stepMs);
  if (steps > MAX_HORIZON_STEPS) {
    throw new UserError(
      `--horizon ${raw.horizon} at --interval ${raw.interval} is ${steps.toLocaleString('en-US')} steps, more than ${MAX_HORIZON_STEPS.toLocaleString('en-US')}`,
      `use a shorter --horizon or a longer --interval (at most ${describeDuration(MAX_HORIZON_STEPS * stepMs)} at ${raw.interval})`,
    );
  }
  return horizonMs;
}

export function forecastRequest(raw: RawOptions): ForecastRequest {
  return {
    horizonMs: horizonOf(raw),
    quantile: number(
      raw.quantile,
      '--quantile',
      (q) => q > 0.5 && q < 1,
      'a number between 0.5 and 1',
    ),
    trainWindowMs: parseDuration(raw.trainWindow, '--train-window'),
    context: { zone: zoneOf(raw) },
  };
}

export function capacitySettings(raw: RawOptions): CapacitySettings {
  // Callers that skip commander (tests, demo) get the same defaults as the flags.
  const d = DEFAULT_CAPACITY;
  const positive = (v: number) => v > 0;
  const count = (v: number) => Number.isInteger(v) && v >= 0;
  const settings: CapacitySettings = {
    capacityPerServer:
      raw.capacityPerServer === undefined
        ? d.capacityPerServer
        : number(raw.capacityPerServer, '--capacity-per-server', positive, 'a positive number'),
    targetUtilization: number(
      raw.targetUtilization ?? String(d.targetUtilization),
      '--target-utilization',
      (v) => v > 0 && v <= 1,
      'a fraction in (0, 1]',
    ),
    headroom: number(
      raw.headroom ?? String(d.headroom),
      '--headroom',
      (v) => v >= 0,
      'a fraction ≥ 0',
    ),
    baseServers: number(
      raw.baseServers ?? String(d.baseServers),
      '--base-servers',
      count,
      'a whole number ≥ 0',
    ),
    minServers: number(
      raw.minServers ?? String(d.minServers),
      '--min-servers',
      count,
      'a whole number ≥ 0',
    ),
    maxServers:
      raw.maxServers === undefined
        ? d.maxServers
        : number(
            raw.maxServers,
            '--max-servers',
            (v) => Number.isInteger(v) && v >= 1,
            'a whole number ≥ 1',
          ),
    rounding: (raw.rounding ?? d.rounding) as CapacitySettings['rounding'],
    planOn: (raw.planOn ?? d.planOn) as CapacitySettings['planOn'],
    risk: raw.risk === undefined ? d.risk : parseShare(raw.risk, '--risk'),
    peakUtilization: number(
      raw.peakUtilization ?? String(d.peakUtilization),
      '--peak-utilization',
      (v) => v > 0 && v <= 1,
      'a fraction in (0, 1]',
    ),
  };
  for (const [flag, value] of [
    ['--base-servers', settings.baseServers],
    ['--min-servers', settings.minServers],
  ] as const) {
    if (value > MAX_SERVERS) {
      throw new UserError(
        `${flag}: ${value} is more than ${MAX_SERVERS.toLocaleString('en-US')} servers`,
      );
    }
  }
  if (settings.minServers > settings.maxServers) {
    throw new UserError(
      `--min-servers ${settings.minServers} is above --max-servers ${settings.maxServers}`,
    );
  }
  return settings;
}

/** "1%" or "0.01" → 0.01: a share from 0 to 50%. */
export function parseShare(text: string, flag: string): number {
  const trimmed = text.trim();
  const percent = trimmed.endsWith('%');
  const digits = percent ? trimmed.slice(0, -1) : trimmed;
  const share = Number(digits) / (percent ? 100 : 1);
  if (digits.trim() === '' || !(share >= 0 && share <= 0.5)) {
    throw new UserError(`${flag}: expected a share from 0 to 50%, as 1% or 0.01, got '${text}'`);
  }
  return share;
}

/** Said when --capacity-per-server was not given, since every server count depends on it. */
export function assumedCapacityNote(
  raw: RawOptions,
  settings: CapacitySettings,
): string | undefined {
  if (raw.capacityPerServer !== undefined) return undefined;
  return `assuming --capacity-per-server ${settings.capacityPerServer} (a placeholder); set it to the load one server handles at 100%`;
}
