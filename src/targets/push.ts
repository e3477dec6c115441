import { appendFile } from 'node:fs/promises';
import { EXIT } from '../exit-codes.js';
import { exitCodeFor, whileApplying } from '../util/interrupt.js';
import type { ApplyOutcomeBase, PushResult, PushTarget } from './target.js';

export interface PushRun {
  /** --apply: change the target; without it, a dry run. */
  apply: boolean;
  /** Where the report's Markdown goes ($GITHUB_STEP_SUMMARY). */
  stepSummary?: string;
  /**
   * --exit-code: exit EXIT.pending when the target does not hold the plan after this run (a dry
   * run with changes, or with changes it could not compare); 0 when it does (nothing to change, or
   * all of it applied).
   */
  exitCode?: boolean;
}

/**
 * Drives one push target: plans, applies with --apply (when there is something to change) while
 * SIGINT/SIGTERM stop it after the call in flight, appends the report to the step summary, and
 * picks the exit code: the signal's after an interrupt, EXIT.remote after failed changes, and
 * with --exit-code EXIT.pending for changes left to make.
 */
export async function runPush<Plan, Outcome extends ApplyOutcomeBase>(
  target: PushTarget<Plan, Outcome>,
  run: PushRun,
): Promise<PushResult> {
  const plan = await target.plan();
  let outcome: Outcome | undefined;
  if (run.apply && target.pending(plan)) {
    outcome = await whileApplying((control) => target.apply(plan, control));
  }
  target.close?.();
  const report = target.describe(plan, outcome);
  if (run.stepSummary && report.markdown !== undefined) {
    await appendFile(run.stepSummary, report.markdown);
  }
  const exitCode = outcome?.interrupted
    ? exitCodeFor(outcome.interrupted)
    : outcome && outcome.failed.length + outcome.notAttempted.length > 0
      ? EXIT.remote
      : run.exitCode && !outcome && (target.pending(plan) || !target.compared(plan))
        ? EXIT.pending
        : undefined;
  return {
    json: report.json,
    text: report.text,
    warnings: report.warnings,
    notes: report.notes,
    ...(exitCode !== undefined && { exitCode }),
  };
}
