// Playwright drives Debian's Chromium (never a downloaded browser) against the built server,
// which this config starts on a free port with a fresh data directory and SQLite database.
import { defineConfig } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The config is evaluated by the runner and again by each worker; the environment carries the
// chosen port and data directory from the first evaluation to the others.
if (!process.env.SHOPSCORE_E2E_PORT) {
  const probe = spawnSync(process.execPath, [
    '-e',
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();});",
  ]);
  process.env.SHOPSCORE_E2E_PORT = probe.stdout.toString().trim();
}
if (!process.env.SHOPSCORE_E2E_DATA) {
  process.env.SHOPSCORE_E2E_DATA = fs.mkdtempSync(path.join(os.tmpdir(), 'shopscore-e2e-'));
}

const port = process.env.SHOPSCORE_E2E_PORT;
const dataDir = process.env.SHOPSCORE_E2E_DATA;
const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..');
const binary = process.env.SHOPSCORE_BIN ?? path.join(root, 'target', 'debug', 'shopscore');

const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    baseURL,
    launchOptions: chromium,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'javascript-on', use: { javaScriptEnabled: true } },
    // Pages must read without JavaScript: tests tagged @nojs run here too.
    { name: 'javascript-off', use: { javaScriptEnabled: false }, grep: /@nojs/ },
  ],
  webServer: {
    command: `"${binary}" serve --addr 127.0.0.1:${port}`,
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      LEPTOS_SITE_ROOT: path.join(root, 'target', 'site'),
      LEPTOS_OUTPUT_NAME: 'shopscore',
      APP_URL: baseURL,
      DATA_DIR: dataDir,
      DATABASE_URL: `sqlite://${dataDir}/shopscore.db`,
      RUST_LOG: 'info',
      // Every browser of the suite is 127.0.0.1 and signs in a fresh wallet per test: the
      // per-address limits would throttle the suite itself (they are tested in the Rust suite,
      // tests/it/front_door.rs).
      RATE_LIMIT_NONCE_PER_MIN: '10000',
      RATE_LIMIT_SIGN_IN_PER_MIN: '10000',
      RATE_LIMIT_AUTHORIZE_PER_MIN: '10000',
      RATE_LIMIT_CALLBACK_PER_MIN: '10000',
      RATE_LIMIT_SHARES_PER_MIN: '10000',
    },
  },
});
