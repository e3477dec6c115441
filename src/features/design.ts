import { DAY_MS, WEEK_MS } from '../util/duration.js';
import { localClock } from '../util/zone-offset.js';
import { eventIndicator, type EventCalendar, type EventFlags } from './events.js';

/**
 * What the regression sees, as data: Fourier orders for the daily and weekly cycles, one-hot
 * slots of the week (or day) for shapes Fourier terms smooth away, and a linear trend.
 * The matrix is a pure function of timestamps and this spec, so a saved model can rebuild it.
 */
export interface DesignSpec {
  zone: string;
  stepMs: number;
  dailyOrder: number;
  weeklyOrder: number;
  /** One-hot slot per step of this period (a week or a day), or 0 for none. */
  slotPeriodMs: number;
  /** Trend is (t − trendOrigin) / trendScale: 0 at the end of training, −1 at its start. */
  trendOrigin: number;
  trendScale: number;
  /** Holidays and events, as learned level and daily-shape adjustments. */
  calendar?: EventCalendar;
}

export type FeatureGroup = 'intercept' | 'trend' | 'daily' | 'weekly' | 'slot' | 'calendar';

export interface DesignLayout {
  names: string[];
  groups: FeatureGroup[];
}

/** Chooses the features a history of `steps` intervals can support. */
export function designFor(
  zone: string,
  stepMs: number,
  start: number,
  steps: number,
  calendar?: EventCalendar,
): DesignSpec {
  const end = start + steps * stepMs;
  const hasWeeks = steps * stepMs >= 2 * WEEK_MS;
  const slotsPerWeek = WEEK_MS / stepMs;
  const slotPeriodMs =
    hasWeeks && slotsPerWeek <= 336 ? WEEK_MS : DAY_MS / stepMs <= 288 ? DAY_MS : 0;
  return {
    zone,
    stepMs,
    dailyOrder: stepMs < DAY_MS ? Math.min(10, Math.floor(DAY_MS / stepMs / 2)) : 0,
    weeklyOrder: hasWeeks ? 3 : 0,
    slotPeriodMs: stepMs < slotPeriodMs ? slotPeriodMs : 0,
    trendOrigin: end,
    trendScale: Math.max(end - start, DAY_MS),
    ...(calendar && calendar.days.length > 0 ? { calendar } : {}),
  };
}

export function layoutOf(spec: DesignSpec): DesignLayout {
  const names = ['intercept', 'trend'];
  const groups: FeatureGroup[] = ['intercept', 'trend'];
  for (let k = 1; k <= spec.dailyOrder; k++) {
    names.push(`daily_sin${k}`, `daily_cos${k}`);
    groups.push('daily', 'daily');
  }
  for (let k = 1; k <= spec.weeklyOrder; k++) {
    names.push(`weekly_sin${k}`, `weekly_cos${k}`);
    groups.push('weekly', 'weekly');
  }
  const slots = spec.slotPeriodMs > 0 ? Math.round(spec.slotPeriodMs / spec.stepMs) : 0;
  for (let s = 0; s < slots; s++) {
    names.push(`slot_${s}`);
    groups.push('slot');
  }
  if (spec.calendar) {
    for (const name of CALENDAR_FEATURES) {
      names.push(name);
      groups.push('calendar');
    }
  }
  return { names, groups };
}

/** Holiday and event effects: levels, a holiday's own daily shape, and the days around them. */
const CALENDAR_FEATURES = [
  'holiday',
  'holiday_daily_sin1',
  'holiday_daily_cos1',
  'holiday_daily_sin2',
  'holiday_daily_cos2',
  'event',
  'day_before',
  'day_after',
];
const NO_EVENTS: EventFlags = { holiday: false, event: false, dayBefore: false, dayAfter: false };
const indicators = new WeakMap<EventCalendar, (ms: number) => Readonly<EventFlags>>();

function flagsAt(t: number, spec: DesignSpec): Readonly<EventFlags> {
  if (!spec.calendar) return NO_EVENTS;
  let indicator = indicators.get(spec.calendar);
  if (!indicator) {
    indicator = eventIndicator(spec.calendar, spec.zone);
    indicators.set(spec.calendar, indicator);
  }
  return indicator(t);
}

/** Writes the feature row for instant `t` into `out` (length = layout size). */
export function designRow(t: number, spec: DesignSpec, out: Float64Array): void {
  out.fill(0);
  const c = localClock(t, spec.zone);
  const flags = flagsAt(t, spec);
  const minuteOfDay = c.hour * 60 + c.minute;
  const dayPhase = minuteOfDay / 1440;
  const weekPhase = (c.dayOfWeek * 1440 + minuteOfDay) / 10080;
  let j = 0;
  out[j++] = 1;
  out[j++] = (t - spec.trendOrigin) / spec.trendScale;
  for (let k = 1; k <= spec.dailyOrder; k++) {
    out[j++] = Math.sin(2 * Math.PI * k * dayPhase);
    out[j++] = Math.cos(2 * Math.PI * k * dayPhase);
  }
  for (let k = 1; k <= spec.weeklyOrder; k++) {
    out[j++] = Math.sin(2 * Math.PI * k * weekPhase);
    out[j++] = Math.cos(2 * Math.PI * k * weekPhase);
  }
  if (spec.slotPeriodMs > 0) {
    const phase = spec.slotPeriodMs === WEEK_MS ? weekPhase : dayPhase;
    const slots = Math.round(spec.slotPeriodMs / spec.stepMs);
    out[j + Math.min(slots - 1, Math.floor(phase * slots + 1e-9))] = 1;
    j += slots;
  }
  if (spec.calendar) {
    const holiday = flags.holiday ? 1 : 0;
    out[j++] = holiday;
    for (let k = 1; k <= 2; k++) {
      out[j++] = holiday * Math.sin(2 * Math.PI * k * dayPhase);
      out[j++] = holiday * Math.cos(2 * Math.PI * k * dayPhase);
    }
    out[j++] = flags.event ? 1 : 0;
    out[j++] = flags.dayBefore ? 1 : 0;
    out[j++] = flags.dayAfter ? 1 : 0;
  }
}
