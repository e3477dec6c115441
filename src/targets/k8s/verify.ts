import { capacityAt, normalize, type Timeline } from '../../schedule/timeline.js';
import {
  cronExpression,
  cronRules,
  DAY_MINUTES,
  WEEK_MINUTES,
  type WeeklyProfile,
} from '../../schedule/weekly.js';
import { cronFirings, isWeekly, ZoneClock } from './cron.js';
import { lastAtOrBefore, nextAfter } from '../../util/sorted.js';

const DAY_MS = 86_400_000;
/**
 * How far past the checked range cron firings are looked up to find the next one: a day-of-week
 * cron fires within a week, a dated one comes back a year later.
 */
const lookahead = (expression: string) => (isWeekly(expression) ? 8 : 370) * DAY_MS;

export interface CronTrigger {
  start: string;
  end: string;
  replicas: number;
}

/** A step function sampled at every time where it may change. */
function timelineAt(events: number[], from: number, to: number, value: (t: number) => number) {
  const times = [...new Set([from, ...events.filter((t) => t > from && t < to)])].sort(
    (a, b) => a - b,
  );
  return { end: to, steps: normalize(times.map((start) => ({ start, capacity: value(start) }))) };
}

/**
 * The replicas a KEDA ScaledObject holds over [from, to): the largest of minReplicaCount and the
 * desiredReplicas of every active cron trigger, capped at maxReplicaCount (reactive triggers can
 * only add to this). A cron trigger is active, as KEDA's cron scaler decides, when its next `end`
 * firing comes no later than its next `start` firing.
 */
export function kedaReplicas(
  spec: { floor: number; max: number; triggers: CronTrigger[]; zone: string },
  from: number,
  to: number,
): Timeline {
  const clock = new ZoneClock(spec.zone, from, to + lookahead('0 0 1 1 *'));
  const firings = spec.triggers.map((t) => ({
    starts: cronFirings(t.start, clock, from, to + lookahead(t.start)),
    ends: cronFirings(t.end, clock, from, to + lookahead(t.end)),
    replicas: t.replicas,
  }));
  const events = firings.flatMap((f) => [...f.starts, ...f.ends]);
  return timelineAt(events, from, to, (t) => {
    let replicas = spec.floor;
    for (const f of firings) {
      if (nextAfter(f.ends, t) <= nextAfter(f.starts, t)) replicas = Math.max(replicas, f.replicas);
    }
    return Math.min(replicas, spec.max);
  });
}

/**
 * The minimum replicas that CronJobs setting an HPA's minReplicas hold over [from, to): whatever
 * the latest job to fire set. Firings from a week before `from` give the level at `from`.
 */
export function cronJobReplicas(
  spec: { rules: { schedule: string; replicas: number }[]; zone: string },
  from: number,
  to: number,
): Timeline {
  const clock = new ZoneClock(spec.zone, from - 8 * DAY_MS, to);
  const firings = spec.rules.map((r) => ({
    times: cronFirings(r.schedule, clock, from - 8 * DAY_MS, to),
    replicas: r.replicas,
  }));
  const events = firings.flatMap((f) => f.times);
  return timelineAt(events, from, to, (t) => {
    let latest = -Infinity;
    let replicas = 0;
    for (const f of firings) {
      const fired = lastAtOrBefore(f.times, t);
      if (fired !== undefined && fired > latest) {
        latest = fired;
        replicas = f.replicas;
      }
    }
    return replicas;
  });
}

/** A weekly local-time profile over [from, to) as instants, through DST changes. */
export function profileReplicas(profile: WeeklyProfile, from: number, to: number): Timeline {
  const clock = new ZoneClock(profile.timezone, from, to);
  const events = [
    ...cronRules(profile).flatMap((rule) => cronFirings(cronExpression(rule), clock, from, to)),
    ...clock.transitions().map((tr) => tr.at),
  ];
  const { segments } = profile;
  const at = (minute: number) => {
    for (const s of segments) {
      const offset = (((minute - s.start) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
      if (offset < s.duration) return s.capacity;
    }
    return segments[0].capacity;
  };
  return timelineAt(events, from, to, (t) => {
    const local = clock.local(t);
    return at((local.weekday - 1) * DAY_MINUTES + local.minute);
  });
}

export interface Comparison {
  /** Stretches where `actual` is below `required`: must be empty. */
  short: { start: number; end: number; have: number; need: number }[];
  /** Stretches where `actual` is above `required` (cost, not risk). */
  over: { start: number; end: number; have: number; need: number }[];
  /** Server-milliseconds `required` asks for, and how many more `actual` holds. */
  requiredMs: number;
  extraMs: number;
}

/** Compares two step functions over [from, to). */
export function compareTimelines(
  actual: Timeline,
  required: Timeline,
  from: number,
  to: number,
): Comparison {
  const times = [
    ...new Set([
      from,
      ...[...actual.steps, ...required.steps].map((s) => s.start).filter((t) => t > from && t < to),
    ]),
  ].sort((a, b) => a - b);
  const result: Comparison = { short: [], over: [], requiredMs: 0, extraMs: 0 };
  times.forEach((start, i) => {
    const end = times[i + 1] ?? to;
    const have = capacityAt(actual, start);
    const need = capacityAt(required, start);
    result.requiredMs += need * (end - start);
    result.extraMs += Math.max(0, have - need) * (end - start);
    const list = have < need ? result.short : have > need ? result.over : undefined;
    if (!list) return;
    const last = list[list.length - 1];
    if (last && last.end === start && last.have === have && last.need === need) last.end = end;
    else list.push({ start, end, have, need });
  });
  return result;
}
