import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { InputError, UserError } from '../errors.js';
import { excerpt } from '../util/excerpt.js';
import type { Warning } from '../types.js';
import { csvProblem, DIFFERENT_WIDTH } from './csv-file.js';
import { chooseColumns, MISSING_CELLS, type ColumnChoice, type ColumnRequest } from './columns.js';
import {
  describeNumberFormat,
  detectNumberFormat,
  numberWithUnit,
  parseNumber,
  parseNumberAt,
  SI_PREFIXES,
  type NumberFormat,
} from './numbers.js';
import { textChunks } from './source.js';
import { PointChunks, type PointSink, type RawPoints } from './sort.js';
import { TimestampReader, TIMESTAMP_FORMATS } from './timestamp.js';
import {
  compileTimestampFormat,
  timestampFormatHint,
  type TimestampFormat,
} from './timestamp-format.js';

export interface ReadResult {
  points: RawPoints;
  timestampColumn: string;
  valueColumn: string;
  warnings: Warning[];
  notes: string[];
}

export interface ReadOptions extends ColumnRequest {
  timezone: string;
  /** With seriesColumn: the one series to read (without it, the read lists the series and stops). */
  series?: string;
  /** Rows are evenly spaced: row k is at rowStart + k × rowIntervalMs (no timestamp column). */
  rowIntervalMs?: number;
  rowStart?: number;
}

/** What a scan found besides its points. */
export interface ScanSummary {
  timestampColumn: string;
  valueColumn: string;
  /** Rows that gave a point. */
  rows: number;
  warnings: Warning[];
  notes: string[];
}

const SAMPLE_ROWS = 200;
/**
 * Larger values are skipped as no load at all (an overflowed or garbage counter): far beyond what
 * servers are planned for, and their sums and the models' squares overflow: 1e308 + 1e308 is
 * Infinity, then NaN downstream, and MSTL fails from about 1e40.
 */
const MAX_VALUE = 1e15;
const DELIMITERS = [',', ';', '\t', '|'];

/** A data row contains a quote: the quote-free fast path hands over to csv-parse. */
class QuotedRow extends Error {
  constructor(readonly delimiter: string) {
    super('a quoted row');
  }
}

