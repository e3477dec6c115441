import { CsvError, parse } from 'csv-parse';
import { createRequire } from 'node:module';
import type HolidaysClass from 'date-holidays';
import type { HolidaysTypes } from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';
import { InputError, UserError } from '../errors.js';
import { DAY_MS } from '../util/duration.js';
import { excerpt } from '../util/excerpt.js';
import { csvProblem } from '../ingest/csv-file.js';
import { parseTimestamp } from '../ingest/timestamp.js';

/** One local calendar day that may move load: a public holiday or a user-supplied event. */
export interface EventDay {
  /** Local calendar date, YYYY-MM-DD (no time zone: it is read in the series' zone). */
  date: string;
  name: string;
  kind: 'holiday' | 'event';
  /**
   * A multiplier the user expects on this day (an event with no history to learn from). Days
   * with a lift are applied to the forecast, not learned as features.
   */
  lift?: number;
}

/**
 * Holidays and events as plain data (JSON round-trips as is, so a saved model can carry it).
 * `days` is sorted by date, then kind, then name, without duplicates; one date may hold several.
 */
export interface EventCalendar {
  days: EventDay[];
  /** Where the days came from, for reports: e.g. "holidays US-NY 2023–2025", "events sales.csv". */
  sources: string[];
}

/** Flags for one instant; dayBefore/dayAfter are set only on days that are not themselves listed. */
export interface EventFlags {
  holiday: boolean;
  event: boolean;
  /** The next local day is a holiday or an event. */
  dayBefore: boolean;
  /** The previous local day is a holiday or an event. */
  dayAfter: boolean;
}

export type HolidayType = HolidaysTypes.HolidayType;

export interface HolidayOptions {
  /** Holiday types to keep; default public only (bank days and observances rarely move load). */
  types?: HolidayType[];
  /** ISO 639-1 language for names; falls back to the country's own language. Default 'en'. */
  language?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A multi-day event longer than this is almost certainly a typo in `end`. */
const MAX_EVENT_DAYS = 366;

type Holidays = HolidaysClass;
let holidaysModule: typeof HolidaysClass | undefined;

/** date-holidays loads every country's rules (~130 ms), so it is required only when asked for. */
function newHolidays(): Holidays {
  holidaysModule ??= createRequire(import.meta.url)('date-holidays') as typeof HolidaysClass;
  return new holidaysModule();
}

/** Supported holiday countries as code → name (for a "list countries" command or a hint). */
export function holidayCountries(language = 'en'): Record<string, string> {
  return newHolidays().getCountries(language);
}

/** Supported states/regions of a country (code → name); empty when it has none. */
export function holidayRegions(country: string, language = 'en'): Record<string, string> {
  const [code, state] = country.toUpperCase().split('-');
  const hd = newHolidays();
  return (state ? hd.getRegions(code, state, language) : hd.getStates(code, language)) ?? {};
}

/**
 * Holidays of `country` ('US', or with a region: 'US-NY', 'DE-BY', 'DE-BY-A') for every year in
 * fromYear..toYear, public ones only unless `options.types` says otherwise. A holiday lasting
 * several days (some Eid holidays) yields one EventDay per day. Substitute days ("Independence Day
 * (substitute day)") are public holidays of their own and are included.
 */
export function holidayCalendar(
  country: string,
  fromYear: number,
  toYear: number,
  options: HolidayOptions = {},
): EventDay[] {
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || fromYear > toYear) {
    throw new UserError(
      `holidays: expected a year range like 2023–2025, got ${fromYear}–${toYear}`,
    );
  }
  const hd = holidaysFor(country);
  const types = new Set<HolidayType>(options.types ?? ['public']);
  const language = options.language ?? 'en';
  const days: EventDay[] = [];
  for (let year = fromYear; year <= toYear; year++) {
    for (const h of hd.getHolidays(year, language)) {
      if (!types.has(h.type)) continue;
      const first = h.date.slice(0, 10);
      for (let i = 0; i < spannedDays(h); i++) {
        days.push({ date: shiftDate(first, i), name: h.name, kind: 'holiday' });
      }
    }
  }
  return days;
}

function holidaysFor(country: string): Holidays {
  const [code, state, region, ...rest] = country.trim().toUpperCase().split('-');
  const hd = newHolidays();
  const countries = hd.getCountries('en');
  if (!code || rest.length > 0 || !Object.hasOwn(countries, code)) {
    const byName = Object.entries(countries).find(
      ([, name]) => name.toLowerCase() === country.trim().toLowerCase(),
    );
    throw new UserError(
      `unknown holiday country '${country}'` +
        (byName ? `; did you mean ${byName[0]} (${byName[1]})?` : ''),
      'use an ISO 3166-1 code, optionally with a region: US, GB, DE, US-NY, DE-BY. ' +
        `Supported codes: ${Object.keys(countries).join(', ')}`,
    );
  }
  if (state !== undefined) {
    const states = hd.getStates(code, 'en') ?? {};
    if (!Object.hasOwn(states, state)) {
      throw new UserError(
        `unknown region '${state}' of holiday country ${code} (${countries[code]})`,
        Object.keys(states).length > 0
          ? `regions of ${code}: ${Object.keys(states).join(', ')}`
          : `${code} has no regional holidays; use '${code}' alone`,
      );
    }
    if (region !== undefined) {
      const regions = hd.getRegions(code, state, 'en') ?? {};
      if (!Object.hasOwn(regions, region)) {
        throw new UserError(
          `unknown sub-region '${region}' of ${code}-${state}`,
          Object.keys(regions).length > 0
            ? `sub-regions of ${code}-${state}: ${Object.keys(regions).join(', ')}`
            : `${code}-${state} has no sub-regions; use '${code}-${state}'`,
        );
      }
    }
  }
  hd.init(code, state, region);
  return hd;
}

