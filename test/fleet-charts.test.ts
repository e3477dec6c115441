import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chartSource, INLINE_CHARTS_UP_TO } from '../src/commands/fleet.js';

const scratch = mkdtempSync(join(tmpdir(), 'headroom-fleet-charts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('fleet page charts', () => {
  const png = join(scratch, 'web api', 'forecast.png');
  mkdirSync(join(scratch, 'web api'));
  writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47]));

  it("inlines a small fleet's charts and links a large fleet's, relative to the page", async () => {
    expect(await chartSource(png, scratch, true)).toBe('data:image/png;base64,iVBORw==');
    expect(await chartSource(png, scratch, false)).toBe('web api/forecast.png');
    expect(await chartSource(join(scratch, 'none.png'), scratch, false)).toBeUndefined();
    expect(INLINE_CHARTS_UP_TO).toBeGreaterThanOrEqual(10);
  });
});
