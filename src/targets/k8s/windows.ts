import { DateTime } from 'luxon';
import type { Segment } from '../../schedule/timeline.js';
import {
  clock,
  cronDays,
  DAY_MINUTES,
  WEEK_MINUTES,
  type WeeklyProfile,
} from '../../schedule/weekly.js';
import { wallTimeInstants } from './cron.js';
import { minOf } from '../../util/extremes.js';

const MINUTE_MS = 60_000;

/**
 * A band of the plan: `replicas` from `start` for `duration` (minutes of the local week for a
 * weekly profile, epoch milliseconds for a dated plan). Bands nest: the plan at any time is the
 * floor or the highest band that covers it.
 */
export interface Band {
  start: number;
  duration: number;
  replicas: number;
}

/**
 * The fewest bands whose highest level reproduces the segments above `floor` exactly. For each
 * level c above the floor, every stretch where the plan is at least c and somewhere exactly c
 * becomes one band at c: e.g. 09–18 at 5 and 12–13 at 7, rather than three adjacent pieces. This
 * is minimal: a time at level c needs a band of exactly c over it, and a band at c cannot cross a
 * time below c, so each such stretch needs its own band and one suffices.
 */
export function bandsOf(segments: Segment[], floor: number, circular: boolean): Band[] {
  const bands: Band[] = [];
  const n = segments.length;
  const levels = [...new Set(segments.map((s) => s.capacity))].filter((c) => c > floor);
  for (const level of levels.sort((a, b) => a - b)) {
    // Start right after a segment below the level, so a circular stretch is not cut in two.
    const first = circular ? segments.findIndex((s) => s.capacity < level) + 1 : 0;
    let run: Segment[] = [];
    const close = () => {
      if (run.some((s) => s.capacity === level)) {
        bands.push({
          start: run[0].start,
          duration: run.reduce((sum, s) => sum + s.duration, 0),
          replicas: level,
        });
      }
      run = [];
    };
    for (let k = 0; k < n; k++) {
      const segment = segments[(first + k) % n];
      if (segment.capacity >= level) run.push(segment);
      else close();
    }
    close();
  }
  return bands.sort((a, b) => a.replicas - b.replicas || a.start - b.start);
}

/** The lowest level of a plan: the floor that minReplicaCount (or the HPA's minimum) holds. */
export function floorOf(segments: Segment[]): number {
  return minOf(segments.map((s) => s.capacity));
}

/** A KEDA cron trigger: active from each `start` firing to the next `end` firing. */
export interface CronWindow {
  /** Stable, descriptive, unique within the object: headroom-weekdays-0855-5. */
  name: string;
  start: string;
  end: string;
  replicas: number;
  /** For people: "Mon–Fri 08:55–18:00". */
  description: string;
}

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** ISO weekdays as a name part: daily, weekdays, weekends, or two-letter days ("mowefr"). */
export function daysTag(days: number[]): string {
  const key = [...days].sort((a, b) => a - b).join('');
  if (key === '1234567') return 'daily';
  if (key === '12345') return 'weekdays';
  if (key === '67') return 'weekends';
  return days.map((d) => DAY_NAMES[d - 1].slice(0, 2).toLowerCase()).join('');
}

/** ISO weekdays for people: "Mon–Fri", "Sat, Sun", "daily". */
export function daysText(days: number[]): string {
  if (days.length === 7) return 'daily';
  const parts: string[] = [];
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j] + 1) j++;
    parts.push(
      j - i >= 2
        ? `${DAY_NAMES[days[i] - 1]}–${DAY_NAMES[days[j] - 1]}`
        : days
            .slice(i, j + 1)
            .map((d) => DAY_NAMES[d - 1])
            .join(', '),
    );
    i = j + 1;
  }
  return parts.join(', ');
}

const pad = (n: number) => String(n).padStart(2, '0');
const cronTime = (minuteOfDay: number) => `${minuteOfDay % 60} ${Math.floor(minuteOfDay / 60)}`;

/**
 * Weekly bands as cron windows: bands on several days with the same local times and level share
 * one trigger with a day-of-week list; a band that crosses midnight (or lasts days) ends on the
 * day it ends, so start and end always alternate.
 */
