/**
 * A service's settings as the plan reads them: the config's values over the table's defaults,
 * the settings table's keys typed as the config's zod rules gave them; and the checks across
 * settings (the ones the config schema cannot make key by key) run when the config is read, so a
 * service that cannot be planned is reported with its file and line before any work starts.
 */
import { UserError } from '../errors.js';
import {
  capacitySettings,
  forecastRequest,
  ingestOptions,
  parseSettings,
  type SettingValues,
} from '../settings/parse.js';
import { flagName, SETTINGS } from '../settings/table.js';
import { planKeys } from './schema.js';

/** A config value as commander would hand the flag over: switches stay booleans. */
export const asFlagValue = (value: unknown) => (typeof value === 'boolean' ? value : String(value));

/**
 * The plan keys of a service (defaults merged in) as a plan takes them: the settings table's as
 * the config typed them (parseSettings takes those as they are), the few others (leadTime,
 * maxStaleness, unit, charts) as their flags would give them.
 */
export function planValuesOf(service: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(service)
      .filter(([key, value]) => key in planKeys && value !== undefined)
      .map(([key, value]) => [key, key in SETTINGS ? value : asFlagValue(value)]),
  );
}

const FLAG_TO_KEY = new Map(
  Object.entries(SETTINGS).map(([key, s]) => [flagName(s), key] as const),
);

/** A message about flags, reworded for a config: `--min-servers` becomes `minServers`. */
function inConfigWords(message: string): string {
  return message.replace(/--[a-z][a-z-]*/g, (flag) => FLAG_TO_KEY.get(flag) ?? flag);
}

/**
 * What is wrong with a service's settings taken together (with the table's defaults for what it
 * does not set), in the config's words; undefined when it can be planned.
 */
export function serviceSettingsProblem(service: object): string | undefined {
  try {
    const typed = parseSettings(planValuesOf(service) as SettingValues);
    ingestOptions(typed);
    forecastRequest(typed);
    capacitySettings(typed);
    return undefined;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return inConfigWords(error.message) + (error.hint ? ` (${inConfigWords(error.hint)})` : '');
  }
}
