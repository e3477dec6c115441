/**
 * `review` as a run: read a plan made earlier (its schedule.json) and the load recorded while it
 * ran, score one against the other (evaluate/review.ts) and say what the reader should know.
 * Returns data; the command prints it and src/report/review-report.ts writes it.
 */
import { DEFAULT_CAPACITY, formatShare } from '../capacity/servers.js';
import { UserError } from '../errors.js';
import { reviewSchedule } from '../evaluate/review.js';
import { found, readScheduleDocument, type PlannedSchedule } from '../schedule/document.js';
import { ingestOptions, parseSettings, parseShare, type RawOptions } from '../settings/parse.js';
import type { CapacitySettings, Warning } from '../types.js';
import { formatDuration } from '../util/duration.js';
import { formatReadable } from '../util/format.js';
import { readTextFile } from '../util/files.js';
import { loadHistory } from '../sources/load.js';
import type { HistorySource } from '../sources/registry.js';

type IngestFlags =
  | 'timestampColumn'
  | 'valueColumn'
  | 'hourColumn'
  | 'rowInterval'
  | 'start'
  | 'duplicates'
  | 'agg'
  | 'fillGaps'
  | 'gapFill';

export interface ReviewOptions extends Pick<RawOptions, IngestFlags> {
  /** Default: the plan's zone and interval. */
  timezone?: string;
  interval?: string;
  /** Share of short hours to hold the plan to, instead of its own budget. */
  budget?: string;
  /** Exit with EXIT.overBudget when the realised short share is above the budget. */
  failOverBudget?: boolean;
  /** With a plan of several metrics: the one the load is. */
  metricName?: string;
  outDir: string;
  unit?: string;
  json?: boolean;
}

const SCHEDULE_HINT =
  'pass the schedule.json that `headroom plan` wrote (e.g. reports/schedule.json) first, then the load CSV';

