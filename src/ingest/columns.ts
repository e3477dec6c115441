import { UserError } from '../errors.js';
import { excerpt } from '../util/excerpt.js';
import { looksNumeric, numberWithUnit } from './numbers.js';
import { parseTimestamp } from './timestamp.js';
import {
  compileTimestampFormat,
  type TimestampFormat,
  timestampFormatHint,
} from './timestamp-format.js';

export interface ColumnChoice {
  /** −1 when time comes from the row position (--row-interval). */
  timestamp: number;
  value: number;
  /** A separate hour-of-day column that completes a date-only timestamp column. */
  hour?: number;
  /** Long format: the column that names the series (--series-column). */
  series?: number;
  /** Human-readable notes on what was picked automatically. */
  notes: string[];
}

export interface ColumnRequest {
  timestampColumn?: string;
  valueColumn?: string;
  /** The flag messages name for valueColumn (default --value-column). */
  valueFlag?: string;
  hourColumn?: string;
  /** strftime-like pattern of the timestamp cells (--timestamp-format). */
  timestampFormat?: string;
  /** Long format: the column that names the series (--series-column). */
  seriesColumn?: string;
  /** Time comes from the row position, so no timestamp column is looked for. */
  byPosition?: boolean;
  /** How rows of one timestamp merge; with `mean`, a file of several series is refused. */
  duplicates?: string;
}

const TIMESTAMP_NAMES =
  /^(timestamp|time|ts|datetime|date_?time|ds|date|dteday|period|time_?stamp|epoch|unix_?time|epoch_?(s|ms|seconds|millis))$/i;
const HOUR_NAMES = /^(hr|hour|hour_of_day)$/i;
const VALUE_WORDS =
  /(^value$|^load$|^y$|request|rps|qps|throughput|count|^cnt$|volume|traffic|cpu|util|demand|sessions|connections)/i;

/** Cells that mean "no value" rather than a broken row. */
export const MISSING_CELLS = new Set(['', 'nan', 'null', 'na', 'n/a', '#n/a', 'none', '-']);

const isNumeric = (cell: string) => looksNumeric(cell) || numberWithUnit(cell) !== undefined;
const isMissing = (cell: string) => MISSING_CELLS.has(cell.toLowerCase());

/**
 * Picks the timestamp, value and (optional) hour columns from the header and a sample of rows.
 * Explicit requests win; otherwise names are tried first, then the cells' shape.
 */
export function chooseColumns(
  file: string,
  header: string[],
  sample: string[][],
  request: ColumnRequest,
): ColumnChoice {
  const notes: string[] = [];
  const table = sampleTable(file, header, sample, request.timestampFormat);
  const series =
    request.seriesColumn === undefined
      ? undefined
      : table.find(request.seriesColumn, '--series-column');
  const timestamp = chooseTimestamp(table, request, notes);
  const hour = chooseHour(table, request, timestamp, notes);
  const value = chooseValue(table, request, [timestamp, hour, series], notes);
  if (value === timestamp) {
    throw new UserError(`${file}: the value column cannot also be the timestamp column`);
  }
  if (series !== undefined && (series === timestamp || series === value || series === hour)) {
    throw new UserError(
      `${file}: --series-column '${header[series]}' is also the ${series === value ? 'value' : 'timestamp'} column`,
      'name the column whose values name the series (service, host, …)',
    );
  }
  if (request.duplicates === 'mean' && timestamp >= 0 && series === undefined) {
    const note = refuseSeveralSeries(file, header, sample, { timestamp, value, hour });
    if (note) notes.push(note);
  }
  return { timestamp, value, hour, series, notes };
}

/** The header and sample rows, with the lookups the column choices share. */
interface SampleTable {
  file: string;
  header: string[];
  /** The columns, for messages. */
  listed: string;
  /** The compiled --timestamp-format, if any. */
  format?: TimestampFormat;
  /** The column named by a flag; a UserError when there is none. */
  find(name: string, flag: string): number;
  /** The sample's non-empty cells of a column, trimmed. */
  cellsOf(index: number): string[];
  /** Whether a column holds mostly timestamps. */
  looksLikeTime(index: number): boolean;
}

