import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each test file in a process of its own: test/helpers/in-process.ts runs the CLI there, and
    // changes the process's cwd, environment and streams while it does (one run at a time).
    pool: 'forks',
    // The CLI's work is done in the workers now, not in processes beside them: on two cores, the
    // default of one worker per core but one would leave one idle.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Plain text from the CLI run in-process, as from the binary the helpers start with NO_COLOR.
    env: { NO_COLOR: '1' },
    server: {
      deps: {
        // The built CLI (dist/) loaded by Node as the binary loads it, not transformed again by Vite.
        external: [/\/dist\//],
      },
    },
  },
});
