import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELB } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

const folder = () => mkdtempSync(join(tmpdir(), 'headroom-stdin-test-'));
const flags = ['--agg', 'sum', '--capacity-per-server', '300', '-q'];

describe('a CSV on standard input (-)', () => {
  it('plans the same as the file, names it "standard input" and leaves no scratch file', async () => {
    const [fromFile, fromStdin, scratch] = [folder(), folder(), folder()];
    const file = await runInProcess(['plan', ELB, ...flags, '--out-dir', fromFile]);
    const piped = await runInProcess(['plan', '-', ...flags, '--out-dir', fromStdin], {
      stdin: readFileSync(ELB, 'utf8'),
      env: { TMPDIR: scratch },
    });
    expect(file.code).toBe(0);
    expect(piped.code).toBe(0);
    const schedule = (dir: string) => JSON.parse(readFileSync(join(dir, 'schedule.json'), 'utf8'));
    const a = schedule(fromFile);
    const b = schedule(fromStdin);
    expect(b.source.file).toBe('standard input');
    expect({ ...b, source: { ...b.source, file: a.source.file } }).toEqual(a);
    expect(readFileSync(join(fromStdin, 'summary.md'), 'utf8')).toContain('`standard input`');
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('reports a broken row at its line of standard input (exit 2)', async () => {
    const scratch = folder();
    const run = await runInProcess(['plan', '-', '--out-dir', folder()], {
      stdin: 'timestamp,value\n2024-01-01 00:00,5\n2024-01-01 01:00,x\n',
      env: { TMPDIR: scratch },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("standard input:3: expected a number in column 'value', got 'x'");
    expect(run.stderr).not.toContain('stdin.csv');
    expect(readdirSync(scratch)).toEqual([]);
  });
});

describe('a pipe named as a file (/dev/stdin, a named pipe, `<(command)`)', () => {
  it('is read once like standard input, named by its path, and plans the same as the file', async () => {
    const dir = folder();
    const fifo = join(dir, 'load.pipe');
    execFileSync('mkfifo', [fifo]);
    // A writer on the other end, as `<(cat file)` would be.
    const writer = spawn('sh', ['-c', `cat "${ELB}" > "${fifo}"`]);
    const written = new Promise((done) => writer.on('close', done));
    const [fromFile, fromPipe] = [folder(), folder()];
    const piped = await runInProcess(['plan', fifo, ...flags, '--out-dir', fromPipe]);
    if (piped.code !== 0) writer.kill(); // nobody reads the pipe: its writer would wait forever
    await written;
    expect(piped.code, piped.stderr).toBe(0);
    expect((await runInProcess(['plan', ELB, ...flags, '--out-dir', fromFile])).code).toBe(0);
    const schedule = (out: string) => JSON.parse(readFileSync(join(out, 'schedule.json'), 'utf8'));
    const a = schedule(fromFile);
    const b = schedule(fromPipe);
    expect(b.source.file).toBe(fifo);
    expect({ ...b, source: { ...b.source, file: a.source.file } }).toEqual(a);
  });
});
