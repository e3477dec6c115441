/**
 * A schedule is a forecast from the history it learned from. When that history stopped coming in
 * (a nightly export that broke), pushing it again keeps an old pattern in place forever; when it
 * ends in the future (one row stamped wrongly), the plan starts in the future. Every push checks
 * when the history ended (and refuses), and `plan` warns.
 */
import type { Series, Warning } from '../types.js';
import { describeDuration, formatDuration, parseDuration } from '../util/duration.js';
import { formatShort } from '../util/time.js';

export const DEFAULT_MAX_STALENESS = '2d';

/** How every message about a stale history starts (a fleet counts its services by it). */
export const STALE_HISTORY = "the history's last timestamp is";

/** Where a history ends: the end of its last interval (epoch ms), its interval and its zone. */
export interface HistoryEnd {
  end: number;
  stepMs: number;
  zone: string;
}

/**
 * How far after `now` a history may end before it is called wrong: a day, so that local times
 * read as UTC (up to 14 hours ahead) and clocks a little apart pass.
 */
export const FUTURE_TOLERANCE_MS = 86_400_000;

/** What is wrong with when a history ends, for a message, and how to put it right. */
export interface HistoryAge {
  message: string;
  /** Ends after now: a row stamped in the future, not a feed that stopped. */
  future: boolean;
}

/**
 * What to say when the history's last timestamp is more than `maxMs` before `now`, or more than a
 * day after it; undefined when it is current.
 */
export function staleHistoryMessage(
  history: HistoryEnd,
  now: number,
  maxMs: number,
): HistoryAge | undefined {
  const last = history.end - history.stepMs;
  const when = `${STALE_HISTORY} ${formatShort(last, history.zone)} ${history.zone}`;
  const age = now - last;
  if (-age > FUTURE_TOLERANCE_MS) {
    return {
      message: `${when}, ${describeDuration(-age)} from now: a row stamped in the future (or this machine's clock is wrong), so the plan starts there`,
      future: true,
    };
  }
  if (age <= maxMs) return undefined;
  return {
    message: `${when}, ${describeDuration(age)} ago (more than --max-staleness ${formatDuration(maxMs)})`,
    future: false,
  };
}

/**
 * `plan`'s warning for a history whose last timestamp is older than `maxStaleness` (default 2d):
 * `push` would refuse what it plans.
 */
export function staleHistoryWarning(
  series: Pick<Series, 'start' | 'stepMs' | 'values'>,
  zone: string,
  now: number,
  maxStaleness = DEFAULT_MAX_STALENESS,
): Warning | undefined {
  const end = series.start + series.values.length * series.stepMs;
  const maxMs = parseDuration(maxStaleness, '--max-staleness');
  const stale = staleHistoryMessage({ end, stepMs: series.stepMs, zone }, now, maxMs);
  if (!stale) return undefined;
  return {
    code: 'stale-history',
    count: 1,
    message: `${stale.message}: \`push\` refuses a plan from it (exit 4; --force overrides). ${stale.future ? 'Correct or drop that row' : 'Plan from recent data'}`,
  };
}
