import { rmSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { exitCodeFor, type StopSignal } from './interrupt.js';

/**
 * Runs `work` with a maker of scratch folders (in the system's temporary folder) that are removed
 * however it ends: when it returns or throws, and on SIGINT or SIGTERM, which then exit at once
 * with 130 or 143, as Node's default would, but without leaving the folders behind. `leftBehind`
 * says what the work had done by then, for the line printed on the way out.
 */
export async function withScratchFolders<T>(
  prefix: string,
  work: (make: () => Promise<string>) => Promise<T>,
  leftBehind?: () => string | undefined,
): Promise<T> {
  const dirs: string[] = [];
  const removeNow = () => {
    for (const dir of dirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // exiting anyway
      }
    }
  };
  const onSignal = (signal: StopSignal) => {
    removeNow();
    try {
      const done = leftBehind?.();
      writeSync(2, `\n${signal}: stopped; scratch files removed${done ? `; ${done}` : ''}\n`);
    } catch {
      // stderr closed
    }
    process.exit(exitCodeFor(signal));
  };
  const listeners = (['SIGINT', 'SIGTERM'] as const).map((s) => [s, () => onSignal(s)] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  const make = async () => {
    try {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    } catch (error) {
      throw new UserError(
        `cannot create a scratch folder in ${tmpdir()} (${(error as NodeJS.ErrnoException).code})`,
        'set TMPDIR to a folder you can write to',
      );
    }
  };
  try {
    return await work(make);
  } finally {
    for (const [signal, listener] of listeners) process.off(signal, listener);
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}
