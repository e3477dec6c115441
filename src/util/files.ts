import { readFile } from 'node:fs/promises';
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