async function readSchedule(file: string): Promise<PlannedSchedule> {
  const text = await readTextFile(file, 'the schedule', SCHEDULE_HINT);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file}: not valid JSON (${(error as Error).message})`, SCHEDULE_HINT);
  }
  try {
    return readScheduleDocument(data, file);
  } catch (error) {
    if (error instanceof UserError) throw new UserError(error.message, SCHEDULE_HINT);
    throw error;
  }
}

/** The plan's capacity settings, checked where the review depends on them. */
function planSettings(planned: PlannedSchedule): CapacitySettings {
  const raw = (planned.document.capacity ?? {}) as Partial<Record<keyof CapacitySettings, unknown>>;
  const fail = (field: string, expected: string): never => {
    throw new UserError(
      `${planned.origin}: "capacity.${field}" must be ${expected}, found ${found(raw[field as keyof CapacitySettings])}`,
      SCHEDULE_HINT,
    );
  };
  const numberOr = (
    field: keyof CapacitySettings,
    check: (v: number) => boolean,
    expected: string,
  ) => {
    const value = raw[field];
    if (value === undefined) return DEFAULT_CAPACITY[field] as number;
    return typeof value === 'number' && check(value) ? value : fail(field, expected);
  };
  const settings: CapacitySettings = {
    ...DEFAULT_CAPACITY,
    ...(raw as Partial<CapacitySettings>),
    capacityPerServer:
      typeof raw.capacityPerServer === 'number' && raw.capacityPerServer > 0
        ? raw.capacityPerServer
        : fail('capacityPerServer', 'a positive number'),
    targetUtilization: numberOr(
      'targetUtilization',
      (v) => v > 0 && v <= 1,
      'a fraction in (0, 1]',
    ),
    headroom: numberOr('headroom', (v) => v >= 0, 'a number ≥ 0'),
    baseServers: numberOr('baseServers', (v) => v >= 0, 'a number ≥ 0'),
    minServers: numberOr('minServers', (v) => v >= 0, 'a number ≥ 0'),
    maxServers:
      raw.maxServers === null
        ? Infinity
        : numberOr('maxServers', (v) => v >= 1, 'a number ≥ 1 or null'),
    risk: numberOr('risk', (v) => v >= 0 && v <= 1, 'a share from 0 to 1'),
  };
  return settings;
}

/**
 * A plan of several metrics sizes each hour for the metric that needs most servers; a load is one
 * of them, scored at that metric's capacity per server and target. `--metric-name` says which.
 */
function chosenMetric(planned: PlannedSchedule, name: string | undefined) {
  const metrics = planned.document.metrics;
  if (!metrics || metrics.length === 0) {
    if (name !== undefined) {
      throw new UserError(
        `--metric-name ${name}: ${planned.origin} plans one load, not several metrics`,
        'drop --metric-name',
      );
    }
    return undefined;
  }
  const names = metrics.map((m) => m.name);
  if (name === undefined) {
    throw new UserError(
      `${planned.origin} plans ${metrics.length} metrics (${names.join(', ')}), each with its own capacity per server: say which this load is`,
      `add --metric-name ${names[0]} (or ${names.slice(1).join(', ')})`,
    );
  }
  const metric = metrics.find((m) => m.name === name);
  if (!metric) {
    throw new UserError(
      `--metric-name ${name}: ${planned.origin} plans ${names.join(', ')}`,
      'give one of them',
    );
  }
  const numberIn = (key: string, ok: (v: number) => boolean): number => {
    const value = metric[key];
    if (typeof value === 'number' && ok(value)) return value;
    throw new UserError(
      `${planned.origin}: metric '${name}' has no valid "${key}" (found ${found(value)})`,
      SCHEDULE_HINT,
    );
  };
  return {
    capacity: {
      capacityPerServer: numberIn('capacityPerServer', (v) => v > 0),
      targetUtilization: numberIn('targetUtilization', (v) => v > 0 && v <= 1),
    },
    expectedShortShare:
      typeof metric.expectedShortShare === 'number' ? metric.expectedShortShare : undefined,
    historyPeak: metric.historyPeak,
    valueColumn: typeof metric.valueColumn === 'string' ? metric.valueColumn : undefined,
  };
}

/** The budget the review holds the plan to, and where it came from. */
function budgetOf(
  options: ReviewOptions,
  settings: CapacitySettings,
  expected: number | undefined,
): { share: number; source: string } | undefined {
  if (options.budget !== undefined)
    return { share: parseShare(options.budget, '--budget'), source: '--budget' };
  if (settings.planOn === 'risk') return { share: settings.risk, source: "the plan's risk budget" };
  if (expected !== undefined) return { share: expected, source: 'what the plan expected' };
  return undefined;
}

/** 0.0417 → "4.17%"; Infinity (demand on no servers) → "∞". */
export function share(value: number): string {
  return Number.isFinite(value) ? formatShare(value) : '∞';
}

export type ReviewRun = Awaited<ReturnType<typeof runReview>>;
export type ReviewBudget = ReturnType<typeof budgetOf>;

/** How far the load's peak may be from the history's the plan learned from before it is named. */
const SCALE_MISMATCH = 10;

/**
 * A load whose peak is 10 times the plan's history's or a tenth of it is probably another series
 * or another unit (requests per minute against per second): the scores would say nothing.
 */
function scaleMismatch(planPeak: number | undefined, values: Float64Array): Warning | undefined {
  if (!(typeof planPeak === 'number' && planPeak > 0)) return undefined;
  let peak = -Infinity;
  for (const v of values) if (v > peak) peak = v;
  if (!(peak > 0)) return undefined;
  const ratio = peak / planPeak;
  if (ratio <= SCALE_MISMATCH && ratio >= 1 / SCALE_MISMATCH) return undefined;
  const times = ratio > 1 ? `${formatReadable(ratio)}×` : `1/${formatReadable(1 / ratio)}`;
  return {
    code: 'scale-mismatch',
    count: 1,
    message: `the load peaks at ${formatReadable(peak)}, ${times} the peak of the history the plan learned from (${formatReadable(planPeak)}): is it the same series, in the same unit?`,
  };
}

/** Everything `review` computes before it writes. */
export async function runReview(
  scheduleFile: string,
  source: HistorySource,
  options: ReviewOptions,
) {
  const planned = await readSchedule(scheduleFile);
  const metric = chosenMetric(planned, options.metricName);
  const settings = { ...planSettings(planned), ...metric?.capacity };
  const { schedule } = planned;
  const zone = planned.timezone;
  const doc = planned.document;
  // Review takes the ingest flags as `plan` does; the zone and interval default to the plan's.
  const ingest = ingestOptions(
    parseSettings({
      ...options,
      timezone: options.timezone ?? zone,
      interval: options.interval ?? doc.interval,
    }),
  );
  const ingested = await loadHistory(source, ingest);
  const warnings: Warning[] = [...ingested.warnings];
  const notes = [...ingested.notes];

  const expected = metric ? metric.expectedShortShare : doc.summary?.expectedShortShare;
  const expectedShortShare = typeof expected === 'number' ? expected : undefined;
  const budget = budgetOf(options, settings, expectedShortShare);
  const review = reviewSchedule({
    schedule,
    capacity: settings,
    budget: budget?.share,
    expectedShortShare,
    actual: ingested.series,
    zone,
    file: ingested.file,
  });

  const planColumn = metric ? metric.valueColumn : doc.source?.valueColumn;
  if (typeof planColumn === 'string' && planColumn !== ingested.valueColumn) {
    notes.push(
      `the plan was made from the column '${planColumn}'; this review read '${ingested.valueColumn}' (set --value-column to change it)`,
    );
  }
  const mismatch = scaleMismatch(
    metric ? metric.historyPeak : doc.history?.peak,
    ingested.series.values,
  );
  if (mismatch) warnings.push(mismatch);
  if (ingested.series.stepMs !== schedule.stepMs) {
    notes.push(
      `scored at ${formatDuration(ingested.series.stepMs)} intervals (the plan's are ${formatDuration(schedule.stepMs)}), each against the servers scheduled at its start`,
    );
  }
  if (review.outsideSteps > 0) {
    notes.push(
      `${review.outsideSteps} interval(s) of ${ingested.file} fall outside the plan's span and were not scored`,
    );
  }
  const failed = review.overBudget === true && options.failOverBudget === true;
  if (failed) {
    warnings.push({
      code: 'over-budget',
      count: review.shortSteps,
      message: `${share(review.shortShare)} of the scored hours were above 100% of capacity, over the ${formatShare(budget!.share)} budget (${budget!.source})`,
    });
  }
  return {
    scheduleFile,
    schedule,
    settings,
    zone,
    ingested,
    budget,
    review,
    failed,
    warnings,
    notes,
  };
}
