import { describe, expect, it } from 'vitest';
import { readScheduleDocument, SCHEDULE_FORMAT } from '../src/schedule/document.js';

// A schedule.json read back (push --schedule, review): a file that is not one says which key is
// wrong and what it holds, or that the key is missing, never "undefined".

const read = (doc: unknown) => () => readScheduleDocument(doc, 'plan/schedule.json');

describe('readScheduleDocument refuses a file that is not a schedule', () => {
  it('names a missing key as missing', () => {
    expect(read({ format: SCHEDULE_FORMAT })).toThrow(
      /plan\/schedule\.json.*"timezone" must be an IANA zone, found nothing \(the key is missing\)/,
    );
  });

  it('quotes a wrong value as it is', () => {
    expect(read({ format: SCHEDULE_FORMAT, timezone: 'Mars/Olympus' })).toThrow(
      /"timezone" must be an IANA zone, found "Mars\/Olympus"/,
    );
    expect(read({ format: 'csv' })).toThrow(
      /expected "format": "headroom.schedule\/v1", found "csv"/,
    );
  });

  it('never says undefined', () => {
    expect(read({})).toThrow(/found nothing \(the key is missing\)/);
    expect(read({})).not.toThrow(/undefined/);
  });
});
