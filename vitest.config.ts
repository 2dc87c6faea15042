import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{src,agents,verifiers,sandbox,rag,reward,training,test}/**/*.test.ts'],
    // Sandbox and solver tests start real processes; two cores are the CI budget.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
