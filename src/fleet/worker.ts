import { parentPort } from 'node:worker_threads';
import { planCommand } from '../commands/plan.js';
import { UserError } from '../errors.js';
import type { ServiceTask, ServiceOutcome } from './run.js';

// One worker thread: plans the services it is handed, one at a time, and reports each outcome.
parentPort?.on('message', async (task: ServiceTask) => {
  const started = performance.now();
  let outcome: ServiceOutcome;
  try {
    const output = await planCommand(task.file, task.options);
    outcome = {
      name: task.name,
      ok: true,
      seconds: (performance.now() - started) / 1000,
      json: output.json as Record<string, unknown>,
      warnings: output.warnings.map((w) => w.message),
      notes: output.notes,
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
