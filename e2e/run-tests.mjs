#!/usr/bin/env node
// `npm test`: type checks, lints, builds, makes the test guest ISO, runs the unit and integration
// tests (node:test) and the end-to-end tests (Playwright), then prints one summary line for all.
// Every step has a time limit, and anything but a pass (a skip too) counts as failed, by name.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStep, stopRunningSteps } from './run-step.mjs';
import { nodeTestResults, playwrightResults, settle } from './test-results.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const scratch = mkdtempSync(join(tmpdir(), 'hivedesk-test-'));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const MINUTE = 60_000;
/**
 * node:test's --test-timeout: on Node 20 it limits each test file. Every test has its own timeout (lint makes
 * sure), so this is a backstop; the bhyve flows take ~3.5 min alone and more on a busy machine.
 */
const NODE_TEST_FILE_LIMIT_MS = 12 * MINUTE;

for (const [name, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.once(name, () => {
    void stopRunningSteps().finally(() => process.exit(code));
  });
}

async function step(title, argv, timeoutMs, options = {}) {
  console.log(`\n== ${title} (at most ${timeoutMs / MINUTE} min): ${argv.join(' ')}`);
  const run = await runStep(argv, { cwd: root, timeoutMs, ...options });
  if (run.timedOut) console.log(`\nhivedesk: ${title} timed out after ${timeoutMs / MINUTE} min: stopped it and everything it started`);
  if (run.leftovers.length > 0) console.log(`\nhivedesk: ${title} left processes running, now stopped:\n  ${run.leftovers.join('\n  ')}`);
  return run;
}

function fail(message) {
  console.error(`\nhivedesk: ${message}`);
  console.log('hivedesk: 0 passed, 1 failed');
  process.exit(1);
}

const readIfThere = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

const typecheck = await step('type check', ['npm', 'run', '--silent', 'typecheck'], 5 * MINUTE);
if (!typecheck.ok) fail(`the type check ${typecheck.how}`);
// Lint problems do not stop the run: the tests still say what they would have said.
const lint = await step('lint', ['npm', 'run', '--silent', 'lint'], 5 * MINUTE);
const build = await step('build', ['npm', 'run', '--silent', 'build'], 5 * MINUTE);
if (!build.ok) fail(`the build ${build.how}`);

const guest = await step('test guest', ['bash', join(root, 'e2e/guest/build-guest.sh')], 15 * MINUTE, { stdout: 'pipe' });
if (!guest.ok) fail(`could not build the test guest ISO: it ${guest.how} (see above)`);
const iso = guest.output.trim().split('\n').at(-1);
console.log(`test guest: ${iso}`);
const env = { HIVEDESK_TEST_ISO: iso };

const testFiles = ['shared', 'electron', 'renderer', 'bench', 'e2e']
  .filter((dir) => existsSync(join(root, dir)))
  .flatMap((dir) => readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).filter((f) => /\.test\.(ts|mjs)$/.test(f)).map((f) => join(dir, f)))
  .sort();
const events = join(scratch, 'node-tests.jsonl');
const unitRun = await step('unit and integration tests', [
  process.execPath, '--import', 'tsx', '--test', `--test-timeout=${NODE_TEST_FILE_LIMIT_MS}`,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  `--test-reporter=${join(root, 'e2e/node-test-events.mjs')}`, `--test-reporter-destination=${events}`,
  ...testFiles,
], 20 * MINUTE, { env });
const unit = settle('node:test', unitRun, nodeTestResults(readIfThere(events)));

const report = join(scratch, 'playwright.json');
const e2eRun = await step('end-to-end tests', [bin('playwright'), 'test', '--config', 'e2e/playwright.config.ts'], 20 * MINUTE, {
  env: { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
});
const e2e = settle('Playwright', e2eRun, playwrightResults(readIfThere(report)));

const lintFailed = lint.ok ? 0 : 1;
const notes = [...(lint.ok ? [] : [`lint: it ${lint.how} (see above)`]), ...unit.notes, ...e2e.notes];
if (notes.length > 0) console.log(`\nhivedesk: counted as failed:\n  ${notes.join('\n  ')}`);
const total = { passed: unit.passed + e2e.passed, failed: lintFailed + unit.failed + e2e.failed };
console.log(`\nlint ${lint.ok ? 'clean' : 'failed'}; node:test ${unit.passed} passed, ${unit.failed} failed; Playwright ${e2e.passed} passed, ${e2e.failed} failed`);
console.log(`hivedesk: ${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed > 0 ? 1 : 0);
