import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // e2e tests spawn the built binary; the build runs once before vitest (npm test).
    pool: 'forks',
  },
});
