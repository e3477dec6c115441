import type { CsvError } from 'csv-parse';
import { maskQuoted } from '../util/excerpt.js';

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
