/**
 * A schedule is a forecast from the history it learned from. When that history stopped coming in
 * (a nightly export that broke), pushing it again keeps an old pattern in place forever: every
 * push checks how long ago the history ended (and refuses), and `plan` warns.
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
 * What to say when the history's last timestamp is more than `maxMs` before `now`; undefined when
 * it is recent enough.
 */
export function staleHistoryMessage(
  history: HistoryEnd,
  now: number,
  maxMs: number,
): string | undefined {
  const last = history.end - history.stepMs;
  const age = now - last;
  if (age <= maxMs) return undefined;
  return `${STALE_HISTORY} ${formatShort(last, history.zone)} ${history.zone}, ${describeDuration(age)} ago (more than --max-staleness ${formatDuration(maxMs)})`;
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
    message: `${stale}: \`push\` refuses a plan from it (exit 4; --force overrides). Plan from recent data`,
  };
}
