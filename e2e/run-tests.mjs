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

/** Runs one step; `how` says how it ended, for the message when a runner's counts cannot be trusted. */
function step(title, argv, env = {}) {
  console.log(`\n== ${title}: ${argv.join(' ')}`);
  const result = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  const how = result.error
    ? `could not start (${result.error.message})`
    : result.signal
      ? `was killed by ${result.signal}`
      : `exited with status ${result.status}`;
  return { ok: result.status === 0, how };
}

function fail(message) {
  console.error(`\nhivedesk: ${message}`);
  console.log('hivedesk: 0 passed, 1 failed');
  process.exit(1);
}

/**
 * A runner's counts stand only if they agree with how it ended: a crash, a missing or truncated
 * report, or a run that found no tests must not read as a pass, so each adds one failure.
 */
function settle(runner, run, counts, reportProblem) {
  const why = [];
  if (reportProblem) why.push(reportProblem);
  else if (counts.passed + counts.failed + counts.skipped === 0) why.push('it ran no tests');
  if (!run.ok && counts.failed === 0) why.push(`it ${run.how} but reported no failures`);
  if (why.length === 0) return counts;
  console.error(`\nhivedesk: ${runner} counts as failed: ${why.join('; ')}`);
  return { ...counts, failed: counts.failed + 1 };
}

for (const config of ['tsconfig.web.json', 'tsconfig.check.json']) {
  if (!step(`type check (${config})`, [bin('tsc'), '-p', config, '--noEmit']).ok) fail(`${config} does not type check`);
}
if (!step('build', ['npm', 'run', '--silent', 'build']).ok) fail('the build failed');

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
const unitRun = step('unit and integration tests', [
  process.execPath, '--import', 'tsx', '--test',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...testFiles,
], env);
const tapText = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
const tapCount = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tapText)?.[1] ?? 0);
const unit = settle(
  'node:test',
  unitRun,
  { passed: tapCount('pass'), failed: tapCount('fail') + tapCount('cancelled'), skipped: tapCount('skipped') + tapCount('todo') },
  // The reporter writes the summary last, so a run that died part-way has TAP without it.
  !tapText ? 'it wrote no TAP output' : /^# tests \d+$/m.test(tapText) ? undefined : 'its TAP output stops before the summary',
);

const report = join(scratch, 'playwright.json');
const e2eRun = step('end-to-end tests', [bin('playwright'), 'test', '--config', 'e2e/playwright.config.ts'], { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: report });
let stats;
let reportProblem;
try {
  stats = JSON.parse(readFileSync(report, 'utf8')).stats;
  if (!stats) reportProblem = 'its JSON report has no stats';
} catch (err) {
  reportProblem = existsSync(report) ? `its JSON report is unreadable (${err.message})` : 'it wrote no JSON report';
}
const e2e = settle(
  'Playwright',
  e2eRun,
  stats ? { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped } : { passed: 0, failed: 0, skipped: 0 },
  reportProblem,
);

const total = { passed: unit.passed + e2e.passed, failed: unit.failed + e2e.failed, skipped: unit.skipped + e2e.skipped };
console.log(`\nnode:test ${unit.passed} passed, ${unit.failed} failed; Playwright ${e2e.passed} passed, ${e2e.failed} failed`);
console.log(`hivedesk: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
