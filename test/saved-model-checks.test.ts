import { describe, expect, it } from 'vitest';
import { savedModelFindings } from '../src/models/saved-model-checks.js';
import type { Series } from '../src/types.js';

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
/** Three weeks of hourly load around `level`. */
const series = (level: number): Series => ({
  name: 'load',
  start: START,
  stepMs: HOUR,
  values: Float64Array.from({ length: 21 * 24 }, (_, h) => level * (1 + 0.3 * Math.sin(h / 4))),
});
const end = (days: number) => new Date(START + days * 24 * HOUR).toISOString();
const file = (over: { zone?: string; column?: string; fittedTo?: string } = {}) => ({
  state: { model: 'ridge', zone: over.zone ?? 'UTC', stepMs: HOUR },
  trainedOn: {
    file: 'history.csv',
    valueColumn: over.column ?? 'load',
    start: end(0),
    end: over.fittedTo ?? end(21),
  },
});
const history = (level: number, zone = 'UTC') => ({
  series: series(level),
  valueColumn: 'load',
  zone,
});
const forecastAt = (level: number) => new Array(168).fill(level);

describe('a forecast from a saved model says when the model may not fit the history', () => {
  it('says nothing when the model was fitted to this history', () => {
    expect(savedModelFindings('m.json', file(), history(100), forecastAt(100))).toEqual({
      warnings: [],
      notes: [],
    });
  });

  it.each([
    [100, 10_000],
    [10_000, 100],
  ])('warns when the forecast (%d) and the last week (%d) are far apart', (forecast, level) => {
    const { warnings } = savedModelFindings('m.json', file(), history(level), forecastAt(forecast));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(
      /the model in m\.json forecasts .* is it the model of this series\?/,
    );
  });

  it('lets a level within 5× pass (growth, a quiet week)', () => {
    const { warnings } = savedModelFindings('m.json', file(), history(100), forecastAt(300));
    expect(warnings).toEqual([]);
  });

  it('notes another zone, another column, and history the model never saw', () => {
    const { notes } = savedModelFindings(
      'm.json',
      file({ zone: 'Europe/Berlin', column: 'rps', fittedTo: end(14) }),
      history(100),
      forecastAt(100),
    );
    expect(notes).toEqual([
      expect.stringMatching(
        /fitted in Europe\/Berlin: its daily and weekly shape is in Europe\/Berlin time, though this history was read in UTC/,
      ),
      expect.stringMatching(/fitted to the column 'rps'; this history is 'load'/),
      expect.stringMatching(
        /fitted to 2024-01-15T00:00:00\.000Z; the 7d of history since are not learned from/,
      ),
    ]);
  });
});
