import { defineConfig } from '@playwright/test';

// Debian's Chromium (Playwright's own browser download is not available here), headless,
// with the background services off: this machine has no network for them.
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: 'output/results',
  timeout: 120_000,
  // The whole run, well inside npm test's 20 minutes for this step, so Playwright itself reports what did not finish.
  globalTimeout: 15 * 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  // A retry that passes hides a failure, and test.only silently leaves the other tests out.
  retries: 0,
  forbidOnly: true,
  // The JSON report is how npm test counts Playwright's results next to node:test's.
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'output/report.json' }]],
  use: {
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
