import { describe, expect, it } from 'vitest';
import { fraction, positive, share } from '../src/settings/kinds.js';

// How a flag's text becomes a number: as people write numbers, with the flag named when it is not.

describe('numbers from flags', () => {
  it.each([
    ['16', 16],
    ['2.5', 2.5],
    ['.5', 0.5],
    ['1e3', 1000],
    [' 800 ', 800],
  ])('%j is %d', (text, n) => {
    expect(positive(text, '--capacity-per-server')).toBe(n);
  });

  it.each(['0x10', '0b11', '0o7', '', ' ', '1,000', 'Infinity', '12abc'])(
    'refuses %j, naming the flag',
    (text) => {
      expect(() => positive(text, '--capacity-per-server')).toThrow(
        /^--capacity-per-server: expected a positive number/,
      );
    },
  );
});

describe('fractions take a percent too', () => {
  it.each([
    ['0.7', 0.7],
    ['70%', 0.7],
    [' 100% ', 1],
    ['1', 1],
  ])('%j is %d', (text, n) => {
    expect(fraction(text, '--target-utilization')).toBeCloseTo(n, 12);
  });

  it.each(['0', '0%', '170%', '1.5', 'abc', '%', '0x1'])('refuses %j', (text) => {
    expect(() => fraction(text, '--target-utilization')).toThrow(
      /--target-utilization: expected a fraction in \(0, 1\], as 0\.7 or 70%/,
    );
  });

  it('takes a number from headroom.yaml as it is', () => {
    expect(fraction(0.6, 'targetUtilization')).toBe(0.6);
  });
});

describe('shares (--risk)', () => {
  it('reads 1% and 0.01 alike', () => {
    expect(share('1%', '--risk')).toBeCloseTo(share('0.01', '--risk'), 12);
  });

  it.each(['0x0', '', '%', '60%', 'abc'])('refuses %j', (text) => {
    expect(() => share(text, '--risk')).toThrow(/--risk: expected a share from 0 to 50%/);
  });
});
