/**
 * The first half of `forecast`, `plan` and the commands that plan on the fly: read the CSV, build
 * the holiday and event calendar, then fit (or load) a model and forecast.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import {
  holidayCalendar,
  makeCalendar,
  upcoming,
  type EventCalendar,
  type EventDay,
} from '../features/events.js';
import { readEventsCsv } from '../ingest/events-file.js';
import { parseModelFile, unreadableModelFile, type ModelFile } from '../models/model-file.js';
import { savedModelFindings } from '../models/saved-model-checks.js';
import { forecastSeries, forecastWithSaved, type ForecastResult } from '../pipeline.js';
import {
  forecastRequest,
  ingestOptions,
  parseSettings,
  type RawOptions,
  type Settings,
} from '../settings/parse.js';
import type { Series } from '../types.js';
import { formatDuration } from '../util/duration.js';
import { formatTimestamp } from '../util/time.js';
import { loadHistory, type History } from '../sources/load.js';
import type { HistorySource } from '../sources/registry.js';

/**
 * Holidays (--holidays) and events (--events) from the first year of the history to the year after
 * the horizon, so that a saved model still knows next year's holidays.
 */
export async function buildCalendar(
  raw: Pick<Settings, 'holidays' | 'events'>,
  series: Series,
  horizonMs: number,
): Promise<{ calendar?: EventCalendar; lifts: EventDay[] }> {
  const days: EventDay[] = [];
  const sources: string[] = [];
  if (raw.holidays) {
    const from = new Date(series.start).getUTCFullYear();
    const end = series.start + series.values.length * series.stepMs + horizonMs;
    const to = new Date(end).getUTCFullYear() + 1;
    days.push(...holidayCalendar(raw.holidays, from, to));
    sources.push(`holidays ${raw.holidays} ${from}–${to}`);
  }
  if (raw.events) {
    days.push(...(await readEventsCsv(raw.events)));
    sources.push(`events ${raw.events}`);
  }
  // Days with a lift are applied to the forecast; the rest are learned from history.
  const learned = days.filter((day) => day.lift === undefined);
  return {
    calendar: learned.length > 0 ? makeCalendar(learned, sources) : undefined,
    lifts: days.filter((day) => day.lift !== undefined),
  };
}

/** Holidays and events that fall inside the forecast, as notes for the user. */
export function calendarNotes(forecasted: Forecasted): string[] {
  const { calendar, result, zone } = forecasted;
  if (!calendar) return [];
  const { forecast } = result;
  const end = forecast.start + forecast.point.length * forecast.stepMs;
  return upcoming(calendar, forecast.start, end, zone).map(
    (day) => `the forecast includes ${day.date} ${day.name} (${day.kind})`,
  );
}

export interface Forecasted {
  ingested: History;
  result: ForecastResult;
  zone: string;
  calendar?: EventCalendar;
  /** With --model-file: the file and what its model was fitted to. */
  saved?: { path: string; trainedOn: ModelFile['trainedOn'] };
}

/** The shared first half of `forecast` and `plan`: read the CSV, then fit (or load) and forecast. */
export async function forecastFrom(source: HistorySource, s: Settings): Promise<Forecasted> {
  const ingest = ingestOptions(s);
  forecastRequest(s); // a bad --horizon is refused before anything is read
  return forecastHistory(await loadHistory(source, ingest), s);
}

/** The second half of forecastFrom: a history already read, forecast. */
export async function forecastHistory(ingested: History, s: Settings): Promise<Forecasted> {
  const ingest = ingestOptions(s);
  const request = forecastRequest(s);
  if (!s.modelFile) {
    const { calendar, lifts } = await buildCalendar(s, ingested.series, request.horizonMs);
    const result = forecastSeries(s.model, ingested.series, {
      ...request,
      lifts,
      context: { ...request.context, ...(calendar ? { calendar } : {}) },
    });
    return { ingested, result, zone: ingest.timezone, calendar };
  }
  const { model, file } = await readModelFile(s.modelFile);
  if (file.state.stepMs !== ingest.intervalMs) {
    throw new UserError(
      `${s.modelFile}: the model was fitted at ${formatDuration(file.state.stepMs)} steps, but --interval is ${formatDuration(ingest.intervalMs)}`,
      `add --interval ${formatDuration(file.state.stepMs)}`,
    );
  }
  const { lifts } = await buildCalendar(s, ingested.series, request.horizonMs);
  const result = forecastWithSaved(model, file.errors, ingested.series, {
    ...request,
    lifts,
    context: { zone: file.state.zone },
  });
  const calendar = (file.state.spec as { calendar?: EventCalendar } | undefined)?.calendar;
  const findings = savedModelFindings(
    s.modelFile,
    file,
    { series: ingested.series, valueColumn: ingested.valueColumn, zone: ingest.timezone },
    result.forecast.point,
  );
  result.notes.push(...findings.notes);
  return {
    ingested: { ...ingested, warnings: [...ingested.warnings, ...findings.warnings] },
    result,
    zone: ingest.timezone,
    calendar,
    saved: { path: s.modelFile, trainedOn: file.trainedOn },
  };
}

/**
 * `fit` as a run: read the CSV and fit the model (no calendar, no saved model), and the span it
 * learned from, as `fit --save` records it.
 */
export async function fitFrom(source: HistorySource, raw: RawOptions) {
  const s = parseSettings(raw);
  const ingest = ingestOptions(s);
  const ingested = await loadHistory(source, ingest);
  const result = forecastSeries(s.model, ingested.series, forecastRequest(s));
  const { training } = result;
  const end = training.start + training.values.length * training.stepMs;
  const trainedOn = {
    file: ingested.file,
    valueColumn: ingested.valueColumn,
    start: formatTimestamp(training.start, ingest.timezone),
    end: formatTimestamp(end, ingest.timezone),
  };
  return { ingested, result, trainedOn, trainedMs: end - training.start };
}

/** Reads a model saved by `fit --save`. */
async function readModelFile(path: string): Promise<ReturnType<typeof parseModelFile>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw unreadableModelFile(path, (error as NodeJS.ErrnoException).code);
  }
  return parseModelFile(path, text);
}
