/**
 * `--timestamp-format`: strftime-like patterns (`%d/%m/%Y %H:%M`, `%m/%d/%Y %I:%M %p`,
 * `%Y%m%d%H%M`) compiled once into a parser that reads a cell in place, digit by digit. Luxon's
 * `DateTime.fromFormat` reads the same cells at 10–24 µs each (20–47 s for 2 million rows, 20–40×
 * the rest of ingest); this reads them at well under a microsecond and hands the wall-clock
 * fields to the same zone arithmetic as every other timestamp (see timestamp.ts).
 */
import { UserError } from '../errors.js';

/** The directives a format may use, for help and errors. */
export const FORMAT_DIRECTIVES =
  '%Y year, %y two-digit year, %m month, %b month name (Jan), %d day, %H hour 0–23, %I hour 1–12 with %p AM/PM, %M minute, %S second, %f fraction of a second, %z UTC offset (+01:00, +0100, Z), %% a percent sign';

/** The wall-clock fields of one timestamp; `offsetMinutes` only when the format has %z. */
export interface FormatFields {
  year: number;
  month0: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
  offsetMinutes?: number;
}

type Step =
  | {
      kind: 'number';
      field: 'Y' | 'y' | 'm' | 'd' | 'H' | 'I' | 'M' | 'S';
      min: number;
      max: number;
    }
  | { kind: 'fraction' }
  | { kind: 'ampm' }
  | { kind: 'month-name' }
  | { kind: 'offset' }
  | { kind: 'space' }
  | { kind: 'literal'; text: string };

const WIDTHS: Record<string, [number, number]> = {
  Y: [4, 4],
  y: [2, 2],
  m: [1, 2],
  d: [1, 2],
  H: [1, 2],
  I: [1, 2],
  M: [1, 2],
  S: [1, 2],
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A compiled `--timestamp-format`. */
export interface TimestampFormat {
  /** As the user wrote it. */
  pattern: string;
  /** Whether it reads a time of day (else the cells are dates). */
  hasTime: boolean;
  /** Whether cells carry their own UTC offset (%z). */
  hasOffset: boolean;
  /** The fields of text[start, end), or undefined when it does not match. */
  read(text: string, start: number, end: number): FormatFields | undefined;
  /** Why text does not match, for an error message. */
  mismatch(text: string): string;
}

const compiled = new Map<string, TimestampFormat>();

/** The format compiled, once per pattern; a UserError names what is wrong with a bad one. */
export function compileTimestampFormat(pattern: string): TimestampFormat {
  let format = compiled.get(pattern);
  if (!format) {
    format = compile(pattern);
    compiled.set(pattern, format);
  }
  return format;
}

function compile(pattern: string): TimestampFormat {
  const bad = (problem: string) =>
    new UserError(
      `--timestamp-format '${pattern}': ${problem}`,
      `directives: ${FORMAT_DIRECTIVES}`,
    );
  const { steps, seen } = parseSteps(pattern, bad);
  checkDirectives(seen, bad);
  const reader = cellReader(steps);
  return {
    pattern,
    hasTime: seen.has('H') || seen.has('I'),
    hasOffset: seen.has('z'),
    read: reader.read,
    mismatch(text) {
      return reader.read(text, 0, text.length) ? '' : reader.failed();
    },
  };
}

/** The pattern as steps to read, and the directives it uses; a UserError for a bad directive. */
function parseSteps(
  pattern: string,
  bad: (problem: string) => UserError,
): { steps: Step[]; seen: Set<string> } {
  const steps: Step[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === ' ') {
      if (steps[steps.length - 1]?.kind !== 'space') steps.push({ kind: 'space' });
      continue;
    }
    if (c !== '%') {
      const last = steps[steps.length - 1];
      if (last?.kind === 'literal') last.text += c;
      else steps.push({ kind: 'literal', text: c });
      continue;
    }
    const d = pattern[++i];
    if (d === undefined) throw bad('it ends with a lone %');
    if (d === '%') {
      steps.push({ kind: 'literal', text: '%' });
      continue;
    }
    if (seen.has(d)) throw bad(`%${d} appears twice`);
    seen.add(d);
    if (d in WIDTHS) {
      const [min, max] = WIDTHS[d];
      steps.push({ kind: 'number', field: d as 'Y', min, max });
    } else if (d === 'f') steps.push({ kind: 'fraction' });
    else if (d === 'p') steps.push({ kind: 'ampm' });
    else if (d === 'b') steps.push({ kind: 'month-name' });
    else if (d === 'z') steps.push({ kind: 'offset' });
    else throw bad(`unknown directive %${d}`);
  }
  return { steps, seen };
}

