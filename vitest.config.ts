import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each test file in a process of its own: test/helpers/in-process.ts runs the CLI there, and
    // changes the process's cwd, environment and streams while it does (one run at a time).
    pool: 'forks',
    // Plain text from the CLI run in-process, as from the binary the helpers start with NO_COLOR.
    env: { NO_COLOR: '1' },
    server: {
      deps: {
        // The built CLI (dist/) as Node loads it: a fleet's workers start from dist/fleet/worker.js.
        external: [/\/dist\//],
      },
    },
  },
});
