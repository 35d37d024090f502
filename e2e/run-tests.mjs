#!/usr/bin/env node
// `npm test`: type checks, builds, makes the test guest ISO, runs the unit and integration tests
// (node:test) and the end-to-end tests (Playwright), then prints one summary line for both.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const scratch = mkdtempSync(join(tmpdir(), 'hivedesk-test-'));
const bin = (name) => join(root, 'node_modules', '.bin', name);

function step(title, argv, env = {}) {
  console.log(`\n== ${title}: ${argv.join(' ')}`);
  const result = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function fail(message) {
  console.error(`\nhivedesk: ${message}`);
  console.log('hivedesk: 0 passed, 1 failed');
  process.exit(1);
}

for (const config of ['tsconfig.web.json', 'tsconfig.check.json']) {
  if (step(`type check (${config})`, [bin('tsc'), '-p', config, '--noEmit']) !== 0) fail(`${config} does not type check`);
}
if (step('build', ['npm', 'run', '--silent', 'build']) !== 0) fail('the build failed');

const guest = spawnSync('bash', [join(root, 'e2e/guest/build-guest.sh')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (guest.status !== 0) fail('could not build the test guest ISO (see above)');
const iso = guest.stdout.trim().split('\n').at(-1);
console.log(`\n== test guest: ${iso}`);
const env = { HIVEDESK_TEST_ISO: iso };

const testFiles = ['shared', 'electron', 'bench']
  .filter((dir) => existsSync(join(root, dir)))
  .flatMap((dir) => readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f)))
  .sort();
const tap = join(scratch, 'node-tests.tap');
step('unit and integration tests', [
  process.execPath, '--import', 'tsx', '--test',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...testFiles,
], env);
const tapText = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
const tapCount = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tapText)?.[1] ?? 0);
const unit = { passed: tapCount('pass'), failed: tapCount('fail') + tapCount('cancelled'), skipped: tapCount('skipped') + tapCount('todo') };
if (!tapText) unit.failed += 1;

const report = join(scratch, 'playwright.json');
step('end-to-end tests', [bin('playwright'), 'test', '--config', 'e2e/playwright.config.ts'], { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: report });
const stats = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')).stats : undefined;
const e2e = stats
  ? { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped }
  : { passed: 0, failed: 1, skipped: 0 };

const total = { passed: unit.passed + e2e.passed, failed: unit.failed + e2e.failed, skipped: unit.skipped + e2e.skipped };
console.log(`\nnode:test ${unit.passed} passed, ${unit.failed} failed; Playwright ${e2e.passed} passed, ${e2e.failed} failed`);
console.log(`hivedesk: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
