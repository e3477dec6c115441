import { describe, expect, it } from 'vitest';
import { formatShare } from '../src/capacity/servers.js';
import { formatReadable } from '../src/util/format.js';

describe('figures as people read them', () => {
  it.each([
    [52_877.4, '52,877'],
    [0.799, '0.799'],
    [1.66e-12, '< 0.001'],
    [0, '0'],
    [NaN, '–'],
  ])('formatReadable(%s) is %s', (value, text) => expect(formatReadable(value)).toBe(text));

  it.each([
    [0.01, '1%'],
    [0.00476, '0.476%'],
    [3.46e-14, '< 0.001%'],
    [0, '0%'],
  ])('formatShare(%s) is %s', (share, text) => expect(formatShare(share)).toBe(text));
});
