import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headroom, ROOT } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

// The helper most CLI tests use: main() of the built CLI in the test's own process. It must answer
// as the binary does, and leave the process as it found it.

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'headroom-in-process-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('runInProcess', () => {
  it.each([
    ['output on stdout', ['generate', '--days', '2']],
    ['a usage error', ['plan', 'x.csv', '--no-such-flag']],
    ['a user error', ['plan', join(ROOT, 'nowhere.csv')]],
  ])('answers %s with the code, stdout and stderr of the binary', async (_, args) => {
    expect(await runInProcess(args)).toEqual(await headroom(args));
  });

  it('leaves the cwd, the environment and the streams as it found them', async () => {
    const before = {
      cwd: process.cwd(),
      tmpdir: process.env.TMPDIR,
      write: [process.stdout.write, process.stderr.write],
      isTTY: Object.getOwnPropertyDescriptor(process.stderr, 'isTTY'),
      stdin: Object.getOwnPropertyDescriptor(process, 'stdin'),
    };
    process.env.HEADROOM_TEST_VARIABLE = 'set before';
    try {
      const run = await runInProcess(['plan', 'nowhere.csv'], {
        cwd: work,
        env: { TMPDIR: work, HEADROOM_TEST_VARIABLE: undefined },
        stdin: 'ignored',
      });
      expect(run.code).toBe(2);
      expect(process.cwd()).toBe(before.cwd);
      expect(process.env.TMPDIR).toBe(before.tmpdir);
      expect(process.env.HEADROOM_TEST_VARIABLE).toBe('set before');
      expect([process.stdout.write, process.stderr.write]).toEqual(before.write);
      expect(Object.getOwnPropertyDescriptor(process.stderr, 'isTTY')).toEqual(before.isTTY);
      expect(Object.getOwnPropertyDescriptor(process, 'stdin')).toEqual(before.stdin);
    } finally {
      delete process.env.HEADROOM_TEST_VARIABLE;
    }
  });

  it('resolves relative paths in the cwd it is given', async () => {
    // Awaited together, yet each run resolves `load.csv` in its own folder.
    const [a, b] = ['a', 'b'].map((name) => join(work, name));
    await Promise.all([mkdir(a), mkdir(b)]);
    const runs = await Promise.all(
      [a, b].map((cwd, i) =>
        runInProcess(['generate', '--days', String(i + 1), '--out', 'load.csv'], { cwd }),
      ),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const lines = async (dir: string) =>
      (await readFile(join(dir, 'load.csv'), 'utf8')).trim().split('\n').length;
    expect([await lines(a), await lines(b)]).toEqual([1 + 24, 1 + 48]);
    expect(existsSync(join(ROOT, 'load.csv'))).toBe(false);
  });
});