export function weeklyWindows(profile: WeeklyProfile, floor: number): CronWindow[] {
  const groups = new Map<string, { band: Band; days: number[] }>();
  for (const band of bandsOf(profile.segments, floor, true)) {
    const start = band.start % WEEK_MINUTES;
    const key = `${start % DAY_MINUTES}/${band.duration}/${band.replicas}`;
    const day = Math.floor(start / DAY_MINUTES) + 1;
    const group = groups.get(key);
    if (group) group.days.push(day);
    else groups.set(key, { band: { ...band, start }, days: [day] });
  }
  const windows = [...groups.values()].map(({ band, days }) => {
    days.sort((a, b) => a - b);
    const startOfDay = band.start % DAY_MINUTES;
    const endAt = startOfDay + band.duration;
    const shift = Math.floor(endAt / DAY_MINUTES);
    const endDays = days.map((d) => ((d - 1 + shift) % 7) + 1).sort((a, b) => a - b);
    const endOfDay = endAt % DAY_MINUTES;
    const from = `${daysText(days)} ${clock(startOfDay)}`;
    const description =
      shift === 0
        ? `${from}–${clock(endOfDay)}`
        : shift === 1 && endOfDay === 0
          ? `${from}–24:00`
          : days.length === 1
            ? `${from} – ${DAY_NAMES[endDays[0] - 1]} ${clock(endOfDay)}`
            : `${from} – ${clock(endOfDay)} ${shift === 1 ? 'next day' : `${shift} days later`}`;
    return {
      window: {
        name: `headroom-${daysTag(days)}-${clock(startOfDay).replace(':', '')}-${band.replicas}`,
        start: `${cronTime(startOfDay)} * * ${cronDays(days)}`,
        end: `${cronTime(endOfDay)} * * ${cronDays(endDays)}`,
        replicas: band.replicas,
        description,
      },
      order: [band.replicas, days[0], startOfDay],
    };
  });
  return windows
    .sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1] || a.order[2] - b.order[2])
    .map((w) => w.window);
}

export interface Wall {
  year: number;
  month: number;
  day: number;
  minute: number;
}

function wallOf(t: number, zone: string): Wall {
  const d = DateTime.fromMillis(t, { zone });
  return { year: d.year, month: d.month, day: d.day, minute: d.hour * 60 + d.minute };
}

/** The local wall time at which a cron must fire to happen no earlier than `t`. */
export function wallNotBefore(t: number, zone: string): Wall {
  let wall = wallOf(t, zone);
  // Inside a DST fold the wall time comes twice and cron fires at the first: wait for the fold to end.
  for (let probe = t; ; probe += MINUTE_MS) {
    wall = wallOf(probe, zone);
    const first = wallTimeInstants(zone, wall.year, wall.month, wall.day, wall.minute)[0];
    if (first === undefined || first >= t) return wall;
  }
}

/**
 * The local wall time at which a KEDA window must start to be active from `t`: KEDA starts a
 * window at the last firing of its start, and a wall time in a DST fold fires twice.
 */
export function wallNotAfter(t: number, zone: string): Wall {
  for (let probe = t; ; probe -= MINUTE_MS) {
    const wall = wallOf(probe, zone);
    const last = wallTimeInstants(zone, wall.year, wall.month, wall.day, wall.minute).at(-1);
    if (last === undefined || last <= t) return wall;
  }
}

/**
 * Dated bands (epoch ms) as cron windows for one date each ("0 9 14 3 *"): bands at the same
 * local times and level within one month share a trigger with a day-of-month list. Cron has no
 * year, so the window would come back on the same date next year: push again before then.
 */
export function datedWindows(bands: Band[], zone: string): CronWindow[] {
  const groups = new Map<string, { start: Wall; end: Wall; replicas: number; days: number[] }>();
  for (const band of bands) {
    const start = wallNotAfter(band.start, zone);
    // An end that a DST fold repeats is fine: the window stays active until its last firing.
    const end = wallOf(band.start + band.duration, zone);
    const offset = Math.round(
      (Date.UTC(end.year, end.month - 1, end.day) -
        Date.UTC(start.year, start.month - 1, start.day)) /
        (DAY_MINUTES * MINUTE_MS),
    );
    const key = [
      start.year,
      start.month,
      end.month,
      start.minute,
      end.minute,
      offset,
      band.replicas,
    ];
    const group = groups.get(key.join('/'));
    if (group) group.days.push(start.day);
    else groups.set(key.join('/'), { start, end, replicas: band.replicas, days: [start.day] });
  }
  return [...groups.values()].map(({ start, end, replicas, days }) => {
    const endDays = days.map((d) => d + (end.day - start.day));
    const month = (w: Wall) => DateTime.utc(w.year, w.month, 1).toFormat('LLL');
    const date = (w: Wall, d: number) => `${w.year}-${pad(w.month)}-${pad(d)}`;
    const startText =
      days.length === 1
        ? date(start, days[0])
        : `${date(start, days[0])}…${pad(days[days.length - 1])}`;
    const sameDay = end.day === start.day && end.month === start.month;
    return {
      name: `headroom-${start.year}${pad(start.month)}${pad(days[0])}-${clock(start.minute).replace(':', '')}-${replicas}`,
      start: `${cronTime(start.minute)} ${days.join(',')} ${start.month} *`,
      end: `${cronTime(end.minute)} ${endDays.join(',')} ${end.month} *`,
      replicas,
      description: `${startText} ${clock(start.minute)}–${sameDay ? '' : `${month(end)} ${end.day} `}${clock(end.minute)}`,
    };
  });
}
