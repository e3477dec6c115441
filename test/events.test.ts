import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, UserError } from '../src/errors.js';
import {
  calendarFromJSON,
  eventIndicator,
  holidayCalendar,
  localDate,
  makeCalendar,
  parseEventsCsv,
  upcoming,
  type EventDay,
} from '../src/features/events.js';
import { readEventsCsv } from '../src/ingest/events-file.js';
import { thrown } from './helpers/thrown.js';

const NY = 'America/New_York';
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'headroom-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tempCsv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const named = (days: EventDay[], date: string) =>
  days.filter((d) => d.date === date).map((d) => d.name);

describe('holidayCalendar', () => {
  const us = holidayCalendar('US', 2024, 2024);

  it('lists public US holidays by local date', () => {
    expect(named(us, '2024-07-04')).toEqual(['Independence Day']);
    expect(named(us, '2024-11-28')).toEqual(['Thanksgiving Day']);
    expect(named(us, '2024-12-25')).toEqual(['Christmas Day']);
    expect(us.every((d) => d.kind === 'holiday' && /^2024-\d\d-\d\d$/.test(d.date))).toBe(true);
  });

  it('leaves out observances, optional and bank days unless asked', () => {
    const names = us.map((d) => d.name);
    for (const name of ["Valentine's Day", "Mother's Day", 'Halloween', 'Christmas Eve']) {
      expect(names).not.toContain(name);
    }
    expect(named(us, '2024-11-29')).toEqual([]); // Day after Thanksgiving is an observance
    const all = holidayCalendar('US', 2024, 2024, { types: ['public', 'observance'] });
    expect(named(all, '2024-02-14')).toEqual(["Valentine's Day"]);
  });

  it('covers every year of the range and includes substitute days', () => {
    const days = holidayCalendar('US', 2021, 2022);
    expect(named(days, '2021-07-04')).toEqual(['Independence Day']);
    expect(named(days, '2021-07-05')).toEqual(['Independence Day (substitute day)']);
    expect(named(days, '2022-07-04')).toEqual(['Independence Day']);
  });

  it('adds regional holidays for a state', () => {
    const ny = holidayCalendar('US-NY', 2024, 2024);
    expect(named(ny, '2024-02-12')).toEqual(["Lincoln's Birthday"]);
    expect(named(us, '2024-02-12')).toEqual([]);
    const by = holidayCalendar('de-by', 2024, 2024);
    expect(named(by, '2024-05-30')).toEqual(['Corpus Christi']);
    expect(named(holidayCalendar('DE', 2024, 2024), '2024-05-30')).toEqual([]);
  });

  it('expands holidays that last several days', () => {
    // Eid al-Fitr in the UAE is a three-day public holiday.
    const ae = holidayCalendar('AE', 2024, 2024);
    const eid = ae.filter((d) => d.date >= '2024-04-09' && d.date <= '2024-04-13');
    expect(eid.map((d) => d.date)).toEqual(['2024-04-10', '2024-04-11', '2024-04-12']);
  });

  it('rejects an unknown country or region with a hint listing codes', async () => {
    const error = await thrown(() => holidayCalendar('XX', 2024, 2024));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain("'XX'");
    expect((error as UserError).hint).toMatch(/Supported codes: .*\bUS\b/);
    const region = await thrown(() => holidayCalendar('US-ZZ', 2024, 2024));
    expect(region).toBeInstanceOf(UserError);
    expect(region.message).toContain("'ZZ'");
    expect((region as UserError).hint).toContain('NY');
    const byName = await thrown(() => holidayCalendar('Germany', 2024, 2024));
    expect(byName.message).toContain('did you mean DE');
    expect(await thrown(() => holidayCalendar('US', 2025, 2024))).toBeInstanceOf(UserError);
  });
});

