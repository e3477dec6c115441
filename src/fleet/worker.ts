import { parentPort } from 'node:worker_threads';
import { writePlan } from '../report/plan-report.js';
import { runPlan } from '../run/plan.js';
import { UserError } from '../errors.js';
import type { ServiceTask, ServiceOutcome } from './run.js';

// One worker thread: plans the services it is handed, one at a time, and reports each outcome.
parentPort?.on('message', async (task: ServiceTask) => {
  const started = performance.now();
  let outcome: ServiceOutcome;
  try {
    const run = await runPlan(task.history, task.options);
    const { json } = await writePlan(run, task.options);
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
  parentPort?.postMessage(outcome);
});
