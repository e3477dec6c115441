import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELB } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

describe('forecast --out -', () => {
  it('prints the forecast CSV to standard output instead of writing a file named -', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-forecast-out-'));
    const flags = ['--agg', 'sum', '--horizon', '1d'];
    const file = join(dir, 'forecast.csv');
    const written = await runInProcess(['forecast', ELB, ...flags, '--out', file]);
    const piped = await runInProcess(['forecast', ELB, ...flags, '--out', '-'], { cwd: dir });
    expect(written.code).toBe(0);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(readFileSync(file, 'utf8'));
    expect(existsSync(join(dir, '-'))).toBe(false);
  });
});
