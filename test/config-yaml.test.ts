import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';

describe('headroom.yaml that YAML itself refuses', () => {
  it('an alias bomb (billion laughs) is a user error naming the file, not an internal error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'headroom-yaml-'));
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    await writeFile(
      join(dir, 'headroom.yaml'),
      [...levels, 'services:', '  - name: web', '    data: *i'].join('\n') + '\n',
    );
    for (const args of [['plan'], ['push', 'aws', '--config', 'headroom.yaml']]) {
      const started = Date.now();
      const run = await runInProcess(args, { cwd: dir });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/headroom\.yaml: too many aliases/);
      expect(run.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });
});
