/**
 * Actions whose names start with the prefix belong to headroom: it updates and deletes them. An
 * empty prefix (an unset variable in CI: `--prefix "$UNSET"`) or a very short one would take over
 * the group's other actions, so both the flag and the config key refuse it.
 */
export const MIN_PREFIX_LENGTH = 3;

export const PREFIX_RULE = `needs at least ${MIN_PREFIX_LENGTH} characters other than spaces, or it would take over the group's other actions`;

export const PREFIX_HINT =
  "keep the default 'headroom-' or choose a distinctive one such as 'headroom-web-'; in CI, check that the variable you pass is set";

export function acceptablePrefix(prefix: string): boolean {
  return prefix.trim().length >= MIN_PREFIX_LENGTH;
}
