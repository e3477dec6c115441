/**
 * Every server count depends on --capacity-per-server: a run that falls back on the placeholder
 * says so as a warning, not a note, and says what a utilisation series needs.
 */
import type { Settings } from '../settings/parse.js';
import type { CapacitySettings, Warning } from '../types.js';

/** Names of a value column that look like a utilisation in %, which does not grow with servers. */
const UTILISATION = /cpu|util|usage|percent|pct|%/i;

/** The warning for an assumed capacity (with `detail` after it), or undefined when it was given. */
export function assumedCapacityWarning(
  typed: Settings,
  settings: CapacitySettings,
  valueColumn: string,
  detail = '',
): Warning | undefined {
  // With --current-servers or --servers-column the load is in % of one server: 100 per server is the rule, not a guess.
  const perServer = typed.currentServers !== undefined || typed.serversColumn !== undefined;
  if (typed.capacityPerServer !== undefined || perServer) return undefined;
  const assumed = `assuming --capacity-per-server ${settings.capacityPerServer} (a placeholder); set it to the load one server handles at 100%`;
  const utilisation = UTILISATION.test(valueColumn)
    ? `; '${valueColumn}' looks like a utilisation: a fleet's average CPU % does not grow with servers, so give the servers it was averaged over with --current-servers N or --servers-column NAME (or read the total with --cloudwatch-group)`
    : '';
  return { code: 'assumed-capacity', count: 1, message: assumed + detail + utilisation };
}
