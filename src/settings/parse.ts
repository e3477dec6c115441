/**
 * The settings parsed once, from the strings commander hands over or the values a config gives:
 * {@link parseSettings} turns every row of the settings table into its typed value, and the
 * checks across settings make the typed ingest options, forecast request and capacity settings
 * the run layer takes. Every error names the flag (config checks reword it for the file).
 */
import type { z } from 'zod';
import { DEFAULT_CAPACITY, MAX_SERVERS } from '../capacity/servers.js';
import { UserError } from '../errors.js';
import type { IngestOptions } from '../ingest/options.js';
import { parseTimestamp, TIMESTAMP_FORMATS } from '../ingest/timestamp.js';
import { compileTimestampFormat } from '../ingest/timestamp-format.js';
import type { ForecastRequest } from '../pipeline.js';
import type { CapacitySettings } from '../types.js';
import { describeDuration, formatDuration } from '../util/duration.js';
import { checkedNumber, share, type Given } from './kinds.js';
import { flagName, SETTINGS, settingsOf, type SettingsTable } from './table.js';

/**
 * The settings of a table as given: a flag's string as commander hands it over, or a config's
 * value as its zod rule typed it. One optional field per row.
 */
export type SettingValuesOf<T extends SettingsTable> = {
  -readonly [K in keyof T]?: string | z.output<T[K]['config']>;
};
export type SettingValues = SettingValuesOf<typeof SETTINGS>;

/** A command's options: the settings as given, and the two flags every command that plans has. */
export type RawOptions = SettingValues & {
  json?: boolean;
  /** `--metric NAME=CSV,…`, repeated: several metrics per service (see settings/metrics.ts). */
  metric?: string[];
};

/**
 * Every setting of a table typed by its row's parse (durations in milliseconds, fractions and
 * counts as numbers, choices as their union); unset only where the row has no default.
 */
export type SettingsOf<T extends SettingsTable> = {
  -readonly [K in keyof T]:
    ReturnType<T[K]['parse']> | (T[K] extends { default: string } ? never : undefined);
};
export type Settings = SettingsOf<typeof SETTINGS>;

/**
 * Parses every setting once: what is given, else the row's default, else unset. `table` is the
 * settings table (a test passes a copy with a row more).
 */
export function parseSettings(given: SettingValues): Settings;
export function parseSettings<T extends SettingsTable>(
  given: SettingValuesOf<T>,
  table: T,
): SettingsOf<T>;
export function parseSettings(
  given: Record<string, Given | undefined>,
  table: SettingsTable = SETTINGS,
): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  for (const [key, setting] of settingsOf(undefined, table)) {
    const value = given[key] ?? setting.default;
    parsed[key] = value === undefined ? undefined : setting.parse(value, flagName(setting));
  }
  return parsed;
}

/** A numeric flag outside the table, checked: the error names the flag, what was expected and what was given. */
export const number = (
  text: string,
  flag: string,
  check: (v: number) => boolean,
  expected: string,
): number => checkedNumber(text, flag, check, expected);

export const wholeNumber = (text: string, flag: string, least: number) =>
  number(text, flag, (v) => Number.isInteger(v) && v >= least, `a whole number ≥ ${least}`);

/** "1%" or "0.01" → 0.01: a share from 0 to 50%. */
export const parseShare = (text: string, flag: string): number => share(text, flag);

function rowPosition(s: Settings): Pick<IngestOptions, 'rowIntervalMs' | 'rowStart'> {
  if (s.rowInterval === undefined) {
    if (s.start !== undefined) throw new UserError('--start only applies with --row-interval');
    return {};
  }
  if (s.timestampColumn !== undefined) {
    throw new UserError(
      '--row-interval and --timestamp-column exclude each other: time comes from one or the other',
    );
  }
  if (s.start === undefined) {
    throw new UserError(
      '--row-interval needs --start, the time of the first row',
      'e.g. --start 2024-01-01T00:00:00Z',
    );
  }
  const rowStart = parseTimestamp(s.start, s.timezone).ms;
  if (Number.isNaN(rowStart))
    throw new UserError(
      `--start: expected a timestamp, got '${s.start}'`,
      `accepted: ${TIMESTAMP_FORMATS}`,
    );
  return { rowIntervalMs: s.rowInterval, rowStart };
}

function seriesChoice(s: Settings): Pick<IngestOptions, 'seriesColumn' | 'series'> {
  if (s.series !== undefined && s.seriesColumn === undefined) {
    throw new UserError(
      `--series ${s.series} needs --series-column, the column that names the series`,
      'e.g. --series-column service --series api',
    );
  }
  return { seriesColumn: s.seriesColumn, series: s.series };
}

export function ingestOptions(s: Settings): IngestOptions {
  if (s.timestampFormat !== undefined) {
    if (s.rowInterval !== undefined) {
      throw new UserError(
        '--timestamp-format does not apply with --row-interval: rows have no time',
      );
    }
    compileTimestampFormat(s.timestampFormat); // a bad pattern is refused before any file is read
  }
  if (s.serversColumn !== undefined && s.currentServers !== undefined) {
    throw new UserError(
      '--servers-column and --current-servers both say how many servers the utilisation is averaged over',
      'give the count per row with --servers-column, or one count for all rows with --current-servers',
    );
  }
  return {
    ...rowPosition(s),
    ...seriesChoice(s),
    timestampColumn: s.timestampColumn,
    valueColumn: s.valueColumn,
    hourColumn: s.hourColumn,
    timestampFormat: s.timestampFormat,
    timezone: s.timezone,
    duplicates: s.duplicates,
    intervalMs: s.interval,
    agg: s.agg,
    fillGapsMs: s.fillGaps,
    currentServers: s.currentServers,
    serversColumn: s.serversColumn,
    gapFill: s.gapFill,
  };
}

/** The most steps of --interval a --horizon may take (a year: the horizon's own parse). */
export const MAX_HORIZON_STEPS = 100_000;
export { MAX_HORIZON_MS } from './kinds.js';

function horizonOf(s: Settings): number {
  // Said in the durations' shortest spelling: 168h reads 7d.
  const horizon = formatDuration(s.horizon);
  const interval = formatDuration(s.interval);
  const steps = Math.ceil(s.horizon / s.interval);
  if (steps > MAX_HORIZON_STEPS) {
    throw new UserError(
      `--horizon ${horizon} at --interval ${interval} is ${steps.toLocaleString('en-US')} steps, more than ${MAX_HORIZON_STEPS.toLocaleString('en-US')}`,
      `use a shorter --horizon or a longer --interval (at most ${describeDuration(MAX_HORIZON_STEPS * s.interval)} at ${interval})`,
    );
  }
  return s.horizon;
}

export function forecastRequest(s: Settings): ForecastRequest {
  return {
    horizonMs: horizonOf(s),
    quantile: s.quantile,
    trainWindowMs: s.trainWindow,
    context: { zone: s.timezone },
  };
}

export function capacitySettings(s: Settings): CapacitySettings {
  // The two without a default in the table: a placeholder capacity, and no limit.
  const settings: CapacitySettings = {
    capacityPerServer: s.capacityPerServer ?? DEFAULT_CAPACITY.capacityPerServer,
    targetUtilization: s.targetUtilization,
    headroom: s.headroom,
    baseServers: s.baseServers,
    minServers: s.minServers,
    maxServers: s.maxServers ?? DEFAULT_CAPACITY.maxServers,
    rounding: s.rounding,
    planOn: s.planOn,
    risk: s.risk,
    peakUtilization: s.peakUtilization,
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
