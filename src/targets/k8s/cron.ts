import { ZoneClock } from '../../util/zone-clock.js';

export { ZoneClock };

const DAY_MS = 86_400_000;

/** A parsed five-field cron expression (minute hour day-of-month month day-of-week). */
export interface CronSpec {
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  /** 0 = Sunday … 6 = Saturday (7 is read as Sunday). */
  daysOfWeek: Set<number>;
  /** Whether the day fields were `*`: cron ORs the two day fields only when both are restricted. */
  anyDayOfMonth: boolean;
  anyDayOfWeek: boolean;
}

function field(text: string, min: number, max: number, name: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) throw new Error(`cron ${name} field: cannot read '${part}'`);
    const from = match[1] === '*' ? min : Number(match[2]);
    const to = match[1] === '*' ? max : match[3] !== undefined ? Number(match[3]) : from;
    const step = match[4] !== undefined ? Number(match[4]) : 1;
    const upper = match[4] !== undefined && match[3] === undefined && match[1] !== '*' ? max : to;
    if (from < min || upper > max || from > upper || step < 1) {
      throw new Error(`cron ${name} field: '${part}' is outside ${min}-${max}`);
    }
    for (let v = from; v <= upper; v += step) values.add(v);
  }
  return values;
}

/** Parses the standard five-field cron syntax: `*`, numbers, lists, ranges and steps. */
export function parseCron(expression: string): CronSpec {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron: expected five fields, got '${expression}'`);
  const [minute, hour, dom, month, dow] = parts;
  const daysOfWeek = new Set([...field(dow, 0, 7, 'day-of-week')].map((d) => d % 7));
  return {
    minutes: field(minute, 0, 59, 'minute'),
    hours: field(hour, 0, 23, 'hour'),
    daysOfMonth: field(dom, 1, 31, 'day-of-month'),
    months: field(month, 1, 12, 'month'),
    daysOfWeek,
    anyDayOfMonth: dom.startsWith('*'),
    anyDayOfWeek: dow.startsWith('*'),
  };
}

function dayMatches(spec: CronSpec, year: number, month: number, day: number): boolean {
  if (!spec.months.has(month)) return false;
  const dom = spec.daysOfMonth.has(day);
  const dow = spec.daysOfWeek.has(new Date(Date.UTC(year, month - 1, day)).getUTCDay());
  if (spec.anyDayOfMonth || spec.anyDayOfWeek) return dom && dow;
  return dom || dow;
}

/** See ZoneClock.instants; for one-off use. */
export function wallTimeInstants(
  zone: string,
  year: number,
  month: number,
  day: number,
  minuteOfDay: number,
): number[] {
  const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  return new ZoneClock(zone, wall - 2 * DAY_MS, wall + 2 * DAY_MS).instants(
    year,
    month,
    day,
    minuteOfDay,
  );
}

/** Whether an expression fires on every week alike (no day-of-month or month restriction). */
export function isWeekly(expression: string): boolean {
  const spec = parseCron(expression);
  return spec.anyDayOfMonth && spec.months.size === 12;
}

/**
 * Every instant in [from, to] at which the cron expression fires in the clock's zone, as the cron
 * library that KEDA and the CronJob controller use (robfig/cron) does: matched on the local wall
 * clock, not at all on a day when a DST gap skips the time, and twice when a DST fold repeats it.
 */
export function cronFirings(
  expression: string,
  clock: ZoneClock | string,
  from: number,
  to: number,
): number[] {
  const zoneClock = typeof clock === 'string' ? new ZoneClock(clock, from, to) : clock;
  const spec = parseCron(expression);
  const times: number[] = [];
  const hours = [...spec.hours].sort((a, b) => a - b);
  const minutes = [...spec.minutes].sort((a, b) => a - b);
  const first = zoneClock.local(from - DAY_MS);
  const last = zoneClock.local(to + DAY_MS);
  const end = Date.UTC(last.year, last.month - 1, last.day);
  for (let date = Date.UTC(first.year, first.month - 1, first.day); date <= end; date += DAY_MS) {
    const d = new Date(date);
    const [year, month, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
    if (!dayMatches(spec, year, month, day)) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        for (const t of zoneClock.instants(year, month, day, hour * 60 + minute)) {
          if (t >= from && t <= to) times.push(t);
        }
      }
    }
  }
  return times.sort((a, b) => a - b);
}
