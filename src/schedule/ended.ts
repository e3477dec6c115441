import { GuardrailError } from '../errors.js';

/** Dated changes must start in the future: the plan must end at least this long after now. */
export const START_MARGIN_MS = 2 * 60_000;

/**
 * Refuses to push a plan's own dates when the plan ended before now (plus the margin): nothing of
 * it is left to schedule. Like a stale history, an out-of-date plan rather than bad input, so it is
 * a guardrail's refusal (exit 4), but one that --force cannot override: the dates have passed.
 * `consequence` says why that is refused, `hint` what to do instead.
 */
export function refuseEndedPlan(end: number, now: number, consequence: string, hint: string) {
  if (end > now + START_MARGIN_MS) return;
  throw new GuardrailError(
    `the schedule ended ${new Date(end).toISOString()}, before now: ${consequence} (--force cannot push dates that have passed)`,
    hint,
  );
}
