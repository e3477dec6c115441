import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PlanOptions, PlanSource } from '../run/plan.js';

/**
 * One service for a worker: where its history is (a CSV, a source's spec or its metrics: plain
 * data) and the `plan` options it runs with.
 */
export interface ServiceTask {
  name: string;
  /** Why it cannot be planned, found before planning (a long file that would not split). */
  failure?: string;
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

/** What the pool sends a worker, and what comes back: a task and its outcome, by position. */
export interface TaskMessage {
  at: number;
  task: ServiceTask;
}
export interface OutcomeMessage {
  at: number;
  outcome: ServiceOutcome;
}

/**
 * Tasks a worker holds at once: while one waits for its files to be read or written, the
 * worker's thread plans the other (one at a time left the workers idle about 7% of the time).
 */
const IN_FLIGHT = 2;

/**
 * Plans every task on a pool of worker threads (one per core by default), handing the next task
 * to whichever worker has room. A failing service fails alone; the outcomes come back in the
 * tasks' order.
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
  const finish = (at: number, outcome: ServiceOutcome) => {
    outcomes[at] = outcome;
    options.onDone?.(outcome, ++done);
  };
  await Promise.all(
    Array.from(
      { length: size },
      () =>
        new Promise<void>((resolve) => {
          const held = new Set<number>();
          let worker: Worker;
          const feed = () => {
            while (held.size < IN_FLIGHT && next < tasks.length) {
              const at = next++;
              const { name, failure } = tasks[at];
              if (failure !== undefined) {
                finish(at, {
                  name,
                  ok: false,
                  seconds: 0,
                  error: failure,
                  warnings: [],
                  notes: [],
                });
                continue;
              }
              held.add(at);
              worker.postMessage({ at, task: tasks[at] } satisfies TaskMessage);
            }
            if (held.size === 0) void worker.terminate().then(() => resolve());
          };
          const start = () => {
            // The services come from a config file: what their files hold is quoted only masked.
            worker = new Worker(workerUrl, { workerData: { maskExcerpts: true } });
            worker.on('message', ({ at, outcome }: OutcomeMessage) => {
              held.delete(at);
              finish(at, outcome);
              feed();
            });
            worker.once('error', (error: Error) => {
              // A worker that threw outside a task is gone, with the tasks it held: they fail,
              // and the next tasks get a fresh worker.
              worker.removeAllListeners('message');
              for (const at of held) {
                finish(at, {
                  name: tasks[at].name,
                  ok: false,
                  seconds: 0,
                  error: `the worker stopped: ${error.message}`,
                  warnings: [],
                  notes: [],
                });
              }
              held.clear();
              start();
              feed();
            });
          };
          start();
          feed();
        }),
    ),
  );
  return outcomes;
}
