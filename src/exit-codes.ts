/**
 * Exit codes: 0 success, 1 an internal error (a bug), 2 bad usage or bad input, 3 a remote API
 * (AWS, Kubernetes) refused or partly failed a change, 4 a guardrail refused the plan (see
 * --force), 5 some services of a fleet failed while the others were planned, 6 `review
 * --fail-over-budget` found more hours above 100% of capacity than the plan's budget, 7 `push
 * --exit-code`: changes are pending (the target does not hold the plan yet), 130 a push stopped
 * by SIGINT (Ctrl-C) after the call in flight, 143 the same for SIGTERM (128 + the signal's
 * number, as shells report a process a signal ended).
 */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  remote: 3,
  refused: 4,
  someFailed: 5,
  overBudget: 6,
  pending: 7,
  interrupted: 130,
  terminated: 143,
} as const;
