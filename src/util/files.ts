import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';

/** Reads a text file a user named; a missing or unreadable one is a user error naming `what`. */
export async function readTextFile(file: string, what: string, hint?: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `${file}: cannot read ${what} (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`,
      hint,
    );
  }
}

/** Fails with a user error unless `file` is a readable regular file. */
export async function assertReadableFile(file: string): Promise<void> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UserError(`${file}: not a file`);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code})`);
  }
}

const errorCode = (error: unknown) =>
  (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/**
 * `mkdir -p` that stops at the first folder it cannot make, with a user error naming it. Node's
 * own `mkdir(dir, { recursive: true })` spins forever where mkdir answers ENOENT for a parent that
 * exists (/proc/x on Linux), so this one makes each missing folder itself, from the top down.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const info = await stat(at).catch((error: unknown) => {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw new UserError(`cannot create the folder ${dir}: ${at} (${errorCode(error)})`);
    });
    if (info) {
      if (info.isDirectory()) break;
      throw new UserError(`cannot create the folder ${dir}: ${at} is a file, not a folder`);
    }
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (error) {
      if (errorCode(error) === 'EEXIST') continue; // made meanwhile (by a parallel worker)
      throw new UserError(
        `cannot create the folder ${folder} (${errorCode(error)})`,
        'choose a folder you can write to',
      );
    }
  }
}
