import os from 'node:os';
import path from 'node:path';
import vue from '@vitejs/plugin-vue';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, chromiumPath } from './e2e/fixtures/chromium.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // Services under test never read or fill the person's own models folder.
    env: { GROUNDLABEL_MODELS_DIR: path.join(os.tmpdir(), 'groundlabel-tests-no-models') },
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.test.ts', 'packaging/**/*.test.ts'],
          exclude: ['src/renderer/**/*.browser.test.ts', 'node_modules/**'],
          environment: 'node',
          pool: 'forks',
        },
      },
      {
        // Konva needs a real canvas: component tests run in Debian's Chromium, never a downloaded one.
        extends: true,
        plugins: [vue()],
        test: {
          name: 'browser',
          include: ['src/renderer/**/*.browser.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS } }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
          },
        },
      },
    ],
  },
});
