import { maxOf } from './extremes.js';

/** A plain aligned table; numbers right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, j) => maxOf(cells.map((r) => (r[j] ?? '').length)));
  const numeric = header.map(
    (_, j) => rows.length > 0 && rows.every((r) => /^[-+]?[\d,]*\.?\d+%?$|^–$/.test(String(r[j]))),
  );
  const line = (r: string[]) =>
    r
      .map((c, j) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [line(cells[0]), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join(
    '\n',
  );
}
