import { stat } from 'node:fs/promises';
import type { CsvError } from 'csv-parse';
import { UserError } from '../errors.js';
import { maskQuoted } from '../util/excerpt.js';

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

export const DIFFERENT_WIDTH = 'this row has a different number of fields than the header';

/** csv-parse's error, said as what is wrong with the row. */
export function csvProblem(error: CsvError): string {
  if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
    return DIFFERENT_WIDTH;
  }
  if (error.code.startsWith('CSV_QUOTE') || error.code === 'CSV_INVALID_CLOSING_QUOTE') {
    return `malformed quoting (${maskQuoted(error.message)})`;
  }
  return maskQuoted(error.message);
}
