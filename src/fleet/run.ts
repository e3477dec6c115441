import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PlanOptions, PlanSource } from '../run/plan.js';

/**
 * One service for a worker: where its history is (a CSV, a source's spec or its metrics: plain
 * data) and the `plan` options it runs with.
 */
export interface ServiceTask {
  name: string;
  history: PlanSource;
  /** How reports and messages name the history when it is a scratch file (a split series). */
  label?: string;
  options: PlanOptions;
}

export interface ServiceOutcome {
  name: string;
  ok: boolean;
  seconds: number;
  /** `plan --json` output, when it worked. */
  json?: Record<string, unknown>;
  error?: string;
  warnings: string[];
  notes: string[];
}

/**
 * Plans every task on a pool of worker threads (one per core by default), handing the next task
 * to whichever worker finishes first. A failing service fails alone; the outcomes come back in
 * the tasks' order.
 */
export async function runFleet(
  tasks: ServiceTask[],
  options: { workers?: number; onDone?: (outcome: ServiceOutcome, done: number) => void } = {},
): Promise<ServiceOutcome[]> {
  if (tasks.length === 0) return []; // an empty shard starts no worker
  const size = Math.max(1, Math.min(options.workers ?? availableParallelism(), tasks.length));
  const outcomes: ServiceOutcome[] = [];
  let done = 0;
  let next = 0;
  const workerUrl = new URL('./worker.js', import.meta.url);
  // The services come from a config file: what their files hold is quoted only masked.
  const start = () => new Worker(workerUrl, { workerData: { maskExcerpts: true } });
  await Promise.all(
    Array.from({ length: size }, async () => {
      let worker = start();
      try {
        while (next < tasks.length) {
          const at = next++;
          const task = tasks[at];
          const outcome = await new Promise<ServiceOutcome>((resolve) => {
            const fail = (error: Error) => {
              // A worker that threw outside a task is gone: the next task gets a fresh one.
              worker = start();
              resolve({
                name: task.name,
                ok: false,
                seconds: 0,
                error: `the worker stopped: ${error.message}`,
                warnings: [],
                notes: [],
              });
            };
            worker.once('message', (message: ServiceOutcome) => {
              worker.off('error', fail);
              resolve(message);
            });
            worker.once('error', fail);
            worker.postMessage(task);
          });
          outcomes[at] = outcome;
          options.onDone?.(outcome, ++done);
        }
      } finally {
        await worker.terminate();
      }
    }),
  );
  return outcomes;
}