/** A UserError unless the directives make a whole date (and time), each field once. */
function checkDirectives(seen: Set<string>, bad: (problem: string) => UserError): void {
  if (!seen.has('Y') && !seen.has('y')) throw bad('it has no year (%Y or %y)');
  if (!seen.has('m') && !seen.has('b')) throw bad('it has no month (%m or %b)');
  if (!seen.has('d')) throw bad('it has no day (%d)');
  if (seen.has('Y') && seen.has('y')) throw bad('it has both %Y and %y');
  if (seen.has('m') && seen.has('b')) throw bad('it has both %m and %b');
  if (seen.has('H') && seen.has('I')) throw bad('it has both %H and %I');
  if (seen.has('I') !== seen.has('p')) throw bad('%I (hour 1–12) and %p (AM/PM) go together');
  const hasTime = seen.has('H') || seen.has('I');
  if (!hasTime && (seen.has('M') || seen.has('S'))) throw bad('minutes without an hour (%H)');
}

/** A compiled format's reader, and why the last cell it read did not match. */
interface CellReader {
  read: TimestampFormat['read'];
  failed(): string;
}

/**
 * The steps compiled into `read`, which reads a cell in place; after a mismatch, `failed` says
 * where and what was expected.
 */
function cellReader(steps: Step[]): CellReader {
  let failed = '';
  const read = (text: string, start: number, end: number): FormatFields | undefined => {
    let year = 0;
    let month0 = 0;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let millis = 0;
    let pm = -1;
    let offsetMinutes: number | undefined;
    let i = start;
    const fail = (what: string) => {
      failed = `${what} at character ${i - start + 1}`;
      return undefined;
    };
    for (const step of steps) {
      switch (step.kind) {
        case 'number': {
          let value = 0;
          let digits = 0;
          while (digits < step.max && i < end) {
            const c = text.charCodeAt(i) - 48;
            if (c < 0 || c > 9) break;
            value = value * 10 + c;
            digits++;
            i++;
          }
          if (digits < step.min) {
            return fail(
              `%${step.field} expected ${step.min === step.max ? step.min : `${step.min}–${step.max}`} digit(s)`,
            );
          }
          if (step.field === 'Y') year = value;
          else if (step.field === 'y') year = value < 69 ? 2000 + value : 1900 + value;
          else if (step.field === 'm') month0 = value - 1;
          else if (step.field === 'd') day = value;
          else if (step.field === 'H' || step.field === 'I') hour = value;
          else if (step.field === 'M') minute = value;
          else second = value;
          break;
        }
        case 'fraction': {
          let fraction = 0;
          let scale = 1;
          const from = i;
          while (i < end && i - from < 9) {
            const c = text.charCodeAt(i) - 48;
            if (c < 0 || c > 9) break;
            fraction = fraction * 10 + c;
            scale *= 10;
            i++;
          }
          if (i === from) return fail('%f expected digits');
          millis = Math.round((fraction / scale) * 1000);
          break;
        }
        case 'ampm':
          pm = readAmPm(text, i, end);
          if (pm < 0) return fail('%p expected AM or PM');
          i += 2;
          break;
        case 'month-name':
          month0 = readMonthName(text, i, end);
          if (month0 < 0) return fail('%b expected a month name (Jan…Dec)');
          i += 3;
          break;
        case 'offset': {
          const offset = readOffset(text, i, end);
          if (!offset) return fail('%z expected an offset (+01:00, +0100 or Z)');
          offsetMinutes = offset.minutes;
          i += offset.length;
          break;
        }
        case 'space': {
          const from = i;
          while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
          if (i === from) return fail('expected a space');
          break;
        }
        case 'literal':
          if (!text.startsWith(step.text, i) || i + step.text.length > end) {
            return fail(`expected '${step.text}'`);
          }
          i += step.text.length;
      }
    }
    if (i !== end) return fail('unexpected text');
    if (pm >= 0) {
      if (hour < 1 || hour > 12) return fail('%I expected an hour 1–12');
      hour = (hour % 12) + pm * 12;
    }
    if (month0 < 0 || month0 > 11) return fail('the month is not 1–12');
    if (day < 1 || day > daysInMonth(year, month0)) return fail('the day is not in the month');
    if (hour > 23 || minute > 59 || second > 59) return fail('the time of day is out of range');
    return { year, month0, day, hour, minute, second, millis, offsetMinutes };
  };
  return { read, failed: () => failed };
}

