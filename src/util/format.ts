/** Numbers as text, for files (formatNumber) and for people (formatReadable). */

/** Up to three decimals, without trailing zeros; empty for missing. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  return String(Math.round(value * 1000) / 1000);
}

/** For people: whole numbers with digit grouping from 100 up, three significant digits below. */
export function formatReadable(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  // Not 1.66e-12: a figure this small reads as what it is.
  if (value !== 0 && Math.abs(value) < 0.001) return value > 0 ? '< 0.001' : '> −0.001';
  return String(Number(value.toPrecision(3)));
}

/** Value column names that say nothing about what is counted: charts call that "load". */
const GENERIC_COLUMNS = new Set([
  'value',
  'values',
  'val',
  'y',
  'data',
  'metric',
  'measure',
  'amount',
]);

/** The unit charts and summaries name the load in: --unit, else the value column unless it is generic. */
export function loadUnit(unit: string | undefined, valueColumn: string): string {
  if (unit) return unit;
  return GENERIC_COLUMNS.has(valueColumn.trim().toLowerCase()) ? 'load' : valueColumn;
}
