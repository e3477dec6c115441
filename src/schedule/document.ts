import { UserError } from '../errors.js';
import type { PlanFigures } from '../capacity/figures.js';
import type { CapacitySettings, Schedule, Series } from '../types.js';
import { durationOrZero, formatDuration, parseDuration } from '../util/duration.js';
import { formatTimestamp, isValidZone } from '../util/time.js';
import { maxOf } from '../util/extremes.js';
import type { ShapedRecord } from './shape.js';

/** A value for a message: the JSON of it, or that the key is missing. */
export const found = (value: unknown) =>
  value === undefined ? 'nothing (the key is missing)' : JSON.stringify(value);

export const SCHEDULE_FORMAT = 'headroom.schedule/v1';

/** What `plan` writes to schedule.json and `push` reads back: the schedule and its context. */
export interface ScheduleDocument {
  format: typeof SCHEDULE_FORMAT;
  timezone: string;
  interval: string;
  start: string;
  end: string;
  source: Record<string, unknown>;
  capacity: Omit<CapacitySettings, 'maxServers'> & { maxServers: number | null };
  /** The history the plan learned from: its peak is what --max-growth compares with. */
  history?: { start: string; end: string; peak: number; peakAt: string };
  summary: Record<string, unknown> & { peakServers: number; peakPlannedLoad: number };
  /** With several metrics: each one's settings and figures (see capacity/metrics.ts). */
  metrics?: MetricSummary[];
  /**
   * How the entries were shaped from the raw plan (plan.csv): push applies them as they are. A
   * schedule.json without it (from an older headroom) holds the raw plan, shaped by push.
   */
  shaped?: ShapedRecord;
  /** `binding`: with several metrics, the one that sets the entry's count. */
  entries: {
    timestamp: string;
    capacity: number;
    change: number;
    action: string;
    binding?: string;
  }[];
}

/** One metric of a plan with several, as schedule.json lists it. */
export type MetricSummary = Record<string, unknown> & {
  name: string;
  peakPlannedLoad: number;
  historyPeak?: number;
};

/** A schedule ready to push: times as epoch milliseconds. */
export interface PlannedSchedule {
  /** Where it came from, for messages: the schedule.json path or the CSV. */
  origin: string;
  timezone: string;
  schedule: Schedule;
  peakServers: number;
  peakPlannedLoad: number;
  maxServers: number | null;
  historyPeak?: number;
  /** With several metrics: each one's peak planned load and history peak (for --max-growth). */
  metricPeaks?: { name: string; peakPlannedLoad: number; historyPeak?: number }[];
  /** When the history it learned from ends (epoch ms), if the document says. */
  historyEnd?: number;
  /** How the entries were shaped; without it push shapes them (an older schedule.json). */
  shaped?: ShapedRecord;
  document: ScheduleDocument;
}

export interface DocumentInput {
  zone: string;
  /** The shaped schedule (what push applies) and how it was shaped. */
  schedule: Schedule;
  shaped: ShapedRecord;
  settings: CapacitySettings;
  figures: PlanFigures;
  history: Series;
  source: Record<string, unknown>;
  /** With several metrics: their entries, and per step the name of the one that binds. */
  metrics?: { list: Record<string, unknown>[]; binding: string[] };
}

/** The schedule's entries with local timestamps, as schedule.json holds them. */
export function scheduleEntries(schedule: Schedule, zone: string) {
  return schedule.entries.map((e) => ({ ...e, timestamp: formatTimestamp(e.timestamp, zone) }));
}

export function scheduleDocument(input: DocumentInput): ScheduleDocument {
  const { zone, schedule, settings, figures, history } = input;
  let peakIndex = -1;
  history.values.forEach((v, i) => {
    if (Number.isFinite(v) && (peakIndex < 0 || v > history.values[peakIndex])) peakIndex = i;
  });
  return {
    format: SCHEDULE_FORMAT,
    timezone: zone,
    interval: formatDuration(schedule.stepMs),
    start: formatTimestamp(schedule.start, zone),
    end: formatTimestamp(schedule.end, zone),
    source: input.source,
    capacity: {
      ...settings,
      maxServers: Number.isFinite(settings.maxServers) ? settings.maxServers : null,
    },
    ...(peakIndex >= 0 && {
      history: {
        start: formatTimestamp(history.start, zone),
        end: formatTimestamp(history.start + history.values.length * history.stepMs, zone),
        peak: history.values[peakIndex],
        peakAt: formatTimestamp(history.start + peakIndex * history.stepMs, zone),
      },
    }),
    summary: {
      ...figures,
      peakForecastAt: formatTimestamp(figures.peakForecastAt, zone),
      peakServersAt: formatTimestamp(figures.peakServersAt, zone),
    },
    ...(input.metrics && { metrics: input.metrics.list as MetricSummary[] }),
    shaped: input.shaped,
    entries: input.metrics
      ? withBinding(scheduleEntries(schedule, zone), schedule, input.metrics.binding)
      : scheduleEntries(schedule, zone),
  };
}

