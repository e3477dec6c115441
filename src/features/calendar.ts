import { DateTime } from 'luxon';

/** Local calendar fields of an instant; `dayOfWeek` counts Monday as 0, as the first design did. */
export interface CalendarFields {
  hour: number;
  minute: number;
  dayOfWeek: number;
  dayOfMonth: number;
  month: number;
}

export function calendarFields(ms: number, zone: string): CalendarFields {
  if (zone === 'UTC') {
    const d = new Date(ms);
    return {
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      dayOfWeek: (d.getUTCDay() + 6) % 7,
      dayOfMonth: d.getUTCDate(),
      month: d.getUTCMonth() + 1,
    };
  }
  const d = DateTime.fromMillis(ms, { zone });
  return {
    hour: d.hour,
    minute: d.minute,
    dayOfWeek: d.weekday - 1,
    dayOfMonth: d.day,
    month: d.month,
  };
}

/** The first design's five features, in its order. */
export const FIRST_DESIGN_FEATURES = ['hour', 'day_of_week', 'day_of_month', 'month', 'is_weekend'];

export function firstDesignRow(ms: number, zone: string): number[] {
  const c = calendarFields(ms, zone);
  return [c.hour, c.dayOfWeek, c.dayOfMonth, c.month, c.dayOfWeek >= 5 ? 1 : 0];
}
