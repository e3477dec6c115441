import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ELB, headroom } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

it('--quiet keeps stdout and drops notes and warnings; --verbose adds time and memory', async () => {
  const out = await mkdtemp(join(tmpdir(), 'headroom-global-'));
  // A one-week window: a note (daily seasonality only) and warnings (the capacity assumed).
  const args = ['plan', ELB, '--agg', 'sum', '--train-window', '1w', '--out-dir', out];
  const normal = await runInProcess(args);
  expect(normal.stderr).toMatch(/^note: /m);
  expect(normal.stderr).toMatch(/^warning: /m);
  const quiet = await runInProcess([...args, '--quiet']);
  expect(quiet.code).toBe(0);
  expect(quiet.stderr).toBe('');
  expect(quiet.stdout).toBe(normal.stdout);
  // A process of its own, whose peak memory is the run's alone.
  const verbose = await headroom(['--verbose', ...args]);
  expect(verbose.stderr).toMatch(/^done: \d+\.\d\d s, peak memory \d+ MB$/m);
}, 30_000);
