import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { InputError, UserError } from '../errors.js';
import type { Warning } from '../types.js';
import { assertReadableFile, csvProblem } from './csv-file.js';
import { chooseColumns, MISSING_CELLS, type ColumnRequest } from './columns.js';
import { parseTimestamp, TIMESTAMP_FORMATS } from './timestamp.js';

/** Samples as read, in file order: parallel arrays of time, value and 1-based file line. */
export interface RawPoints {
  times: Float64Array;
  values: Float64Array;
  lines: Int32Array;
}

export interface ReadResult {
  points: RawPoints;
  timestampColumn: string;
  valueColumn: string;
  warnings: Warning[];
  notes: string[];
}

export interface ReadOptions extends ColumnRequest {
  timezone: string;
  /** Rows are evenly spaced: row k is at rowStart + k × rowIntervalMs (no timestamp column). */
  rowIntervalMs?: number;
  rowStart?: number;
}

const SAMPLE_ROWS = 200;

interface Row {
  cells: string[];
  line: number;
}

/** Streams a CSV file and returns its (timestamp, value) samples, with what was skipped. */
export async function readCsv(file: string, options: ReadOptions): Promise<ReadResult> {
  await assertReadableFile(file);
  const parser = createReadStream(file).pipe(
    parse({ bom: true, skip_empty_lines: true, trim: true, info: true }),
  );
  let header: string[] | undefined;
  const pending: Row[] = [];
  let consume: ((row: Row) => void) | undefined;
  let choice: ReturnType<typeof chooseColumns> | undefined;

  const times: number[] = [];
  const values: number[] = [];
  const lines: number[] = [];
  let missingValues = 0;
  let dstGapTimes = 0;
  const choose = () => {
    if (!header)
      throw new UserError(`${file}: the file is empty; expected a header row and data rows`);
    const byPosition = options.rowIntervalMs !== undefined;
    choice = chooseColumns(
      file,
      header,
      pending.map((r) => r.cells),
      { ...options, byPosition },
    );
    let row = 0;
    const { timestamp, value, hour } = choice;
    const names = header;
    const timeOf = (cells: string[], line: number): number => {
      if (byPosition) return (options.rowStart ?? 0) + row++ * (options.rowIntervalMs ?? 0);
      const rawTime = cells[timestamp];
      let extraHours = 0;
      if (hour !== undefined) {
        extraHours = Number(cells[hour]);
        if (!Number.isInteger(extraHours) || extraHours < 0 || extraHours > 23) {
          throw new InputError(
            file,
            line,
            `expected an hour 0–23 in column '${names[hour]}', got '${cells[hour]}'`,
          );
        }
      }
      const parsed = parseTimestamp(rawTime, options.timezone, extraHours);
      if (Number.isNaN(parsed.ms)) {
        throw new InputError(
          file,
          line,
          `expected a timestamp in column '${names[timestamp]}', got '${rawTime}'`,
          `accepted: ${TIMESTAMP_FORMATS}; or choose another column with --timestamp-column`,
        );
      }
      if (parsed.inDstGap) dstGapTimes++;
      return parsed.ms;
    };
    consume = ({ cells, line }) => {
      const ms = timeOf(cells, line);
      const rawValue = cells[value];
      if (MISSING_CELLS.has(rawValue.toLowerCase())) {
        missingValues++;
        return;
      }
      const number = Number(rawValue);
      if (!Number.isFinite(number)) {
        throw new InputError(
          file,
          line,
          `expected a number in column '${names[value]}', got '${rawValue}'`,
          'choose another column with --value-column',
        );
      }
      times.push(ms);
      values.push(number);
      lines.push(line);
    };
    for (const row of pending) consume(row);
    pending.length = 0;
  };

  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!header) {
        header = record;
        continue;
      }
      const row = { cells: record, line: info.lines };
      if (consume) consume(row);
      else {
        pending.push(row);
        if (pending.length >= SAMPLE_ROWS) choose();
      }
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new InputError(file, line, csvProblem(error));
    }
    throw error;
  }
  if (!consume) {
    if (header && pending.length === 0) {
      throw new UserError(`${file}: the file has a header but no data rows`);
    }
    choose();
  }
  if (!choice || !header) throw new UserError(`${file}: the file is empty`);

  const warnings: Warning[] = [];
  if (missingValues > 0) {
    warnings.push({
      code: 'missing-values',
      count: missingValues,
      message: `${missingValues} row(s) with an empty or NaN value in '${header[choice.value]}' were skipped`,
    });
  }
  if (dstGapTimes > 0) {
    warnings.push({
      code: 'dst-gap',
      count: dstGapTimes,
      message: `${dstGapTimes} local time(s) fall in a daylight-saving gap of ${options.timezone} and were moved forward an hour`,
    });
  }
  if (times.length === 0) {
    throw new UserError(`${file}: no rows with a value in column '${header[choice.value]}'`);
  }
  return {
    points: {
      times: Float64Array.from(times),
      values: Float64Array.from(values),
      lines: Int32Array.from(lines),
    },
    timestampColumn:
      choice.timestamp < 0
        ? '(row position)'
        : header[choice.timestamp] + (choice.hour === undefined ? '' : `+${header[choice.hour]}`),
    valueColumn: header[choice.value],
    warnings,
    notes: choice.notes,
  };
}