describe('readEventsCsv', () => {
  it('reads events and expands multi-day ones through their inclusive end', async () => {
    const days = await readEventsCsv(fixture('events.csv'));
    expect(days).toEqual([
      { date: '2024-03-15', name: 'Spring launch', kind: 'event' },
      { date: '2024-11-29', name: 'Black Friday sale', kind: 'event' },
      { date: '2024-11-30', name: 'Black Friday sale', kind: 'event' },
      { date: '2024-12-01', name: 'Black Friday sale', kind: 'event' },
      { date: '2024-12-02', name: 'Black Friday sale', kind: 'event' },
      { date: '2024-06-01', name: 'Conference', kind: 'event' },
      { date: '2024-07-04', name: 'event', kind: 'event' },
    ]);
  });

  it('needs only a date column', async () => {
    const file = tempCsv('dates.csv', 'Date\n2024-1-5\n2024/02/29T10:00:00Z\n');
    expect((await readEventsCsv(file)).map((d) => d.date)).toEqual(['2024-01-05', '2024-02-29']);
  });

  it.each([
    ['bad date', 'date,name\n2024-01-01,ok\n2024-02-30,bad\n', 3, "column 'date'"],
    ['text date', 'date,name\n2024-01-01,ok\n\nsoon,bad\n', 4, "got 'soon'"],
    ['epoch date', 'date\n1704067200\n', 2, "column 'date'"],
    ['bad end', 'date,name,end\n2024-01-01,ok,2024-01-99\n', 2, "column 'end'"],
    ['end before date', 'date,name,end\n2024-01-05,x,2024-01-01\n', 2, 'before'],
    ['runaway end', 'date,name,end\n2024-01-05,x,2025-01-05\n', 2, '367 days'],
    ['ragged row', 'date,name\n2024-01-01,a\n2024-01-02,b,c\n', 3, 'number of fields'],
    ['no date column', 'day,name\n2024-01-01,a\n', 1, "'date' column"],
  ])('reports %s as an InputError with its line', async (_, text, line, problem) => {
    const file = tempCsv('bad.csv', text);
    const error = await thrown(() => readEventsCsv(file));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).line).toBe(line);
    expect(error.message).toContain(`${file}:${line}: `);
    expect(error.message).toContain(problem);
  });

  it('rejects an empty file, a header alone and a missing file as UserErrors', async () => {
    for (const file of [
      tempCsv('empty.csv', ''),
      tempCsv('header.csv', 'date,name\n'),
      join(dir, 'missing.csv'),
    ]) {
      const error = await thrown(() => readEventsCsv(file));
      expect(error).toBeInstanceOf(UserError);
      expect(error).not.toBeInstanceOf(InputError);
      expect(error.message).toContain(file);
    }
  });
});

describe('parseEventsCsv', () => {
  it('parses events from text or a buffer, without reading a file', async () => {
    const text = '\uFEFFdate,name,lift\n2024-11-29,Black Friday,1.5\n';
    const expected = [{ date: '2024-11-29', name: 'Black Friday', kind: 'event', lift: 1.5 }];
    expect(await parseEventsCsv('events.csv', text)).toEqual(expected);
    expect(await parseEventsCsv('events.csv', Buffer.from(text))).toEqual(expected);
  });

  it('names the file it was given in errors', async () => {
    const error = await thrown(() => parseEventsCsv('sales.csv', 'date\nsoon\n'));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain("sales.csv:2: expected a date in column 'date'");
  });
});

