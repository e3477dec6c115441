import { parentPort } from 'node:worker_threads';
import { writePlan } from '../report/plan-report.js';
import { runPlan, type PlanRun } from '../run/plan.js';
import { UserError } from '../errors.js';
import { staleHistoryWarning } from '../schedule/freshness.js';
import type { OutcomeMessage, ServiceOutcome, ServiceTask, TaskMessage } from './run.js';

// One worker thread: plans the services it is handed and reports each outcome with its position.
parentPort?.on('message', async ({ at, task }: TaskMessage) => {
  const started = performance.now();
  let outcome: ServiceOutcome;
  try {
    const run = relabel(await runPlan(task.history, task.options), task);
    const { ingested, zone } = run.forecasted;
    // As `plan` of one history: a warning when it is older than --max-staleness (push refuses it).
    const stale = staleHistoryWarning(ingested.series, zone, Date.now(), task.options.maxStaleness);
    if (stale) run.warnings.push(stale);
    const { json } = await writePlan(run, { ...task.options, service: task.name });
    outcome = {
      name: task.name,
      ok: true,
      seconds: (performance.now() - started) / 1000,
      json,
      warnings: run.warnings.map((w) => w.message),
      notes: run.notes,
    };
  } catch (error) {
    const user = error instanceof UserError;
    if (user && task.label && typeof task.history === 'string') {
      error.message = error.message.split(task.history).join(task.label);
    }
    outcome = {
      name: task.name,
      ok: false,
      seconds: (performance.now() - started) / 1000,
      error: user
        ? `${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}`
        : `internal error (a bug in headroom): ${(error as Error).stack ?? String(error)}`,
      warnings: [],
      notes: [],
    };
  }
  parentPort?.postMessage({ at, outcome } satisfies OutcomeMessage);
});

/** A split series' run named by its label, not by the scratch file it was read from. */
function relabel(run: PlanRun, task: ServiceTask): PlanRun {
  const { label, history: file } = task;
  if (!label || typeof file !== 'string') return run;
  const rename = (text: string) => text.split(file).join(label);
  run.forecasted.ingested.file = label;
  run.document.source.file = label;
  run.warnings = run.warnings.map((w) => ({ ...w, message: rename(w.message) }));
  run.notes = run.notes.map(rename);
  return run;
}
