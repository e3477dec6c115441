/**
 * A service's settings as the plan reads them: the config's typed values, as the flags would give
 * them, over the table's defaults; and the checks across settings (the ones the config schema
 * cannot make key by key) run when the config is read, so a service that cannot be planned is
 * reported with its file and line before any work starts.
 */
import { UserError } from '../errors.js';
import {
  capacitySettings,
  forecastRequest,
  ingestOptions,
  type RawOptions,
} from '../settings/parse.js';
import { SETTINGS } from '../settings/table.js';
import { planKeys } from './schema.js';

/** A config value as commander would hand the flag over: switches stay booleans. */
export const asFlagValue = (value: unknown) => (typeof value === 'boolean' ? value : String(value));

/** The plan keys of a service (defaults merged in) as flag values. */
export function flagValuesOf(service: object): Record<string, string | boolean> {
  return Object.fromEntries(
    Object.entries(service)
      .filter(([key, value]) => key in planKeys && value !== undefined)
      .map(([key, value]) => [key, asFlagValue(value)]),
  );
}

const TABLE_DEFAULTS = Object.fromEntries(
  Object.entries(SETTINGS)
    .filter(([, s]) => 'default' in s && s.default !== undefined)
    .map(([key, s]) => [key, (s as { default: string }).default]),
);

const FLAG_TO_KEY = new Map(
  Object.entries(SETTINGS).map(([key, s]) => [s.flag.split(' ')[0], key] as const),
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
  const raw = { ...TABLE_DEFAULTS, ...flagValuesOf(service) } as unknown as RawOptions;
  try {
    ingestOptions(raw);
    forecastRequest(raw);
    capacitySettings(raw);
    return undefined;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return inConfigWords(error.message) + (error.hint ? ` (${inConfigWords(error.hint)})` : '');
  }
}
