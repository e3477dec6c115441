import { describe, expect, it } from 'vitest';
import { durationOrZero, formatDuration, parseDuration } from '../src/util/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['15min', 900_000],
    ['1.5h', 5_400_000],
    [' 7d ', 604_800_000],
    ['2W', 1_209_600_000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['5', '0.5', ' 300 '])(
    'refuses %j, a number without a unit, and suggests units',
    (text) => {
      expect(() => parseDuration(text, '--horizon')).toThrow(/--horizon: '.*' has no unit/);
    },
  );

  it.each(['', 'abc', '5x', '-1h', '1h30m'])('refuses %j as no duration', (text) => {
    expect(() => parseDuration(text, '--tick')).toThrow(/--tick: expected a duration like/);
  });

  it('refuses zero where a duration must be positive', () => {
    expect(() => parseDuration('0h', '--tick')).toThrow(/greater than zero/);
  });
});

describe('durationOrZero', () => {
  it.each(['0', '0m', '0.0h'])('%j turns the setting off', (text) => {
    expect(durationOrZero(text)).toBe(0);
  });

  it('still wants a unit on anything else', () => {
    expect(() => durationOrZero('10', '--lead-time')).toThrow(/has no unit/);
  });
});

describe('formatDuration', () => {
  it.each([3_600_000, 5_400_000, 86_400_000, 1_209_600_000, 90_000])(
    'reads back what it writes (%i ms)',
    (ms) => {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    },
  );
});
