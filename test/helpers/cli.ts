import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// End-to-end helpers: the built binary (npm test builds first), real files, real exit codes.
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'headroom.js');
export const DATA = join(ROOT, 'data');
export const ELB = join(DATA, 'elb_request_count_8c0756.csv');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built binary `headroom args…` without colour and resolves with its exit code and
 * output. Most tests call `runInProcess` (./in-process.ts) instead, which is many times faster;
 * this is for what needs a process of its own: a few smoke tests of bin/headroom.js, a run that a
 * hang must not take the test runner down with, and peak memory (`--verbose`).
 */
export function headroom(
  args: string[],
  cwd = ROOT,
  env: Record<string, string | undefined> = {},
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1', ...env } },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * For pushes (and plans) from a fixture whose history ended years ago (the bundled data is from
 * 2015, generated histories from 2024), in tests of something else than the history's age: push
 * refuses a history older than --max-staleness (2d by default), and plan warns.
 */
export const ANY_AGE = ['--max-staleness', '10000d'];
