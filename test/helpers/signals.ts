import { spawn } from 'node:child_process';
import { BIN, ROOT, type Run } from './cli.js';

/** A headroom run the test can signal while it works. */
export interface Started {
  /** Resolves once stderr matches (e.g. the notice that the first signal was seen). */
  stderrMatches: (pattern: RegExp) => Promise<void>;
  /** Sends the signal to the run's process group, as a terminal does on Ctrl-C. */
  signal: (name: 'SIGINT' | 'SIGTERM') => void;
  done: Promise<Run>;
}

/**
 * Starts the built CLI in a process group of its own (as a shell starts a foreground job), so
 * `signal` reaches it and everything it started in that group, and nothing of the test runner.
 */
export function startHeadroom(args: string[], env: Record<string, string | undefined>): Started {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const w of waiting.filter((w) => w.pattern.test(stderr))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  });
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? -1 : 1), stdout, stderr }),
    ),
  );
  return {
    stderrMatches: (pattern) =>
      pattern.test(stderr)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ pattern, resolve })),
    signal: (name) => process.kill(-child.pid!, name),
    done,
  };
}
