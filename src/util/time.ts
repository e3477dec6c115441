import { DateTime } from 'luxon';

/** ISO 8601 in the given zone: "2024-05-01T10:00:00Z" for UTC, with an offset otherwise. */
export function formatTimestamp(ms: number, zone = 'UTC'): string {
  if (zone === 'UTC') return new Date(ms).toISOString().replace('.000Z', 'Z');
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? String(ms);
}

/** "2024-05-01 10:00" in the given zone, for tables and charts. */
export function formatShort(ms: number, zone = 'UTC'): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm');
}

export function isValidZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}
