/**
 * How a file writes its numbers: plain (`1234.5`), with comma thousands separators (`1,234.5`,
 * quoted in a comma-separated file), or with a decimal comma (`1.234,5` or `1234,5`, as European
 * spreadsheets export them, usually `;`-separated).
 */
export type NumberFormat = 'plain' | 'thousands-comma' | 'decimal-comma';

const THOUSANDS_COMMA = /^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const DECIMAL_COMMA = /^[-+]?(\d+|\d{1,3}([. ]\d{3})+),\d+$/;
const DOT_THOUSANDS = /^[-+]?\d{1,3}([. ]\d{3})+$/;

/**
 * The format of a column's numbers, from a sample of its cells. A decimal comma is only assumed
 * when the file is not comma-separated and some cell has a comma: `1.234` alone stays 1.234.
 */
export function detectNumberFormat(cells: string[], delimiter: string): NumberFormat {
  if (delimiter !== ',' && cells.some((c) => DECIMAL_COMMA.test(c))) return 'decimal-comma';
  if (cells.some((c) => THOUSANDS_COMMA.test(c))) return 'thousands-comma';
  return 'plain';
}

export function describeNumberFormat(format: NumberFormat): string | undefined {
  if (format === 'thousands-comma') return "values use ',' as a thousands separator (1,234.5)";
  if (format === 'decimal-comma') {
    return "values use ',' as the decimal mark and '.' or a space between thousands (1.234,5)";
  }
  return undefined;
}

// Powers of ten that are exact doubles: a mantissa below 2^53 divided by one is correctly rounded.
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The number in text[start, end), exactly as `Number()` reads it; NaN when it is not one. Plain
 * decimals with up to 15 digits are parsed in place (Clinger's fast path); the rest fall back to
 * `Number()` after the format's separators are removed.
 */
export function parseNumberAt(
  text: string,
  start: number,
  end: number,
  format: NumberFormat,
): number {
  let i = start;
  let negative = false;
  const sign = text.charCodeAt(i);
  if (sign === 45 || sign === 43) {
    negative = sign === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let dot = false;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (dot) scale++;
    } else if (c === 46 && !dot && format !== 'decimal-comma') {
      dot = true;
    } else {
      break;
    }
  }
  if (i === end && digits > 0 && digits <= 15) {
    const value = scale === 0 ? mantissa : mantissa / POW10[scale];
    return negative ? -value : value;
  }
  return parseNumber(text.slice(start, end), format);
}

/** Whether a cell reads as a number in some format (for choosing the value column). */
export function looksNumeric(cell: string): boolean {
  return (
    Number.isFinite(Number(cell)) ||
    THOUSANDS_COMMA.test(cell) ||
    DECIMAL_COMMA.test(cell) ||
    DOT_THOUSANDS.test(cell)
  );
}

/** One cell as a number in `format`; NaN when it is not one (text, or a misplaced separator). */
export function parseNumber(cell: string, format: NumberFormat): number {
  let text = cell;
  if (format === 'thousands-comma' && THOUSANDS_COMMA.test(text)) {
    text = text.replace(/,/g, '');
  } else if (format === 'decimal-comma') {
    if (DECIMAL_COMMA.test(text)) text = text.replace(/[. ]/g, '').replace(',', '.');
    else if (DOT_THOUSANDS.test(text)) text = text.replace(/[. ]/g, '');
    else if (text.includes('.')) return NaN;
  }
  // Number('') is 0 and Number('0x10') is 16: neither is a load reading.
  if (text.trim() === '' || /^[-+]?0[xob]/i.test(text)) return NaN;
  if (/^[-+]?inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

/** SI prefixes that multiply a value written with them (`1.2k`, `3 MB`, `5 Gbps`). */
export const SI_PREFIXES: Readonly<Record<string, number>> = {
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};
/** What an SI prefix may stand before: nothing, bytes and bits, or a rate (`kreq/s`). */
const PREFIXABLE = /^(|B|b|bit|bps|Bps|Hz|W|Wh|[A-Za-z]*\/s)$/;
/** A unit after a space (`350 ms`, `12 req/s`, `21 °C`). */
const UNIT = /^[A-Za-zµ°][A-Za-zµ°/%]*$/;

/** A value cell split into its number, SI prefix and unit: `1.2 kB` is 1.2, k, B. */
export interface NumberWithUnit {
  number: string;
  prefix: string;
  unit: string;
}

/**
 * A number followed by a % sign, an SI prefix or a unit, as Grafana's CSV export writes them
 * (`18.86%`, `1.2k`, `350 ms`, `12 req/s`, `3 MB`); undefined for anything else, a bare number
 * included. A unit in words needs a space before it, so `2xx` or `v2` are not numbers.
 */
export function numberWithUnit(cell: string): NumberWithUnit | undefined {
  let last = cell.length - 1;
  while (last >= 0 && !(cell.charCodeAt(last) >= 48 && cell.charCodeAt(last) <= 57)) last--;
  if (last < 0 || last === cell.length - 1) return undefined;
  const number = cell.slice(0, last + 1);
  const rest = cell.slice(last + 1);
  const suffix = rest.trim();
  const spaced = /^\s/.test(rest);
  if (!looksNumeric(number)) return undefined;
  if (suffix === '%') return { number, prefix: '', unit: '%' };
  const rate = suffix.slice(1);
  if (suffix[0] in SI_PREFIXES && PREFIXABLE.test(rate)) {
    return { number, prefix: suffix[0], unit: rate };
  }
  if (spaced && UNIT.test(suffix)) return { number, prefix: '', unit: suffix };
  return undefined;
}
