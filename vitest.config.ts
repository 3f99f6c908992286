import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['test/setup/env.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      { extends: true, test: { name: 'gateway', isolate: false, include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/clients/**', 'test/browser/**'] } },
      // The web UI in Debian's Chromium against `npm start`'s server (test/browser/).
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 } },
      // Real client releases (test/clients/package.json), installed once by the global setup.
      { extends: true, test: { name: 'clients', include: ['test/clients/**/*.test.ts'], globalSetup: ['test/clients/global-setup.ts'], testTimeout: 90_000 } },
    ],
  },
});