function sampleTable(
  file: string,
  header: string[],
  sample: string[][],
  timestampFormat: string | undefined,
): SampleTable {
  const listed = header.map(excerpt).join(', ');
  const cellsOf = (index: number) => sample.map((row) => (row[index] ?? '').trim()).filter(Boolean);
  const format =
    timestampFormat === undefined ? undefined : compileTimestampFormat(timestampFormat);
  const isTime = format
    ? (c: string) => format.read(c, 0, c.length) !== undefined
    : (c: string) => !Number.isNaN(parseTimestamp(c, 'UTC').ms);
  return {
    file,
    header,
    listed,
    format,
    cellsOf,
    find(name, flag) {
      const index = header.findIndex((h) => h === name);
      const loose =
        index >= 0 ? index : header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
      if (loose < 0) {
        throw new UserError(
          `${file}: ${flag} '${name}' is not a column; the columns are ${listed}`,
        );
      }
      return loose;
    },
    // Mostly timestamps: a stray bad cell is then reported with its line, not as "no column".
    looksLikeTime(index) {
      const cells = cellsOf(index);
      const parsed = cells.filter(isTime).length;
      return parsed > 0 && parsed * 2 >= cells.length;
    },
  };
}

/** The timestamp column: requested, else by name, else by shape; −1 for --row-interval. */
function chooseTimestamp(table: SampleTable, request: ColumnRequest, notes: string[]): number {
  const { file, header, listed, format, cellsOf, looksLikeTime } = table;
  if (request.byPosition) return -1;
  if (request.timestampColumn) return table.find(request.timestampColumn, '--timestamp-column');
  const byName = header.findIndex((h, i) => TIMESTAMP_NAMES.test(h) && looksLikeTime(i));
  const byShape = header.findIndex(
    (_, i) => looksLikeTime(i) && !cellsOf(i).every((c) => /^\d+(\.\d+)?$/.test(c)),
  );
  const timestamp = byName >= 0 ? byName : byShape;
  if (timestamp < 0 && format) {
    const named = Math.max(
      0,
      header.findIndex((h) => TIMESTAMP_NAMES.test(h)),
    );
    const cell = cellsOf(named)[0] ?? '';
    throw new UserError(
      `${file}: found no column of timestamps written as --timestamp-format '${format.pattern}'; the columns are ${listed}`,
      `'${header[named]}' has ${excerpt(cell)}: ${format.mismatch(cell) || 'it matches, but most cells do not'}; fix the pattern, or name the column with --timestamp-column NAME`,
    );
  }
  if (timestamp < 0) {
    const hinted = header
      .map((_, i) => timestampFormatHint(cellsOf(i)))
      .find((hint) => hint !== undefined);
    throw new UserError(
      `${file}: found no timestamp column; the columns are ${listed}`,
      hinted ??
        'name it with --timestamp-column NAME; if the rows are evenly spaced, give their spacing and the first time instead: --row-interval 5m --start 2024-01-01T00:00:00Z',
    );
  }
  if (byName < 0) notes.push(`using '${header[timestamp]}' as the timestamp column`);
  return timestamp;
}

/** The hour-of-day column that completes a date-only timestamp column, if any. */
function chooseHour(
  table: SampleTable,
  request: ColumnRequest,
  timestamp: number,
  notes: string[],
): number | undefined {
  const { header, format, cellsOf } = table;
  if (timestamp < 0) return undefined;
  if (request.hourColumn) return table.find(request.hourColumn, '--hour-column');
  const dateOnly = format
    ? !format.hasTime
    : cellsOf(timestamp).every((c) => {
        const parsed = parseTimestamp(c, 'UTC');
        return parsed.dateOnly || Number.isNaN(parsed.ms);
      });
  const candidate = header.findIndex(
    (h, i) => HOUR_NAMES.test(h) && cellsOf(i).every((c) => /^\d{1,2}$/.test(c) && Number(c) < 24),
  );
  if (!dateOnly || candidate < 0) return undefined;
  notes.push(
    `'${header[timestamp]}' holds dates only; adding the hour from '${header[candidate]}'`,
  );
  return candidate;
}

