import { HOUR_MS } from '../util/duration.js';
import { formatReadable } from '../util/format.js';

/** More servers than this is a mistaken setting (or unit), not a plan. */
export const MAX_SERVERS = 1_000_000;

/**
 * The one wording, in every output, of the intervals that need more than --max-servers: they are
 * planned at it, short of what the risk budget asks. `stepMs` adds the hours they cover.
 */
export function cappedText(steps: number, maxServers?: number, stepMs?: number): string {
  const hours =
    stepMs !== undefined ? ` (${formatReadable((steps * stepMs) / HOUR_MS)} hours)` : '';
  const limit = maxServers !== undefined ? ` ${maxServers}` : '';
  return `${steps} interval(s)${hours} need more than --max-servers${limit}: planned at it, above the target utilisation whatever the risk budget`;
}
