import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { localMinuteOfWeek, zoneOffsetMinutes } from '../src/util/zone-offset.js';

// The cached offsets stand in for luxon on every instant a weekly schedule probes: they must
// give the same wall clock, across DST changes and in zones whose offset is not whole hours.
const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Santiago',
];
const FROM = Date.UTC(2020, 0, 1);
const TO = Date.UTC(2030, 0, 1);

function luxonMinuteOfWeek(t: number, zone: string): number {
  const local = DateTime.fromMillis(t, { zone });
  return (local.weekday - 1) * 1440 + local.hour * 60 + local.minute;
}

describe('the cached zone clock', () => {
  it('gives luxon’s offset and local minute of the week at any instant, in any zone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: FROM / 60_000, max: TO / 60_000 }),
        (zone, minute) => {
          const t = minute * 60_000;
          expect(zoneOffsetMinutes(t, zone)).toBe(DateTime.fromMillis(t, { zone }).offset);
          expect(localMinuteOfWeek(t, zone)).toBe(luxonMinuteOfWeek(t, zone));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('holds minute by minute through a spring and an autumn DST change', () => {
    for (const [zone, day] of [
      ['America/New_York', Date.UTC(2026, 2, 8)],
      ['America/New_York', Date.UTC(2026, 10, 1)],
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4)],
    ] as const) {
      for (let t = day; t < day + 86_400_000; t += 60_000) {
        expect(localMinuteOfWeek(t, zone)).toBe(luxonMinuteOfWeek(t, zone));
      }
    }
  });
});
