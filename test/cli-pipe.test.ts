import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';

it('stops quietly when the reader closes the pipe early (headroom … | head)', async () => {
  // Far more than a pipe buffer holds, so writes go on after the reader has gone.
  const child = spawn(process.execPath, [BIN, 'generate', '--days', '3000']);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
  expect(code, stderr).toBe(0);
}, 30_000);
