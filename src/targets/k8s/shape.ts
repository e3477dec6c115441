import {
  fewestRuns,
  fillShortDips,
  segmentsOf,
  type Segment,
  type Timeline,
} from '../../schedule/timeline.js';
import {
  compactWeekly,
  cronRules,
  weeklyProfile,
  type WeeklyProfile,
} from '../../schedule/weekly.js';
import { avoidDstRanges, dstMovedNote, dstRanges } from '../../schedule/dst.js';

const MINUTE_MS = 60_000;

export interface ShapeOptions {
  minHoldMs: number;
  /** Most cron objects (triggers or CronJobs) the result may need… */
  maxCount: number;
  /** …as the format counts them for a candidate. */
  count: (segments: Segment[], circular: boolean) => number;
  /** How the target fires cron in a DST fold (see avoidDstRanges). */
  semantics: 'keda' | 'cronjob';
}

/** A weekly local-time profile fitted to the format's limit, clear of DST gaps and folds. */
export interface WeeklyShape {
  kind: 'weekly';
  profile: WeeklyProfile;
  /** How many cron objects it needs (see ShapeOptions.count). */
  count: number;
  notes: string[];
}

/** The plan's own dates (epoch-ms segments), fitted to the limit. */
export interface DatedShape {
  kind: 'dated';
  segments: Segment[];
  end: number;
  count: number;
  notes: string[];
}

/**
 * Folds a (lead-time-adjusted) plan of at least a week onto one local week, fills dips shorter
 * than the minimum hold, and then, while the format needs more cron objects than allowed, fits
 * it into fewer recurring changes (compactWeekly: the least extra server-time). Changes that DST
 * would skip or repeat are moved out of the way last (see avoidDstRanges).
 */
export function weeklyShape(timeline: Timeline, zone: string, options: ShapeOptions): WeeklyShape {
  const folded = weeklyProfile(timeline, zone);
  const ranges = dstRanges(zone, timeline.steps[0].start);
  const minHoldMinutes = options.minHoldMs / MINUTE_MS;
  const attempt = (limit: number) => {
    const compacted = compactWeekly(folded, { limit, minHoldMinutes });
    if (!compacted) return undefined;
    const { profile, moved } = avoidDstRanges(compacted, ranges, options.semantics);
    return { profile, moved, count: options.count(profile.segments, true) };
  };
  const rules = cronRules(folded).length;
  let best = attempt(Infinity)!;
  if (best.count > options.maxCount) {
    // The largest rule budget whose result fits (the count falls, if not strictly, with it).
    let lo = 1;
    let hi = cronRules(best.profile).length - 1;
    let fit = attempt(1)!;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const tried = attempt(mid);
      if (tried && tried.count <= options.maxCount) {
        lo = mid;
        fit = tried;
      } else hi = mid - 1;
    }
    best = fit;
  }
  const notes: string[] = [];
  const compactedRules = cronRules(best.profile).length;
  if (compactedRules < rules) {
    notes.push(
      `fitted the plan's ${rules} weekly changes into ${compactedRules} (dips under --min-hold filled, fewer changes for the limit; never below the plan)`,
    );
  }
  const moved = dstMovedNote(best.moved, zone);
  if (moved) notes.push(moved);
  return { kind: 'weekly', profile: best.profile, count: best.count, notes };
}

/**
 * The plan's own dates: dips shorter than the minimum hold filled, then, while the format needs
 * more cron objects than allowed, the fewest runs that fit (fewestRuns: the least extra
 * server-time, never below the plan).
 */
export function datedShape(timeline: Timeline, options: ShapeOptions): DatedShape {
  const filled = fillShortDips(segmentsOf(timeline), options.minHoldMs);
  const { runs } = fewestRuns(filled, filled.length);
  let segments = filled;
  let count = options.count(segments, false);
  for (let m = filled.length - 1; m >= 1 && count > options.maxCount; m--) {
    segments = runs(m);
    count = options.count(segments, false);
  }
  const notes: string[] = [];
  const changes = segmentsOf(timeline).length;
  if (segments.length < changes) {
    notes.push(
      `fitted the plan's ${changes} steps into ${segments.length} (dips under --min-hold filled, fewer changes for the limit; never below the plan)`,
    );
  }
  return { kind: 'dated', segments, end: timeline.end, count, notes };
}
