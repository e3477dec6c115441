import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../src/ingest/timestamp.js';

const NY = 'America/New_York';
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s, ms);

describe('parseTimestamp', () => {
  it.each([
    // [text, zone, expected epoch ms]
    ['2024-05-01T10:00:00Z', 'UTC', utc(2024, 5, 1, 10)],
    ['2024-05-01T10:00:00z', NY, utc(2024, 5, 1, 10)],
    ['2024-05-01T10:00:00+02:00', 'UTC', utc(2024, 5, 1, 8)],
    ['2024-05-01T10:00:00+0530', 'UTC', utc(2024, 5, 1, 4, 30)],
    ['2024-05-01T10:00:00-05:00', 'UTC', utc(2024, 5, 1, 15)],
    ['2024-05-01T10:00:00+02', 'UTC', utc(2024, 5, 1, 8)],
    // An explicit offset wins over the zone used for naive times.
    ['2024-05-01T10:00:00+02:00', NY, utc(2024, 5, 1, 8)],
    ['2024-05-01 10:00:00', 'UTC', utc(2024, 5, 1, 10)],
    ['2024/05/01 10:00', 'UTC', utc(2024, 5, 1, 10)],
    // New York is UTC−4 in May (EDT) and UTC−5 in January (EST).
    ['2024-05-01 10:00:00', NY, utc(2024, 5, 1, 14)],
    ['2024-01-15 10:00:00', NY, utc(2024, 1, 15, 15)],
    ['2024-05-01T10:00:00.123Z', 'UTC', utc(2024, 5, 1, 10, 0, 0, 123)],
    ['2024-05-01 10:00:00,5', 'UTC', utc(2024, 5, 1, 10, 0, 0, 500)],
    ['2024-05-01T10:00:00.123456789Z', 'UTC', utc(2024, 5, 1, 10, 0, 0, 123)],
    ['2024-05-01 10:00:00.250', NY, utc(2024, 5, 1, 14, 0, 0, 250)],
    ['1714557600', 'UTC', utc(2024, 5, 1, 10)],
    ['1714557600000', 'UTC', utc(2024, 5, 1, 10)],
    ['1714557600.5', 'UTC', utc(2024, 5, 1, 10, 0, 0, 500)],
    // Epoch values ignore the zone.
    ['1714557600', NY, utc(2024, 5, 1, 10)],
  ])('%s in %s', (text, zone, expected) => {
    const parsed = parseTimestamp(text, zone);
    expect(parsed.ms).toBe(expected);
    expect(parsed.dateOnly).toBe(false);
    expect(parsed.inDstGap).toBe(false);
  });

  it.each([
    ['not a time'],
    [''],
    ['2024-13-01 10:00:00'],
    ['2024-13-01'],
    ['2024-05-32'],
    ['2024-05-00 10:00:00'],
    ['2024-05-01 10:60:00'],
    ['2024-05-01 10:00:61'],
    ['20240501'],
    ['12345'],
    ['2024-05-01T10:00:00Zjunk'],
  ])('%j is not a timestamp (NaN)', (text) => {
    expect(parseTimestamp(text, 'UTC').ms).toBeNaN();
    expect(parseTimestamp(text, NY).ms).toBeNaN();
  });

  it('reads a bare date as midnight and flags it as date-only', () => {
    expect(parseTimestamp('2011-01-01', 'UTC')).toEqual({
      ms: utc(2011, 1, 1),
      dateOnly: true,
      inDstGap: false,
      hasOffset: false,
    });
    expect(parseTimestamp('2011-01-01', NY).ms).toBe(utc(2011, 1, 1, 5));
  });

  it.each([
    [0, 'UTC', utc(2011, 1, 1, 0)],
    [5, 'UTC', utc(2011, 1, 1, 5)],
    [23, 'UTC', utc(2011, 1, 1, 23)],
    [0, NY, utc(2011, 1, 1, 5)],
    [13, NY, utc(2011, 1, 1, 18)],
    [23, NY, utc(2011, 1, 2, 4)],
  ])('adds an hour column (%i h) to a date-only cell in %s', (hours, zone, expected) => {
    const parsed = parseTimestamp('2011-01-01', zone, hours);
    expect(parsed.ms).toBe(expected);
    expect(parsed.dateOnly).toBe(true);
    expect(parsed.inDstGap).toBe(false);
  });

  it('moves a New York spring-forward gap time (2024-03-10 02:30) forward and flags it', () => {
    const parsed = parseTimestamp('2024-03-10 02:30:00', NY);
    expect(parsed.inDstGap).toBe(true);
    // 03:30 EDT = 07:30Z: one hour later in wall-clock time than the text.
    expect(parsed.ms).toBe(utc(2024, 3, 10, 7, 30));
    // The hours around it are ordinary.
    expect(parseTimestamp('2024-03-10 01:30:00', NY)).toEqual({
      ms: utc(2024, 3, 10, 6, 30),
      dateOnly: false,
      inDstGap: false,
      hasOffset: false,
    });
    expect(parseTimestamp('2024-03-10 03:30:00', NY).ms).toBe(utc(2024, 3, 10, 7, 30));
  });

  it('flags a date plus an hour column that falls in the gap', () => {
    const parsed = parseTimestamp('2012-03-11', 'America/New_York', 2);
    expect(parsed.inDstGap).toBe(true);
    expect(parsed.ms).toBe(utc(2012, 3, 11, 7));
  });

  it('reads the ambiguous fall-back 01:30 (2024-11-03) as one of its two real instants', () => {
    const parsed = parseTimestamp('2024-11-03 01:30:00', NY);
    expect(parsed.inDstGap).toBe(false);
    expect([utc(2024, 11, 3, 5, 30), utc(2024, 11, 3, 6, 30)]).toContain(parsed.ms);
    // Either way it sits between 00:30 EDT and 02:30 EST.
    expect(parsed.ms).toBeGreaterThan(parseTimestamp('2024-11-03 00:30:00', NY).ms);
    expect(parsed.ms).toBeLessThan(parseTimestamp('2024-11-03 02:30:00', NY).ms);
    expect(parseTimestamp('2024-11-03 02:30:00', NY).ms).toBe(utc(2024, 11, 3, 7, 30));
  });

  it('does not apply DST rules to naive times read in UTC', () => {
    expect(parseTimestamp('2024-03-10 02:30:00', 'UTC')).toEqual({
      ms: utc(2024, 3, 10, 2, 30),
      dateOnly: false,
      inDstGap: false,
      hasOffset: false,
    });
  });

  it('rejects an unknown zone for naive times', () => {
    expect(parseTimestamp('2024-05-01 10:00:00', 'Mars/Olympus_Mons').ms).toBeNaN();
  });

  it.each([['2024-02-30 10:00:00'], ['2024-04-31'], ['2024-00-10'], ['2023-02-29T00:00:00Z']])(
    'rejects the impossible date %s in UTC as it does in a named zone',
    (text) => {
      expect(parseTimestamp(text, 'UTC').ms).toBeNaN();
    },
  );

  it.each([['2024-02-30 10:00:00'], ['2024-04-31'], ['2024-00-10']])(
    'rejects the impossible naive date %s in a named zone',
    (text) => {
      expect(parseTimestamp(text, NY).ms).toBeNaN();
    },
  );

  it('rejects an hour of 25', () => {
    expect(parseTimestamp('2024-05-01 25:00:00', 'UTC').ms).toBeNaN();
  });
});
