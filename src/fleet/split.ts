import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, UserError } from '../errors.js';
import { readRecords } from '../ingest/read-csv.js';
import { excerpt } from '../util/excerpt.js';

/** Series a long file may hold unless raised (`--max-series`, `maxSeries` in the config). */
export const DEFAULT_MAX_SERIES = 10_000;

export interface SplitOptions {
  /** Stop at the first series beyond this many. */
  maxSeries: number;
  /** Rows held in memory, in bytes of text, before they are appended to their files. */
  bufferBytes?: number;
  /** How messages name the file (standard input is read from a scratch copy). */
  label?: string;
}

const BUFFER_BYTES = 8 << 20;

/**
 * Splits a long-format CSV (`timestamp,series,value`) into one CSV per value of `column`, in
 * `dir`, in one pass through the same reader as the series ingest (gzip, BOMs, UTF-16, `;` or tab
 * delimiters, quoted fields). The files keep every other column, the file's delimiter and its
 * cells as written (decimal commas included), so column detection works on them as usual. Rows
 * are appended to their files whenever the buffered text passes `bufferBytes`, so memory is
 * bounded by that and by the number of series, which is capped. Returns series name → file path,
 * in order of first appearance. The caller owns `dir` and removes it, also when this throws.
 */
export async function splitLongCsv(
  file: string,
  column: string,
  dir: string,
  options: SplitOptions,
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const pending = new Map<string, string[]>();
  let buffered = 0;
  const flush = () => {
    for (const [series, lines] of pending) {
      if (lines.length > 0) appendFileSync(files.get(series)!, lines.join('\n') + '\n');
      lines.length = 0;
    }
    buffered = 0;
  };
  const start = (delimiter: string) => {
    // A second pass (the file has quotes after all) starts the files again.
    for (const path of files.values()) rmSync(path, { force: true });
    files.clear();
    pending.clear();
    buffered = 0;
    const quote = (cell: string) =>
      cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
    const rowOf = (cells: string[], skip: number) =>
      cells
        .filter((_, i) => i !== skip)
        .map(quote)
        .join(delimiter);
    let index = -1;
    let head = '';
    return (cells: string[], line: number) => {
      if (index < 0) {
        index = cells.indexOf(column);
        if (index < 0) index = cells.findIndex((h) => h.toLowerCase() === column.toLowerCase());
        if (index < 0) {
          throw new InputError(
            file,
            line,
            `no column '${column}' (the series column) in the header: ${cells.map(excerpt).join(', ')}`,
          );
        }
        head = rowOf(cells, index);
        return;
      }
      const series = cells[index];
      if (series === '') {
        throw new InputError(file, line, `empty '${column}' cell; every row needs a series`);
      }
      const text = rowOf(cells, index);
      let lines = pending.get(series);
      if (!lines) {
        if (files.size >= options.maxSeries) {
          throw new InputError(
            file,
            line,
            `more than ${options.maxSeries.toLocaleString('en-US')} series in column '${column}' (each becomes a service)`,
            `if the file really holds that many, raise the limit with --max-series N (or maxSeries: N next to seriesColumn); otherwise check that '${column}' names the series, not a time or value column`,
          );
        }
        files.set(series, seriesFile(dir, files.size));
        lines = [head];
        pending.set(series, lines);
      }
      lines.push(text);
      buffered += text.length + 1;
      if (buffered >= (options.bufferBytes ?? BUFFER_BYTES)) flush();
    };
  };
  try {
    await readRecords(file, start);
  } catch (error) {
    if (error instanceof UserError && options.label) {
      error.message = error.message.split(file).join(options.label);
    }
    throw error;
  }
  if (files.size === 0) {
    throw new UserError(
      `${options.label ?? file}: no rows to split by '${column}'; expected a header row and data rows`,
    );
  }
  flush();
  return files;
}

const seriesFile = (dir: string, n: number) => join(dir, `series-${n}.csv`);