/** Each entry with the metric that binds at its step. */
function withBinding(
  entries: ReturnType<typeof scheduleEntries>,
  schedule: Schedule,
  binding: string[],
) {
  return entries.map((e, i) => {
    // A shaped change may come before its step (lead time): the step it leads into.
    const step = Math.ceil((schedule.entries[i].timestamp - schedule.start) / schedule.stepMs);
    return { ...e, binding: binding[Math.min(step, binding.length - 1)] };
  });
}

/** Checks a schedule.json (already parsed from JSON) and returns it with times in milliseconds. */
export function readScheduleDocument(data: unknown, origin: string): PlannedSchedule {
  const fail = (problem: string): never => {
    throw new UserError(
      `${origin}: ${problem}`,
      'pass the schedule.json that `headroom plan` wrote (reports/schedule.json), or a CSV to plan from',
    );
  };
  if (typeof data !== 'object' || data === null) return fail('not a JSON object');
  const doc = data as Partial<ScheduleDocument>;
  if (doc.format !== SCHEDULE_FORMAT) {
    return fail(`expected "format": "${SCHEDULE_FORMAT}", found ${found(doc.format)}`);
  }
  if (typeof doc.timezone !== 'string' || !isValidZone(doc.timezone)) {
    return fail(`"timezone" must be an IANA zone, found ${found(doc.timezone)}`);
  }
  const time = (value: unknown, where: string): number => {
    const ms = typeof value === 'string' ? Date.parse(value) : NaN;
    return Number.isFinite(ms)
      ? ms
      : fail(`${where} must be an ISO timestamp, found ${found(value)}`);
  };
  let stepMs = 0;
  try {
    stepMs = parseDuration(String(doc.interval), '"interval"');
  } catch {
    fail(`"interval" must be a duration such as "1h", found ${found(doc.interval)}`);
  }
  if (!Array.isArray(doc.entries) || doc.entries.length === 0) {
    return fail('"entries" must be a non-empty list of {timestamp, capacity}');
  }
  const entries = doc.entries.map((e, i) => {
    const where = `entries[${i}]`;
    if (typeof e !== 'object' || e === null) return fail(`${where} must be an object`);
    const capacity = e.capacity;
    if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 0) {
      return fail(`${where}.capacity must be a whole number ≥ 0, found ${found(capacity)}`);
    }
    const timestamp = time(e.timestamp, `${where}.timestamp`);
    const change = typeof e.change === 'number' ? e.change : 0;
    const action: 'initial' | 'scale_up' | 'scale_down' =
      i === 0 ? 'initial' : change > 0 ? 'scale_up' : 'scale_down';
    return { timestamp, capacity, change, action };
  });
  entries.forEach((e, i) => {
    if (i > 0 && e.timestamp <= entries[i - 1].timestamp) {
      fail(`entries[${i}].timestamp is not after the one before it`);
    }
  });
  const start = time(doc.start, '"start"');
  const end = time(doc.end, '"end"');
  if (end <= entries[entries.length - 1].timestamp) fail('"end" must come after the last entry');
  const peakServers = maxOf(entries.map((e) => e.capacity));
  const historyPeak = doc.history?.peak;
  // A hand-written schedule may give the history's peak and not its end: it is then not checked
  // for freshness; an end that is there must be a timestamp.
  const historyEnd =
    doc.history?.end === undefined ? undefined : time(doc.history.end, '"history.end"');
  return {
    origin,
    timezone: doc.timezone,
    schedule: { start, end, stepMs, entries },
    peakServers,
    peakPlannedLoad: Number(doc.summary?.peakPlannedLoad ?? NaN),
    maxServers: doc.capacity?.maxServers ?? null,
    ...(typeof historyPeak === 'number' && { historyPeak }),
    ...(Array.isArray(doc.metrics) && {
      metricPeaks: doc.metrics.map((m) => ({
        name: String(m.name),
        peakPlannedLoad: Number(m.peakPlannedLoad),
        ...(typeof m.historyPeak === 'number' && { historyPeak: m.historyPeak }),
      })),
    }),
    ...(historyEnd !== undefined && { historyEnd }),
    ...(doc.shaped !== undefined && { shaped: readShaped(doc.shaped, fail) }),
    document: doc as ScheduleDocument,
  };
}

/** The `shaped` record, checked: push compares its flags with it and fits the target to it. */
function readShaped(value: unknown, fail: (problem: string) => never): ShapedRecord {
  const record = value as Partial<ShapedRecord> | null;
  if (typeof record !== 'object' || record === null) return fail('"shaped" must be an object');
  if (record.mode !== 'weekly' && record.mode !== 'dated') {
    return fail(`"shaped.mode" must be "weekly" or "dated", found ${found(record.mode)}`);
  }
  for (const key of ['leadTime', 'minHold'] as const) {
    const text = record[key];
    try {
      if (typeof text !== 'string') throw new Error();
      durationOrZero(text, key);
    } catch {
      fail(`"shaped.${key}" must be a duration such as "5m" or "0", found ${found(text)}`);
    }
  }
  for (const key of ['maxChanges', 'changes', 'rawChanges'] as const) {
    const n = record[key];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      fail(`"shaped.${key}" must be a whole number, found ${found(n)}`);
    }
  }
  return record as ShapedRecord;
}