/** AM or PM at text[i, i + 2) (any case): 0 for AM, 1 for PM, −1 for neither. */
function readAmPm(text: string, i: number, end: number): number {
  const a = text.charCodeAt(i) | 32;
  const m = text.charCodeAt(i + 1) | 32;
  if (i + 2 > end || (a !== 97 && a !== 112) || m !== 109) return -1;
  return a === 112 ? 1 : 0;
}

/** The month (0–11) named at text[i, i + 3) (Jan…Dec, any case), or −1. */
function readMonthName(text: string, i: number, end: number): number {
  const index = MONTHS.indexOf(text.slice(i, i + 3).toLowerCase());
  return index < 0 || i + 3 > end ? -1 : index;
}

/** The UTC offset at text[i, end) (Z, +01:00, +0100, +01): its minutes and length, or undefined. */
function readOffset(
  text: string,
  i: number,
  end: number,
): { minutes: number; length: number } | undefined {
  const sign = text.charCodeAt(i);
  if (sign === 90 || sign === 122) return { minutes: 0, length: 1 };
  const match = /^[+-](\d{2}):?(\d{2})?/.exec(text.slice(i, end));
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2] ?? 0);
  return { minutes: sign === 45 ? -minutes : minutes, length: match[0].length };
}

export function daysInMonth(year: number, month0: number): number {
  if (month0 === 1) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month0];
}

const SLASHED =
  /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:([ T])(\d{1,2}):(\d{2})(:\d{2})?(?:\s*([AaPp][Mm]))?)?$/;

/**
 * The `--timestamp-format` patterns that could read cells such as `01/02/2024 13:00`: day first,
 * month first, or both when no cell tells them apart (no first or second number above 12).
 * Empty when the cells are not of that shape.
 */
export function suggestTimestampFormats(cells: string[]): string[] {
  const matches = cells.map((c) => SLASHED.exec(c.trim()));
  const found = matches.filter((m): m is RegExpExecArray => m !== null);
  if (found.length === 0 || found.length * 2 < cells.length) return [];
  const first = found[0];
  const [, , sep, , year, t, , , seconds, ampm] = first;
  const time = t ? `${t}${ampm ? '%I' : '%H'}:%M${seconds ? ':%S' : ''}${ampm ? ' %p' : ''}` : '';
  const date = (a: string, b: string) => `%${a}${sep}%${b}${sep}${year.length === 4 ? '%Y' : '%y'}`;
  const dayFirst = !found.some((m) => Number(m[1]) > 31 || Number(m[3]) > 12);
  const monthFirst = !found.some((m) => Number(m[1]) > 12 || Number(m[3]) > 31);
  return [
    ...(dayFirst ? [date('d', 'm') + time] : []),
    ...(monthFirst ? [date('m', 'd') + time] : []),
  ];
}

/** "add --timestamp-format '…'" for cells of a recognisable shape, or undefined. */
export function timestampFormatHint(cells: string[]): string | undefined {
  const formats = suggestTimestampFormats(cells);
  if (formats.length === 0) return undefined;
  const flag = (f: string) => `--timestamp-format '${f}'`;
  return formats.length === 1
    ? `the cells look like day and month numbers: add ${flag(formats[0])}`
    : `the cells could be day/month or month/day (no number above 12 tells them apart): add ${flag(formats[0])} if the day comes first, or ${flag(formats[1])} if the month does`;
}
