import { DateTime } from 'luxon';
import { countAtOrBefore } from './sorted.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * A zone's UTC offsets over a range, from its transitions found once: offset lookups are then a
 * binary search instead of a call into Intl (which the checks here make hundreds of thousands of).
 */
export class ZoneClock {
  private readonly starts: number[] = [];
  private readonly offsets: number[] = [];

  constructor(
    readonly zone: string,
    private readonly from: number,
    private readonly to: number,
  ) {
    const offsetAt = (t: number) => DateTime.fromMillis(t, { zone }).offset;
    this.starts.push(-Infinity);
    this.offsets.push(offsetAt(from));
    for (let day = from; day < to; day += DAY_MS) {
      const next = Math.min(day + DAY_MS, to);
      const before = offsetAt(day);
      const after = offsetAt(next);
      if (before === after) continue;
      let lo = day;
      let hi = next;
      while (hi - lo > MINUTE_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
        if (offsetAt(mid) === before) lo = mid;
        else hi = mid;
      }
      this.starts.push(hi);
      this.offsets.push(after);
    }
  }

  /** The UTC offset at `t`, in minutes. */
  offset(t: number): number {
    if (t < this.from - DAY_MS || t > this.to + DAY_MS) {
      return DateTime.fromMillis(t, { zone: this.zone }).offset;
    }
    return this.offsets[Math.max(0, countAtOrBefore(this.starts, t) - 1)];
  }

  /** The offset changes in the range: at `at` the offset goes from `before` to `after`. */
  transitions(): { at: number; before: number; after: number }[] {
    return this.starts
      .slice(1)
      .map((at, i) => ({ at, before: this.offsets[i], after: this.offsets[i + 1] }));
  }

  /** Local calendar fields of an instant. */
  local(t: number) {
    const d = new Date(t + this.offset(t) * MINUTE_MS);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      /** ISO weekday, 1 = Monday. */
      weekday: ((d.getUTCDay() + 6) % 7) + 1,
      minute: d.getUTCHours() * 60 + d.getUTCMinutes(),
    };
  }

  /**
   * The instants at which a local wall-clock time occurs: none when a DST gap skips it, two when
   * a DST fold repeats it, otherwise one. (Luxon alone would move a skipped time forward and pick
   * one side of a repeated one; cron does neither.)
   */
  instants(year: number, month: number, day: number, minuteOfDay: number): number[] {
    const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
    const found: number[] = [];
    for (const offset of new Set([wall - DAY_MS, wall, wall + DAY_MS].map((p) => this.offset(p)))) {
      const instant = wall - offset * MINUTE_MS;
      if (this.offset(instant) === offset && !found.includes(instant)) found.push(instant);
    }
    return found.sort((a, b) => a - b);
  }
}
