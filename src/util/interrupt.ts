import { writeSync } from 'node:fs';
import { EXIT } from '../exit-codes.js';

/**
 * Ctrl-C during a push: the signals are caught only while changes are being applied, so every
 * other command (and a push before or after its changes) keeps Node's default behaviour.
 *
 * The first SIGINT or SIGTERM aborts `control.signal`: the apply loops check it between calls, so
 * the call in flight is answered and decides its own outcome, nothing further starts, and the
 * command reports what it did and exits with 130 (SIGINT) or 143 (SIGTERM). A second signal exits
 * at once and says that the outcome of the call in flight is unknown.
 */

export type StopSignal = 'SIGINT' | 'SIGTERM';

const SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/** The exit code of a push that a signal stopped. */
export function exitCodeFor(signal: StopSignal): number {
  return signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
}

/** True for the exit codes `exitCodeFor` returns. */
export function isInterruptedExit(code: number | undefined): boolean {
  return code === EXIT.interrupted || code === EXIT.terminated;
}

/** What an apply loop is handed: a flag to check between calls, and a way to say what it does. */
export interface ApplyControl {
  /** Aborted at the first SIGINT or SIGTERM, with the signal's name as reason: start no further call. */
  readonly signal: AbortSignal;
  /**
   * Says which call is in flight (undefined between calls) and what was done before it: a second
   * signal, which exits at once, prints both.
   */
  track(inFlight: string | undefined, done?: readonly string[]): void;
  /** Runs `cleanup` if a second signal forces the exit (e.g. to stop a child process). */
  onForcedExit(cleanup: () => void): () => void;
}

/** The signal that stopped the work, once one has. */
export function stopSignal(control: ApplyControl | undefined): StopSignal | undefined {
  return control?.signal.aborted ? (control.signal.reason as StopSignal) : undefined;
}

interface Installed {
  control: ApplyControl;
  depth: number;
  remove: () => void;
}

let installed: Installed | undefined;

const say = (text: string) => {
  try {
    // Synchronous, so the message is out before a forced exit.
    writeSync(2, text);
  } catch {
    // stderr closed: nothing to tell
  }
};

function install(): Installed {
  const controller = new AbortController();
  let inFlight: string | undefined;
  let done: readonly string[] = [];
  const cleanups = new Set<() => void>();
  const onSignal = (signal: StopSignal) => {
    if (!controller.signal.aborted) {
      controller.abort(signal);
      say(
        `\n${signal}: stopping${inFlight ? ` once ${inFlight} has been answered` : ''}; nothing further will be started. ${signal === 'SIGINT' ? 'Press Ctrl-C' : 'Send SIGTERM'} again to exit at once.\n`,
      );
      return;
    }
    const before =
      done.length === 0 ? 'nothing was applied before it' : `applied before it: ${done.join(', ')}`;
    say(
      `\n${signal} again: exiting now. ${inFlight ? `The outcome of ${inFlight} is unknown; ${before}` : `No call was in flight; ${before}`}. Run the push again: it compares with what is there and finishes the job.\n`,
    );
    for (const cleanup of cleanups) {
      try {
        cleanup();
      } catch {
        // exiting anyway
      }
    }
    process.exit(exitCodeFor(signal));
  };
  const listeners = SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  return {
    depth: 0,
    control: {
      signal: controller.signal,
      track(call, finished) {
        inFlight = call;
        if (finished) done = finished;
      },
      onForcedExit(cleanup) {
        cleanups.add(cleanup);
        return () => cleanups.delete(cleanup);
      },
    },
    remove: () => {
      for (const [signal, listener] of listeners) process.off(signal, listener);
    },
  };
}

/**
 * Runs `work` with SIGINT and SIGTERM caught (see above), and restores the default behaviour when
 * it is done. Nested calls (a fleet push around each service's push) share one control, so a
 * signal during one service also stops the fleet.
 */
export async function whileApplying<T>(work: (control: ApplyControl) => Promise<T>): Promise<T> {
  const current = (installed ??= install());
  current.depth++;
  try {
    return await work(current.control);
  } finally {
    current.depth--;
    if (current.depth === 0) {
      current.remove();
      installed = undefined;
    }
  }
}
