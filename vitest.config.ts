import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = path.dirname(fileURLToPath(import.meta.url));

// Three projects: `unit` is everything that runs in Node against real SQLite/PostgreSQL and the
// sandbox; `e2e` drives Debian's chromium against a built UI; `reliability` kills real server
// processes (`npm run test:reliability`). CI runs the last two separately.
export default defineConfig({
  test: {
    projects: [
      {
        // The web app's data layer (test/unit/web) imports server contracts as `@server/...`, as
        // web/vite.config.ts resolves them.
        resolve: { alias: { '@server': path.resolve(here, 'src') } },
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/reliability/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 120_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