describe('eventIndicator', () => {
  const calendar = makeCalendar(holidayCalendar('US', 2024, 2024), ['holidays US 2024']);

  it('flags instants by their local date in the zone', () => {
    const flags = eventIndicator(calendar, NY);
    expect(flags(Date.parse('2024-07-04T15:00:00Z'))).toMatchObject({ holiday: true });
    // 23:00 on July 4 in New York.
    expect(flags(Date.parse('2024-07-05T03:00:00Z'))).toEqual({
      holiday: true,
      event: false,
      dayBefore: false,
      dayAfter: false,
    });
    // 01:00 on July 5 in New York.
    expect(flags(Date.parse('2024-07-05T05:00:00Z'))).toEqual({
      holiday: false,
      event: false,
      dayBefore: false,
      dayAfter: true,
    });
    expect(flags(Date.parse('2024-07-03T12:00:00Z'))).toMatchObject({
      holiday: false,
      dayBefore: true,
    });
    expect(flags(Date.parse('2024-07-10T12:00:00Z'))).toEqual({
      holiday: false,
      event: false,
      dayBefore: false,
      dayAfter: false,
    });
  });

  it('uses UTC dates in UTC', () => {
    const flags = eventIndicator(calendar, 'UTC');
    expect(flags(Date.parse('2024-07-05T03:00:00Z')).holiday).toBe(false);
    expect(flags(Date.parse('2024-07-05T03:00:00Z')).dayAfter).toBe(true);
    expect(flags(Date.parse('2024-07-04T00:00:00Z')).holiday).toBe(true);
    expect(flags(Date.parse('2024-07-03T23:59:59.999Z')).dayBefore).toBe(true);
  });

  it('separates events from holidays, and marks days around a multi-day event', () => {
    const mixed = makeCalendar([
      ...holidayCalendar('US', 2024, 2024),
      { date: '2024-11-29', name: 'Black Friday sale', kind: 'event' },
      { date: '2024-11-30', name: 'Black Friday sale', kind: 'event' },
    ]);
    const flags = eventIndicator(mixed, NY);
    const at = (iso: string) => ({ ...flags(nyLocal(iso)) });
    expect(at('2024-11-28T12:00')).toEqual({
      holiday: true,
      event: false,
      dayBefore: false,
      dayAfter: false,
    });
    expect(at('2024-11-29T12:00')).toMatchObject({ holiday: false, event: true, dayAfter: false });
    expect(at('2024-12-01T12:00')).toMatchObject({ event: false, dayAfter: true });
  });

  it('agrees with a plain local-date lookup over a year of hours, across DST changes', () => {
    const flags = eventIndicator(calendar, NY);
    const holidays = new Set(calendar.days.map((d) => d.date));
    const shift = (date: string, days: number) =>
      new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const start = Date.parse('2024-01-01T05:00:00Z');
    let flagged = 0;
    for (let t = start; t < start + 366 * 86_400_000; t += 3_600_000) {
      const date = localDate(t, NY);
      const holiday = holidays.has(date);
      expect(flags(t)).toEqual({
        holiday,
        event: false,
        dayBefore: !holiday && holidays.has(shift(date, 1)),
        dayAfter: !holiday && holidays.has(shift(date, -1)),
      });
      if (holiday) flagged++;
    }
    // 11 US public holidays in 2024, none on a DST change day, so 24 hours each.
    expect(flagged).toBe(11 * 24);
    // Out of order too.
    expect(flags(Date.parse('2024-07-04T15:00:00Z')).holiday).toBe(true);
    expect(flags(Date.parse('2024-01-02T15:00:00Z')).dayAfter).toBe(true);
  });

  it('rejects an unknown zone', () => {
    expect(() => eventIndicator(calendar, 'Mars/Olympus')).toThrow(UserError);
  });
});

/** Naive local time in New York to epoch ms. */
function nyLocal(local: string): number {
  // Late November is on EST (UTC−5).
  return Date.parse(`${local}:00-05:00`);
}

describe('upcoming', () => {
  const calendar = makeCalendar(holidayCalendar('US', 2024, 2025));

  it('lists the days a window touches, by local date', () => {
    const days = upcoming(
      calendar,
      Date.parse('2024-12-20T05:00:00Z'),
      Date.parse('2025-01-02T05:00:00Z'),
      NY,
    );
    expect(days.map((d) => `${d.date} ${d.name}`)).toEqual([
      '2024-12-25 Christmas Day',
      "2025-01-01 New Year's Day",
    ]);
    // The window ends at local midnight, so January 2 is not touched.
    expect(
      upcoming(
        calendar,
        Date.parse('2024-12-31T05:00:00Z'),
        Date.parse('2025-01-01T05:00:00Z'),
        NY,
      ),
    ).toEqual([]);
    expect(upcoming(calendar, 10, 10, NY)).toEqual([]);
  });
});

describe('calendar JSON', () => {
  it('round-trips through JSON and sorts and deduplicates', () => {
    const calendar = makeCalendar(
      [
        { date: '2024-12-25', name: 'Christmas Day', kind: 'holiday' },
        { date: '2024-11-29', name: 'Sale', kind: 'event' },
        { date: '2024-12-25', name: 'Christmas Day', kind: 'holiday' },
        { date: '2024-11-29', name: 'Sale', kind: 'event' },
      ],
      ['holidays US 2024', 'events sales.csv'],
    );
    expect(calendar.days.map((d) => d.date)).toEqual(['2024-11-29', '2024-12-25']);
    const back = calendarFromJSON(JSON.parse(JSON.stringify(calendar)));
    expect(back).toEqual(calendar);
  });

  it('rejects a malformed calendar', () => {
    expect(() =>
      calendarFromJSON({ days: [{ date: '2024-02-30', name: 'x', kind: 'event' }], sources: [] }),
    ).toThrow(UserError);
    expect(() => calendarFromJSON({ days: [], sources: [1] })).toThrow(/sources/);
    expect(() => calendarFromJSON(null)).toThrow(UserError);
  });
});
