import type { Warning } from '../types.js';
import type { ApplyControl, StopSignal } from '../util/interrupt.js';

/**
 * What a push target implements (AWS scheduled actions, Kubernetes objects, …); src/targets/push.ts
 * drives it the same way for every target: plan, then with --apply the changes under Ctrl-C
 * handling, then the report, the step summary and the exit code.
 *
 * `Plan` is what the target decided before changing anything: the state it read, the desired
 * state computed from the planned schedule, the diff between them, with the guardrails checked
 * (a refusal throws a GuardrailError). `Outcome` is what applying the plan did.
 */
export interface PushTarget<Plan, Outcome extends ApplyOutcomeBase> extends TargetChanges<
  Plan,
  Outcome
> {
  /** The report: rows for --json and people, and Markdown for $GITHUB_STEP_SUMMARY (if any). */
  describe(plan: Plan, outcome: Outcome | undefined): PushReport;
}

/** The work of a target (src/targets/<target>/); its report is rendered by its command. */
export interface TargetChanges<Plan, Outcome extends ApplyOutcomeBase> {
  /** Reads the current state, computes the desired state and the diff, checks the guardrails. */
  plan(): Promise<Plan>;
  /** Whether there is anything for --apply to change. */
  pending(plan: Plan): boolean;
  /**
   * Whether the plan was compared with the target (false: a dry run without credentials, or
   * without --diff). --exit-code counts changes not compared as pending.
   */
  compared(plan: Plan): boolean;
  /** Applies the changes, checking `control` between calls; reports what was applied and failed. */
  apply(plan: Plan, control: ApplyControl): Promise<Outcome>;
  /** Releases what `plan` opened (clients); called once the changes are applied. */
  close?(): void;
}

/** What every apply reports, so that the orchestrator can pick the exit code. */
export interface ApplyOutcomeBase {
  /** The signal that stopped the apply, if one did. */
  interrupted?: StopSignal;
  /** The changes that failed, and those not attempted (after a failure or a signal). */
  failed: readonly unknown[];
  notAttempted: readonly unknown[];
}

export interface PushReport {
  json: unknown;
  text: string;
  /** Appended to $GITHUB_STEP_SUMMARY when it is set; omitted when there is nothing to say. */
  markdown?: string;
  warnings: Warning[];
  notes: string[];
}

/** The result of a push, in the shape the CLI prints (see commands/output.ts). */
export interface PushResult {
  json: unknown;
  text: string;
  warnings: Warning[];
  notes: string[];
  exitCode?: number;
}