/**
 * Local days a holiday touches. `date` is its local start ("2024-04-10 00:00:00 -0600") and
 * end − start its length, which is 23 or 25 hours across a DST change; allow for that.
 */
function spannedDays(h: HolidaysTypes.Holiday): number {
  const time = /\d{4}-\d{2}-\d{2}[ T](\d{2}):(\d{2})/.exec(h.date);
  const startHour = time ? Number(time[1]) + Number(time[2]) / 60 : 0;
  const hours = startHour + (h.end.getTime() - h.start.getTime()) / 3_600_000;
  return Math.max(1, Math.ceil((hours - 1.5) / 24));
}

/** A calendar from days in any order: sorted, duplicates dropped. */
export function makeCalendar(days: EventDay[], sources: string[] = []): EventCalendar {
  const seen = new Set<string>();
  const unique: EventDay[] = [];
  for (const d of days) {
    const key = `${d.date}\u0000${d.kind}\u0000${d.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push({ date: d.date, name: d.name, kind: d.kind });
  }
  unique.sort(
    (a, b) => compare(a.date, b.date) || compare(a.kind, b.kind) || compare(a.name, b.name),
  );
  return { days: unique, sources: [...sources] };
}

/** Validates a calendar read back from JSON (a saved model); `where` names it in errors. */
export function calendarFromJSON(value: unknown, where = 'model file'): EventCalendar {
  const bad = (problem: string) =>
    new UserError(`${where}: invalid event calendar: ${problem}`, 'refit the model to rebuild it');
  if (typeof value !== 'object' || value === null) throw bad('not an object');
  const { days, sources } = value as { days?: unknown; sources?: unknown };
  if (!Array.isArray(days)) throw bad("'days' is not a list");
  if (!Array.isArray(sources) || !sources.every((s) => typeof s === 'string')) {
    throw bad("'sources' is not a list of strings");
  }
  days.forEach((d: unknown, i) => {
    const day = d as Partial<EventDay> | null;
    if (
      typeof day !== 'object' ||
      day === null ||
      typeof day.date !== 'string' ||
      !isDate(day.date) ||
      typeof day.name !== 'string' ||
      (day.kind !== 'holiday' && day.kind !== 'event')
    ) {
      throw bad(`day ${i} is not {date: YYYY-MM-DD, name, kind: holiday|event}`);
    }
  });
  return makeCalendar(days as EventDay[], sources as string[]);
}

/**
 * User events from the contents of a CSV with a header: `date` (YYYY-MM-DD, or a timestamp whose
 * written date is used as is), optional `name`, optional `end` (inclusive last date of a multi-day
 * event), optional `lift`. Each day of a multi-day event becomes its own EventDay. `file` names
 * the CSV in errors; ingest/events-file.ts reads it.
 */
export async function parseEventsCsv(file: string, data: string | Buffer): Promise<EventDay[]> {
  const parser = parse(data, { bom: true, skip_empty_lines: true, trim: true, info: true });
  let columns: { date: number; name: number; end: number; lift: number } | undefined;
  let rows = 0;
  const days: EventDay[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const line = info.lines;
      if (!columns) {
        columns = eventColumns(file, line, record);
        continue;
      }
      rows++;
      const first = eventDate(file, line, record, columns.date, 'date');
      const last =
        columns.end >= 0 && record[columns.end] !== ''
          ? eventDate(file, line, record, columns.end, 'end')
          : first;
      const span = Math.round((dateMs(last) - dateMs(first)) / DAY_MS) + 1;
      if (span < 1) {
        throw new InputError(file, line, `'end' ${last} is before 'date' ${first}`);
      }
      if (span > MAX_EVENT_DAYS) {
        throw new InputError(
          file,
          line,
          `the event runs ${span} days (${first} to ${last}); at most ${MAX_EVENT_DAYS} are allowed`,
          "'end' is the event's last day, inclusive; check its year",
        );
      }
      const name = (columns.name >= 0 ? record[columns.name] : '') || 'event';
      const liftText = columns.lift >= 0 ? record[columns.lift] : '';
      const lift = liftText === '' ? undefined : Number(liftText);
      if (lift !== undefined && !(lift > 0)) {
        throw new InputError(
          file,
          line,
          `expected a positive multiplier in column 'lift', got ${excerpt(liftText)}`,
          'e.g. 1.5 for half as much load again as a normal day',
        );
      }
      for (let i = 0; i < span; i++) {
        days.push({ date: shiftDate(first, i), name, kind: 'event', ...(lift ? { lift } : {}) });
      }
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new InputError(file, (error as CsvError & { lines?: number }).lines, csvProblem(error));
    }
    throw error;
  }
  if (!columns) {
    throw new UserError(
      `${file}: the file is empty; expected a header row (date[,name][,end][,lift]) and event rows`,
    );
  }
  if (rows === 0) throw new UserError(`${file}: the file has a header but no event rows`);
  return days;
}

function eventColumns(file: string, line: number, header: string[]) {
  const names = header.map((h) => h.trim().toLowerCase());
  const find = (name: string) => names.indexOf(name);
  const date = find('date');
  if (date < 0) {
    throw new InputError(
      file,
      line,
      `expected a header with a 'date' column, got ${header.map(excerpt).join(', ')}`,
      'columns: date (required); name, end and lift (optional), e.g. "date,name,end,lift"',
    );
  }
  return { date, name: find('name'), end: find('end'), lift: find('lift') };
}

function eventDate(
  file: string,
  line: number,
  record: string[],
  column: number,
  label: string,
): string {
  const text = record[column] ?? '';
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?=$|[T ])/i.exec(text);
  if (!match || Number.isNaN(parseTimestamp(text, 'UTC').ms)) {
    throw new InputError(
      file,
      line,
      `expected a date in column '${label}', got ${excerpt(text)}`,
      'write dates as YYYY-MM-DD (a timestamp also works; its date part is used)',
    );
  }
  return `${match[1]}-${match[2].padStart(2, '0')}-${match[3].padStart(2, '0')}`;
}

/**
 * A pure, fast classifier of instants by their local calendar day in `zone`, for the design
 * matrix. Consecutive calls within one local day (the usual case: timestamps in order) reuse the
 * previous answer. The returned object is shared; do not modify it.
 */
export function eventIndicator(
  calendar: EventCalendar,
  zone: string,
): (ms: number) => Readonly<EventFlags> {
  const utc = zone === 'UTC';
  if (!utc && !IANAZone.isValidZone(zone)) throw new UserError(`unknown time zone '${zone}'`);
  const holidays = new Set<string>();
  const events = new Set<string>();
  for (const d of calendar.days) (d.kind === 'holiday' ? holidays : events).add(d.date);
  const listed = (date: string) => holidays.has(date) || events.has(date);
  const flagsOf = (date: string): EventFlags => {
    const holiday = holidays.has(date);
    const event = events.has(date);
    const plain = !holiday && !event;
    return {
      holiday,
      event,
      dayBefore: plain && listed(shiftDate(date, 1)),
      dayAfter: plain && listed(shiftDate(date, -1)),
    };
  };
  const none: EventFlags = { holiday: false, event: false, dayBefore: false, dayAfter: false };
  const empty = calendar.days.length === 0;

  // The local day [dayStart, dayEnd) of the last call, and its flags.
  let dayStart = Infinity;
  let dayEnd = -Infinity;
  let flags = none;
  return (ms: number) => {
    if (ms >= dayStart && ms < dayEnd) return flags;
    if (empty || !Number.isFinite(ms)) return none;
    if (utc) {
      dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
      dayEnd = dayStart + DAY_MS;
      flags = flagsOf(new Date(ms).toISOString().slice(0, 10));
    } else {
      const local = DateTime.fromMillis(ms, { zone });
      const start = local.startOf('day');
      dayStart = start.toMillis();
      dayEnd = start.plus({ days: 1 }).toMillis();
      flags = flagsOf(local.toISODate() as string);
    }
    return flags;
  };
}

/**
 * Calendar days whose local day in `zone` overlaps the window [fromMs, toMs), in date order:
 * what a report lists as "the plan includes Christmas Day".
 */
export function upcoming(
  calendar: EventCalendar,
  fromMs: number,
  toMs: number,
  zone: string,
): EventDay[] {
  if (!(toMs > fromMs)) return [];
  const first = localDate(fromMs, zone);
  const last = localDate(toMs - 1, zone);
  return calendar.days
    .filter((d) => d.date >= first && d.date <= last)
    .map((d) => ({ ...d }))
    .sort((a, b) => compare(a.date, b.date));
}

/** The local calendar date (YYYY-MM-DD) of an instant in `zone`. */
export function localDate(ms: number, zone: string): string {
  if (zone === 'UTC') return new Date(ms).toISOString().slice(0, 10);
  const date = DateTime.fromMillis(ms, { zone }).toISODate();
  if (date === null) throw new UserError(`unknown time zone '${zone}'`);
  return date;
}

function isDate(text: string): boolean {
  return DATE.test(text) && shiftDate(text, 0) === text;
}

function dateMs(date: string): number {
  const d = new Date(Date.UTC(2000, Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))));
  return d.setUTCFullYear(Number(date.slice(0, 4)));
}

/** YYYY-MM-DD plus `days` calendar days. */
function shiftDate(date: string, days: number): string {
  return new Date(dateMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
