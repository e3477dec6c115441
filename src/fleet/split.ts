import { createReadStream } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CsvError, parse } from 'csv-parse';
import { InputError } from '../errors.js';
import { csvProblem } from '../ingest/csv-file.js';
import { assertReadableFile } from '../util/files.js';
import { excerpt } from '../util/excerpt.js';

const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** Series a long file may hold unless raised (`--max-series`, `maxSeries` in the config). */
export const DEFAULT_MAX_SERIES = 10_000;

export interface SplitOptions {
  /** Stop at the first series beyond this many. */
  maxSeries: number;
  /** Rows held in memory, in bytes of text, before they are appended to their files. */
  bufferBytes?: number;
}

const BUFFER_BYTES = 16 << 20;

/**
 * Splits a long-format CSV (`timestamp,series,value`) into one CSV per value of `column`, in
 * `dir`, in one pass. The files keep every other column, so column detection works as usual.
 * Rows are appended to their files whenever the buffered text passes `bufferBytes`, so memory is
 * bounded by that and by the number of series, which is capped. Returns series name → file path,
 * in order of first appearance. The caller owns `dir` and removes it, also when this throws.
 */
export async function splitLongCsv(
  file: string,
  column: string,
  dir: string,
  options: SplitOptions,
): Promise<Map<string, string>> {
  await assertReadableFile(file);
  const parser = createReadStream(file).pipe(
    parse({ bom: true, skip_empty_lines: true, trim: true, info: true }),
  );
  let header: string[] | undefined;
  let head = '';
  let index = -1;
  const files = new Map<string, string>();
  const pending = new Map<string, string[]>();
  let buffered = 0;
  const flush = async () => {
    for (const [series, lines] of pending) {
      if (lines.length > 0) await appendFile(files.get(series)!, lines.join('\n') + '\n');
      lines.length = 0;
    }
    buffered = 0;
  };
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!header) {
        header = record;
        index = header.indexOf(column);
        if (index < 0) {
          throw new InputError(
            file,
            info.lines,
            `no column '${column}' (seriesColumn) in the header: ${header.map(excerpt).join(', ')}`,
          );
        }
        head = header
          .filter((_, i) => i !== index)
          .map(quote)
          .join(',');
        continue;
      }
      const series = record[index] ?? '';
      if (series === '') {
        throw new InputError(file, info.lines, `empty '${column}' cell; every row needs a series`);
      }
      const line = record
        .filter((_, i) => i !== index)
        .map(quote)
        .join(',');
      let lines = pending.get(series);
      if (!lines) {
        if (files.size >= options.maxSeries) {
          throw new InputError(
            file,
            info.lines,
            `more than ${options.maxSeries.toLocaleString('en-US')} series in column '${column}' (each becomes a service)`,
            `if the file really holds that many, raise the limit with --max-series N (or maxSeries: N next to seriesColumn); otherwise check that '${column}' names the series, not a time or value column`,
          );
        }
        const path = join(dir, `series-${files.size}.csv`);
        files.set(series, path);
        lines = [head];
        pending.set(series, lines);
      }
      lines.push(line);
      buffered += line.length + 1;
      if (buffered >= (options.bufferBytes ?? BUFFER_BYTES)) await flush();
    }
  } catch (error) {
    parser.destroy();
    if (error instanceof CsvError) {
      throw new InputError(file, (error as CsvError & { lines?: number }).lines, csvProblem(error));
    }
    throw error;
  }
  await flush();
  return files;
}
