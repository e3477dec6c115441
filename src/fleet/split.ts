import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CsvError, parse } from 'csv-parse';
import { InputError } from '../errors.js';
import { assertReadableFile, csvProblem } from '../ingest/csv-file.js';
import { excerpt } from '../util/excerpt.js';

const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/**
 * Splits a long-format CSV (`timestamp,series,value`) into one CSV per value of `column`, in
 * `dir`, in one pass. The files keep every other column, so column detection works as usual.
 * Returns series name → file path, in order of first appearance.
 */
export async function splitLongCsv(
  file: string,
  column: string,
  dir: string,
): Promise<Map<string, string>> {
  await assertReadableFile(file);
  const parser = createReadStream(file).pipe(
    parse({ bom: true, skip_empty_lines: true, trim: true, info: true }),
  );
  let header: string[] | undefined;
  let index = -1;
  const rows = new Map<string, string[]>();
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
      const list = rows.get(series);
      if (list) list.push(line);
      else rows.set(series, [line]);
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new InputError(file, (error as CsvError & { lines?: number }).lines, csvProblem(error));
    }
    throw error;
  }
  await mkdir(dir, { recursive: true });
  const head = header!
    .filter((_, i) => i !== index)
    .map(quote)
    .join(',');
  const files = new Map<string, string>();
  let n = 0;
  for (const [series, lines] of rows) {
    const path = join(dir, `series-${n++}.csv`);
    await writeFile(path, `${head}\n${lines.join('\n')}\n`);
    files.set(series, path);
  }
  return files;
}
