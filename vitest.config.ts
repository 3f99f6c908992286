import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['test/setup/env.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      { extends: true, test: { name: 'gateway', isolate: false, include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/clients/**'] } },
      // Real client releases (test/clients/package.json), installed once by the global setup.
      { extends: true, test: { name: 'clients', include: ['test/clients/**/*.test.ts'], globalSetup: ['test/clients/global-setup.ts'], testTimeout: 90_000 } },
    ],
  },
});