/** The header's most frequent delimiter outside quotes (a comma when it has none). */
export function detectDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  const unquoted = headerLine.replace(/"[^"]*"/g, '');
  for (const delimiter of DELIMITERS) {
    const count = unquoted.split(delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

const isSpace = (c: number) => c === 32 || c === 9;

/** Series names a long-format read lists when it stops: the first this many. */
const LISTED_SERIES = 1000;

/** Turns cells into points once the columns are known; counts what it skipped or fixed. */
class RowReader {
  readonly timestamps: TimestampReader;
  private readonly byPosition: boolean;
  private readonly timeFormat: TimestampFormat | undefined;
  private position = 0;
  rows = 0;
  missing = 0;
  infinite = 0;
  negative = 0;
  huge = 0;
  /** Rows whose value carried the unit (or an SI prefix), and the prefixes seen. */
  withUnit = 0;
  private readonly prefixes = new Set<string>();
  /** Long format: rows of other series skipped, and the names seen (up to LISTED_SERIES). */
  otherRows = 0;
  readonly seriesNames = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly header: string[],
    readonly choice: ColumnChoice,
    private readonly format: NumberFormat,
    private readonly options: ReadOptions,
    private readonly sink: PointSink,
    /** The unit the value cells carry (`%`, `ms`, '' for SI prefixes alone), when they do. */
    private readonly unit?: string,
  ) {
    this.timeFormat =
      options.timestampFormat === undefined
        ? undefined
        : compileTimestampFormat(options.timestampFormat);
    this.timestamps = new TimestampReader(options.timezone, this.timeFormat);
    this.byPosition = options.rowIntervalMs !== undefined;
  }

  /** Long format: whether text[s, e) names the series to read; else notes the name it saw. */
  keep(text: string, s: number, e: number): boolean {
    const wanted = this.options.series;
    if (wanted !== undefined && e - s === wanted.length && text.startsWith(wanted, s)) return true;
    this.otherRows++;
    if (this.seriesNames.size < LISTED_SERIES) this.seriesNames.add(text.slice(s, e));
    return false;
  }

  /** A value that may carry the column's unit: the number, its SI prefix multiplied out. */
  private valueWithUnit(text: string, s: number, e: number, line: number): number {
    const unit = this.unit ?? '';
    if (unit !== '' && e - s > unit.length && text.startsWith(unit, e - unit.length)) {
      // The common case, read in place: a number, perhaps a space, the unit.
      let end = e - unit.length;
      while (end > s && isSpace(text.charCodeAt(end - 1))) end--;
      const last = text.charCodeAt(end - 1);
      const value = last >= 48 && last <= 57 ? parseNumberAt(text, s, end, this.format) : NaN;
      if (!Number.isNaN(value)) {
        this.withUnit++;
        return value;
      }
    }
    const cell = text.slice(s, e);
    const parts = numberWithUnit(cell);
    if (!parts) return parseNumberAt(text, s, e, this.format);
    if (parts.unit !== this.unit) {
      const said = (unit: string) => (unit === '' ? 'no unit' : excerpt(unit));
      throw new InputError(
        this.file,
        line,
        `the values in column '${this.header[this.choice.value]}' mix units: ${said(parts.unit)} here, ${said(this.unit ?? '')} in the rows before (${excerpt(cell)})`,
        'convert the column to one unit first, or choose another column with --value-column',
      );
    }
    this.withUnit++;
    const value = parseNumber(parts.number.trim(), this.format);
    if (parts.prefix === '') return value;
    this.prefixes.add(parts.prefix);
    return Number((value * SI_PREFIXES[parts.prefix]).toPrecision(15));
  }

  /** One row from slices: text[ts, te) is the time, text[vs, ve) the value, text[hs, he) the hour. */
  point(
    timeText: string,
    ts: number,
    te: number,
    valueText: string,
    vs: number,
    ve: number,
    hourText: string,
    hs: number,
    he: number,
    line: number,
  ): void {
    let time: number;
    if (te === ts && ve === vs && !this.byPosition) return; // a row of empty cells
    if (this.byPosition) {
      time = (this.options.rowStart ?? 0) + this.position++ * (this.options.rowIntervalMs ?? 0);
    } else {
      let extraHours = 0;
      if (this.choice.hour !== undefined) {
        extraHours = parseNumberAt(hourText, hs, he, 'plain');
        if (!Number.isInteger(extraHours) || extraHours < 0 || extraHours > 23) {
          throw new InputError(
            this.file,
            line,
            `expected an hour 0–23 in column '${this.header[this.choice.hour]}', got ${excerpt(hourText.slice(hs, he))}`,
          );
        }
      }
      time = this.timestamps.read(timeText, ts, te, extraHours);
      if (Number.isNaN(time)) this.badTimestamp(timeText.slice(ts, te), line);
    }
    const value =
      this.unit === undefined
        ? parseNumberAt(valueText, vs, ve, this.format)
        : this.valueWithUnit(valueText, vs, ve, line);
    if (value >= 0 && value <= MAX_VALUE) {
      this.rows++;
      this.sink(time, value, line);
      return;
    }
    if (value < 0 && Number.isFinite(value)) {
      this.negative++;
      return;
    }
    if (value > MAX_VALUE && Number.isFinite(value)) {
      this.huge++;
      return;
    }
    const cell = valueText.slice(vs, ve).toLowerCase();
    if (MISSING_CELLS.has(cell)) {
      this.missing++;
    } else if (value === Infinity || value === -Infinity) {
      this.infinite++;
    } else {
      throw new InputError(
        this.file,
        line,
        `expected a number in column '${this.header[this.choice.value]}', got ${excerpt(valueText.slice(vs, ve))}`,
        /^[-+]?\d{1,3}([,.' ]\d{3})+([.,]\d+)?$/.test(cell)
          ? 'it has a thousands separator that the first rows did not use; write the numbers the same way throughout'
          : 'choose another column with --value-column',
      );
    }
  }

  private badTimestamp(cell: string, line: number): never {
    const column = `column '${this.header[this.choice.timestamp]}'`;
    if (this.timeFormat) {
      throw new InputError(
        this.file,
        line,
        `expected a timestamp written as --timestamp-format '${this.timeFormat.pattern}' in ${column}, got ${excerpt(cell)}: ${this.timeFormat.mismatch(cell)}`,
        'fix the row, or give the format the column uses',
      );
    }
    throw new InputError(
      this.file,
      line,
      `expected a timestamp in ${column}, got ${excerpt(cell)}`,
      timestampFormatHint([cell]) ??
        `accepted: ${TIMESTAMP_FORMATS}, or any layout given with --timestamp-format; or choose another column with --timestamp-column`,
    );
  }

  /** One row as cells (sample rows and csv-parse's records). */
  cells(cells: string[], line: number): void {
    const { timestamp, value, hour, series } = this.choice;
    if (series !== undefined) {
      const name = cells[series] ?? '';
      if (!this.keep(name, 0, name.length)) return;
    }
    const time = timestamp < 0 ? '' : (cells[timestamp] ?? '');
    const load = cells[value] ?? '';
    const hourCell = hour === undefined ? '' : (cells[hour] ?? '');
    this.point(time, 0, time.length, load, 0, load.length, hourCell, 0, hourCell.length, line);
  }

  summary(): ScanSummary {
    const { header, choice, options } = this;
    const valueName = header[choice.value];
    const warnings: Warning[] = [];
    const counts = this.timestamps.counts;
    const add = (code: string, count: number, message: string) => {
      if (count > 0) warnings.push({ code, count, message });
    };
    add(
      'missing-values',
      this.missing,
      `${this.missing} row(s) with an empty or NaN value in '${valueName}' were skipped`,
    );
    add(
      'infinite-values',
      this.infinite,
      `${this.infinite} row(s) with an infinite value in '${valueName}' were skipped`,
    );
    add(
      'negative-values',
      this.negative,
      `${this.negative} row(s) with a negative value in '${valueName}' were skipped: load cannot be negative (an exporter's -1 for "no data"?)`,
    );
    add(
      'huge-values',
      this.huge,
      `${this.huge} row(s) with a value above 1e15 in '${valueName}' were skipped: too large for a load (an overflowed counter?)`,
    );
    add(
      'dst-gap',
      counts.dstGap,
      `${counts.dstGap} local time(s) fall in a daylight-saving gap of ${options.timezone} and were moved forward an hour`,
    );
    add(
      'dst-fold',
      counts.foldSecond,
      `${counts.foldSecond} local time(s) in a daylight-saving fold of ${options.timezone} came after the same clock time and were read as its second occurrence`,
    );
    if (counts.naive > 0 && counts.withOffset > 0) {
      add(
        'mixed-offsets',
        counts.naive,
        `${counts.naive} timestamp(s) have no UTC offset while ${counts.withOffset} have one; those without were read in ${options.timezone} (--timezone)`,
      );
    }
    this.checkSeries();
    if (this.rows === 0) {
      throw new UserError(
        `${this.file}: no rows with a usable value in column '${valueName}'`,
        warnings.map((w) => w.message).join('; ') || undefined,
      );
    }
    const numberNote = describeNumberFormat(this.format);
    const unitNote = this.unitNote();
    const seriesNote =
      choice.series === undefined
        ? undefined
        : `read series ${excerpt(options.series ?? '')} of column '${header[choice.series]}' (${this.rows.toLocaleString('en-US')} rows; ${this.otherRows.toLocaleString('en-US')} of other series skipped)`;
    return {
      timestampColumn:
        choice.timestamp < 0
          ? '(row position)'
          : header[choice.timestamp] + (choice.hour === undefined ? '' : `+${header[choice.hour]}`),
      valueColumn: valueName,
      rows: this.rows,
      warnings,
      notes: [...choice.notes, numberNote, unitNote, seriesNote].filter(
        (n): n is string => n !== undefined,
      ),
    };
  }

  /** What a unit in the values meant, said once with a count. */
  private unitNote(): string | undefined {
    if (this.withUnit === 0) return undefined;
    const rows = `${this.withUnit.toLocaleString('en-US')} rows`;
    const column = `'${this.header[this.choice.value]}'`;
    const prefixes = [...this.prefixes].join(', ');
    if (this.unit === '%')
      return `values in ${column} carried a % sign; read as numbers, 18.5% as 18.5 (${rows})`;
    const unit = this.unit ? ` in ${excerpt(this.unit)}` : '';
    if (prefixes) {
      return `values in ${column} carried SI prefixes (${prefixes}); read as numbers${unit} with the prefixes multiplied out, 1.2k as 1200 (${rows})`;
    }
    return `values in ${column} carried the unit ${excerpt(this.unit ?? '')}; read as numbers${unit} (${rows})`;
  }

  /** Long format: stop with the series' names when none (or no such) series was asked for. */
  private checkSeries(): void {
    const { choice, options, header } = this;
    if (choice.series === undefined || (options.series !== undefined && this.rows > 0)) return;
    const column = header[choice.series];
    const names = [...this.seriesNames];
    const listed =
      names.slice(0, 10).map(excerpt).join(', ') +
      (names.length > 10
        ? `, … (${names.length >= LISTED_SERIES ? 'over ' : ''}${names.length} in all)`
        : '');
    const flag = `--series-column ${column}`;
    if (options.series !== undefined) {
      throw new UserError(
        `${this.file}: no rows of series ${excerpt(options.series)} in column '${column}'; the series are ${listed}`,
        'give one of them with --series (names match exactly, case included)',
      );
    }
    throw new SeriesToChooseError(
      `${this.file}: column '${column}' names ${names.length === 1 ? 'one series' : `${names.length} series`} (${listed}); this command reads one`,
      `pick one with ${flag} --series NAME; \`headroom plan ${flag}\` plans each as a service of its own`,
      column,
    );
  }
}

/** Several series where one is read: `column` names them, for a hint that fits the source. */
export class SeriesToChooseError extends UserError {
  constructor(
    message: string,
    hint: string,
    readonly column: string,
  ) {
    super(message, hint);
    this.name = 'SeriesToChooseError';
  }
}

/** Header, detection sample and column choice: what both scanners share before the bulk rows. */
class Scan {
  header: string[] | undefined;
  delimiter = ',';
  reader: RowReader | undefined;
  private readonly sample: { cells: string[]; line: number }[] = [];

  constructor(
    private readonly file: string,
    private readonly options: ReadOptions,
    private readonly sink: PointSink,
  ) {}

  record(cells: string[], line: number): void {
    if (!this.header) {
      this.header = cells;
      return;
    }
    if (this.reader) return this.reader.cells(cells, line);
    this.sample.push({ cells, line });
    if (this.sample.length >= SAMPLE_ROWS) this.choose();
  }

  /** Chooses the columns and number format from the sample, then reads the sample's rows. */
  choose(): RowReader {
    if (this.reader) return this.reader;
    if (!this.header) {
      throw new UserError(`${this.file}: the file is empty; expected a header row and data rows`);
    }
    if (this.sample.length === 0) {
      throw new UserError(`${this.file}: the file has a header but no data rows`);
    }
    const rows = this.sample.map((r) => r.cells);
    const byPosition = this.options.rowIntervalMs !== undefined;
    const choice = chooseColumns(this.file, this.header, rows, { ...this.options, byPosition });
    const valueCells = rows.map((r) => (r[choice.value] ?? '').trim()).filter(Boolean);
    const withUnits = valueCells.map(numberWithUnit);
    const unit = withUnits.find((parts) => parts !== undefined)?.unit;
    const numbers = valueCells.map((cell, i) => withUnits[i]?.number.trim() ?? cell);
    const format = detectNumberFormat(numbers, this.delimiter);
    this.reader = new RowReader(
      this.file,
      this.header,
      choice,
      format,
      this.options,
      this.sink,
      unit,
    );
    for (const { cells, line } of this.sample) this.reader.cells(cells, line);
    this.sample.length = 0;
    return this.reader;
  }

  finish(): ScanSummary {
    return this.choose().summary();
  }

  /** The fast path's header line: sets the delimiter, records the cells, returns their count. */
  headerLine(text: string, line: number): number {
    this.delimiter = detectDelimiter(text);
    // A quoted header (perhaps malformed, perhaps spanning lines) is csv-parse's to read.
    if (text.includes('"')) throw new QuotedRow(this.delimiter);
    const cells = this.splitCells(text);
    this.record(cells, line);
    return cells.length;
  }

  /** A quote-free line of the sample: recorded; the reader once the columns are chosen. */
  sampleLine(text: string, line: number, width: number): RowReader | undefined {
    const cells = this.splitCells(text);
    if (cells.length !== width) throw new InputError(this.file, line, DIFFERENT_WIDTH);
    this.record(cells, line);
    return this.reader;
  }

  private splitCells(text: string): string[] {
    return text.split(this.delimiter).map((c) => c.trim());
  }
}

/**
 * The quote-free fast path: lines are cut straight out of the decoded text and only the chosen
 * cells are parsed, in place. A data row with a quote stops it (QuotedRow) for csv-parse.
 */
async function scanFast(file: string, options: ReadOptions, sink: PointSink): Promise<ScanSummary> {
  const scan = new Scan(file, options, sink);
  let line = 0;
  let width = 0;
  let fast: RowReader | undefined;
  let tIndex = -1;
  let vIndex = -1;
  let hIndex = -1;
  let sIndex = -1;

  /** One line of the file: the header, a row to choose the columns by, or a row to read. */
  const handle = (text: string, s: number, e: number, quoteAt: number) => {
    line++;
    if (e > s && text.charCodeAt(e - 1) === 13) e--;
    let first = s;
    while (first < e && isSpace(text.charCodeAt(first))) first++;
    if (first === e) return; // a blank line
    if (!scan.header) {
      width = scan.headerLine(text.slice(s, e), line);
      return;
    }
    if (quoteAt >= s && quoteAt < e) throw new QuotedRow(scan.delimiter);
    if (!fast) {
      const reader = scan.sampleLine(text.slice(s, e), line, width);
      if (reader) startFast(reader);
      return;
    }
    readFastRow(text, s, e);
  };

  const startFast = (reader: RowReader) => {
    fast = reader;
    tIndex = reader.choice.timestamp;
    vIndex = reader.choice.value;
    hIndex = reader.choice.hour ?? -1;
    sIndex = reader.choice.series ?? -1;
  };

  // Cell bounds of the current row, for the chosen columns only.
  let ts = 0;
  let te = 0;
  let vs = 0;
  let ve = 0;
  let hs = 0;
  let he = 0;
  let ss = 0;
  let se = 0;
  let nextDelimiter = -1;
  const readFastRow = (text: string, s: number, e: number) => {
    const delimiter = scan.delimiter;
    let field = 0;
    let start = s;
    for (;;) {
      if (nextDelimiter < start && nextDelimiter !== -2) {
        nextDelimiter = text.indexOf(delimiter, start);
        if (nextDelimiter < 0) nextDelimiter = -2;
      }
      const end = nextDelimiter >= 0 && nextDelimiter < e ? nextDelimiter : e;
      let a = start;
      let b = end;
      if (field === tIndex || field === vIndex || field === hIndex || field === sIndex) {
        while (a < b && isSpace(text.charCodeAt(a))) a++;
        while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
        if (field === tIndex) {
          ts = a;
          te = b;
        }
        if (field === vIndex) {
          vs = a;
          ve = b;
        }
        if (field === hIndex) {
          hs = a;
          he = b;
        }
        if (field === sIndex) {
          ss = a;
          se = b;
        }
      }
      field++;
      if (end === e) break;
      start = end + 1;
    }
    if (field !== width) throw new InputError(file, line, DIFFERENT_WIDTH);
    if (sIndex >= 0 && !fast!.keep(text, ss, se)) return;
    fast!.point(text, ts, te, text, vs, ve, text, hs, he, line);
  };

  const newText = () => {
    nextDelimiter = -1;
  };
  await forEachLine(file, newText, handle);
  return scan.finish();
}

/**
 * Calls `onLine` with each line of the file as text[s, e), without its newline, and the position
 * of the first quote at or after s (any position outside [s, e) when the line has none); calls
 * `onText` before the lines of each new text.
 */
async function forEachLine(
  file: string,
  onText: () => void,
  onLine: (text: string, s: number, e: number, quoteAt: number) => void,
): Promise<void> {
  let carry = '';
  for await (const chunk of textChunks(file)) {
    const text = carry.length > 0 ? carry + chunk : chunk;
    onText();
    let quoteAt = text.indexOf('"');
    let pos = 0;
    for (;;) {
      const newline = text.indexOf('\n', pos);
      if (newline < 0) break;
      if (quoteAt >= 0 && quoteAt < pos) quoteAt = text.indexOf('"', pos);
      onLine(text, pos, newline, quoteAt);
      pos = newline + 1;
    }
    carry = text.slice(pos);
  }
  if (carry.length > 0) {
    onText();
    onLine(carry, 0, carry.length, carry.indexOf('"'));
  }
}

/** The general path: csv-parse reads quoted fields (delimiters and newlines inside quotes). */
async function scanQuoted(
  file: string,
  options: ReadOptions,
  sink: PointSink,
  delimiter: string,
): Promise<ScanSummary> {
  const scan = new Scan(file, options, sink);
  scan.delimiter = delimiter;
  await parseQuoted(file, delimiter, (cells, line) => scan.record(cells, line));
  return scan.finish();
}

/** Every record of a file by csv-parse, streamed: quoted fields, errors at their line. */
async function parseQuoted(
  file: string,
  delimiter: string,
  onRecord: (cells: string[], line: number) => void,
): Promise<void> {
  const parser = Readable.from(textChunks(file)).pipe(
    parse({ delimiter, skip_empty_lines: true, trim: true, info: true }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      onRecord(record, info.lines);
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new InputError(file, line, csvProblem(error), quoteHint(error));
    }
    throw error;
  } finally {
    parser.destroy();
  }
}

/** One record of a CSV, header first: its cells, trimmed, and its line in the file. */
export type RecordSink = (cells: string[], line: number) => void;

/**
 * Reads a CSV record by record through the same reader as the series ingest: gzip, BOMs and
 * UTF-16 decoded, the delimiter detected from the header, blank lines skipped, rows of another
 * width refused at their line; quote-free lines are split where they lie, a file with quotes is
 * read (again, from the start) by csv-parse. `start` is called with the delimiter before each
 * pass and returns where the records go.
 */
export async function readRecords(
  file: string,
  start: (delimiter: string) => RecordSink,
): Promise<void> {
  try {
    await recordsFast(file, start);
  } catch (error) {
    if (!(error instanceof QuotedRow)) throw error;
    await parseQuoted(file, error.delimiter, start(error.delimiter));
  }
}

async function recordsFast(file: string, start: (delimiter: string) => RecordSink): Promise<void> {
  let sink: RecordSink | undefined;
  let delimiter = ',';
  let width = 0;
  let line = 0;
  await forEachLine(
    file,
    () => undefined,
    (text, s, e, quoteAt) => {
      line++;
      if (e > s && text.charCodeAt(e - 1) === 13) e--;
      const raw = text.slice(s, e);
      if (raw.trim() === '') return;
      if (!sink) delimiter = detectDelimiter(raw);
      if (quoteAt >= s && quoteAt < e) throw new QuotedRow(delimiter);
      const cells = raw.split(delimiter).map((c) => c.trim());
      if (!sink) {
        sink = start(delimiter);
        width = cells.length;
      } else if (cells.length !== width) {
        throw new InputError(file, line, DIFFERENT_WIDTH);
      }
      sink(cells, line);
    },
  );
}

/** How to fix a quoting mistake csv-parse found (in the header or any row). */
function quoteHint(error: CsvError): string | undefined {
  if (!error.code.includes('QUOTE')) return undefined;
  return 'every opening quote needs a closing one, and a quote inside a quoted field is doubled ("say ""hi"""); fix the quotes or remove them';
}

/**
 * Reads a CSV file row by row into `sink` and says what it chose and fixed. `start` is called
 * for a fresh sink before each pass: a file whose rows turn out to hold quotes is read again by
 * csv-parse from the start.
 */
export async function scanCsv(
  file: string,
  options: ReadOptions,
  start: () => PointSink,
): Promise<ScanSummary> {
  try {
    return await scanFast(file, options, start());
  } catch (error) {
    if (!(error instanceof QuotedRow)) throw error;
    return scanQuoted(file, options, start(), error.delimiter);
  }
}

/** Streams a CSV file and returns its (timestamp, value) samples in file order. */
export async function readCsv(file: string, options: ReadOptions): Promise<ReadResult> {
  let points = new PointChunks();
  const summary = await scanCsv(file, options, () => (points = new PointChunks()).add);
  return {
    points: points.toRaw(),
    timestampColumn: summary.timestampColumn,
    valueColumn: summary.valueColumn,
    warnings: summary.warnings,
    notes: summary.notes,
  };
}
