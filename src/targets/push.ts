import { appendFile } from 'node:fs/promises';
import { EXIT } from '../exit-codes.js';
import { exitCodeFor, whileApplying } from '../util/interrupt.js';
import type { ApplyOutcomeBase, PushResult, PushTarget } from './target.js';

export interface PushRun {
  /** --apply: change the target; without it, a dry run. */
  apply: boolean;
  /** Where the report's Markdown goes ($GITHUB_STEP_SUMMARY). */
  stepSummary?: string;
}

/**
 * Drives one push target: plans, applies with --apply (when there is something to change) while
 * SIGINT/SIGTERM stop it after the call in flight, appends the report to the step summary, and
 * picks the exit code: the signal's after an interrupt, EXIT.remote after failed changes.
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
      : undefined;
  return {
    json: report.json,
    text: report.text,
    warnings: report.warnings,
    notes: report.notes,
    ...(exitCode !== undefined && { exitCode }),
  };
}
