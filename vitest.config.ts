import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // llama.cpp checks GGUF exports; scripts/setup.sh installs it outside the lock file.
    alias: {
      'node-llama-cpp': join(import.meta.dirname, '.cache/tools/node_modules/node-llama-cpp/dist/index.js'),
    },
  },
  test: {
    include: ['{src,agents,verifiers,sandbox,rag,reward,training,test}/**/*.test.ts'],
    // Sandbox and solver tests start real processes; two cores are the CI budget.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