/** The value column: requested, else the last mostly numeric column, preferring a telling name. */
function chooseValue(
  table: SampleTable,
  request: ColumnRequest,
  taken: (number | undefined)[],
  notes: string[],
): number {
  const { file, header, listed, cellsOf } = table;
  if (request.valueColumn) {
    return table.find(request.valueColumn, request.valueFlag ?? '--value-column');
  }
  const numeric = header
    .map((_, i) => i)
    .filter((i) => !taken.includes(i) && cellsOf(i).length > 0)
    .filter((i) => {
      // Mostly numbers: a stray bad cell is then reported with its line, not as "no column".
      const present = cellsOf(i).filter((c) => !isMissing(c));
      return present.length > 0 && present.filter(isNumeric).length * 2 >= present.length;
    });
  if (numeric.length === 0) {
    throw new UserError(
      `${file}: found no numeric value column; the columns are ${listed}`,
      'name it with --value-column NAME',
    );
  }
  const named = numeric.filter((i) => VALUE_WORDS.test(header[i]));
  // Exports such as the UCI sets put the target last, after the explanatory columns.
  const value = named.length > 0 ? named[named.length - 1] : numeric[numeric.length - 1];
  if (numeric.length > 1) {
    const others = numeric.filter((i) => i !== value).map((i) => `'${header[i]}'`);
    notes.push(
      `using '${header[value]}' as the value column (others: ${others.join(', ')}); choose with --value-column`,
    );
  }
  return value;
}

/** A long-format file read as one series: the column that names its series, for init's proposal. */
export class SeveralSeriesError extends UserError {
  constructor(
    message: string,
    hint: string,
    readonly column: string,
  ) {
    super(message, hint);
    this.name = 'SeveralSeriesError';
  }
}

/**
 * A long-format file (`timestamp,service,rps`) read as one series would be planned as the mean of
 * its series. It shows in the sample as timestamps that repeat with different values, once per
 * value of a text column: refuse it and say how to plan each series. Repeats with the same value
 * may be one sample listed per label (the metro traffic export: one row per weather description)
 * or series that happen to match: read as one, with a note that says how to split them.
 */
function refuseSeveralSeries(
  file: string,
  header: string[],
  sample: string[][],
  chosen: { timestamp: number; value: number; hour?: number },
): string | undefined {
  const groups = new Map<string, string[][]>();
  for (const row of sample) {
    const key = `${row[chosen.timestamp] ?? ''} ${chosen.hour === undefined ? '' : (row[chosen.hour] ?? '')}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const cell = (row: string[], i: number) => (row[i] ?? '').trim();
  const repeated = [...groups.values()].filter((rows) => rows.length > 1);
  const differing = repeated.filter(
    (rows) => new Set(rows.map((r) => cell(r, chosen.value))).size > 1,
  );
  const repeats = differing.length >= 2 ? differing : repeated;
  if (repeats.length < 2) return undefined;
  const series = header.findIndex((_, i) => {
    if (i === chosen.timestamp || i === chosen.value || i === chosen.hour) return false;
    const cells = sample.map((r) => cell(r, i)).filter((c) => !isMissing(c));
    if (cells.length === 0 || cells.some(isNumeric)) return false;
    return repeats.every((rows) => new Set(rows.map((r) => cell(r, i))).size === rows.length);
  });
  if (series < 0) return undefined;
  const names = [...new Set(sample.map((r) => cell(r, series)))];
  const shown = names.slice(0, 3).map(excerpt).join(', ') + (names.length > 3 ? ', …' : '');
  const flag = `--series-column ${/^[\w.-]+$/.test(header[series]) ? header[series] : `'${header[series].replace(/'/g, "'\\''")}'`}`;
  if (repeats !== differing) {
    return `repeated timestamps carry the same value under different names in column ${excerpt(header[series])} (${shown}): read as one series, the repeats merged; if those are separate series, plan them with ${flag}`;
  }
  throw new SeveralSeriesError(
    `${file}: timestamps repeat once per value of column ${excerpt(header[series])} (${shown}): several series in one file (long format), which read as one would be their mean`,
    `\`headroom plan ${flag}\` plans each series as a service of its own (\`seriesColumn: ${header[series]}\` in a headroom.yaml); other commands read one: ${flag} --series NAME; or add --duplicates sum for their total`,
    header[series],
  );
}
