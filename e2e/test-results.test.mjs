import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { nodeTestResults, playwrightResults, settle } from './test-results.mjs';

const FILE = join(process.cwd(), 'electron/x.test.ts');
const lines = (...events) => events.map((e) => JSON.stringify({ file: FILE, nesting: 0, ...e })).join('\n');
const summary = (counts) =>
  Object.entries({ tests: 0, suites: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0, ...counts }).map(([key, n]) => ({ type: 'test:diagnostic', message: `${key} ${n}` }));
const exited = { ok: true, how: 'exited with status 0' };

test('node:test: a timed-out test is failed by name; skip and todo are failures too', { timeout: 5000 }, () => {
  const results = nodeTestResults(lines(
    { type: 'test:dequeue', name: 'passes' },
    { type: 'test:complete', name: 'passes', passed: true },
    { type: 'test:dequeue', name: 'slow' },
    { type: 'test:complete', name: 'slow', passed: false, failureType: 'testTimeoutFailure', error: 'test timed out after 300ms' },
    { type: 'test:complete', name: 'later', passed: true, skip: true },
    { type: 'test:complete', name: 'someday', passed: true, todo: 'needs a FreeBSD host' },
    ...summary({ tests: 4, pass: 1, cancelled: 1, skipped: 1, todo: 1 }),
  ));
  assert.deepEqual(settle('node:test', { ok: false, how: 'exited with status 1' }, results), {
    passed: 1,
    failed: 3,
    notes: [
      'timed out: slow (electron/x.test.ts) (test timed out after 300ms)',
      'skipped: later (electron/x.test.ts)',
      'todo: someday (electron/x.test.ts) (needs a FreeBSD host)',
    ],
  });
});

test('node:test: a file over --test-timeout names the test it was running, not only the file', { timeout: 5000 }, () => {
  const results = nodeTestResults(lines(
    { type: 'test:dequeue', name: FILE },
    { type: 'test:dequeue', name: 'hangs' },
    { type: 'test:complete', name: FILE, passed: false, failureType: 'testTimeoutFailure', error: 'test timed out after 300000ms' },
    ...summary({ tests: 1, cancelled: 1 }),
  ));
  assert.deepEqual(results.notes, ['timed out: electron/x.test.ts (test timed out after 300000ms)', 'never finished: hangs (electron/x.test.ts)']);
  assert.equal(results.failed, 1);
});

test('node:test: a failed suite is named through its tests, not twice', { timeout: 5000 }, () => {
  const results = nodeTestResults(lines(
    { type: 'test:complete', name: 'inner', nesting: 1, passed: false, failureType: 'testCodeFailure', error: 'Expected values to be strictly equal:\n\n1 !== 2' },
    { type: 'test:complete', name: 'suite', passed: false, failureType: 'subtestsFailed', error: '1 subtest failed' },
    ...summary({ tests: 1, suites: 1, fail: 1 }),
  ));
  assert.deepEqual(results.notes, ['failed: inner (electron/x.test.ts) (Expected values to be strictly equal:)']);
});

test('node:test: no report, a report cut before its summary, or no tests at all is a failure', { timeout: 5000 }, () => {
  const noFile = settle('node:test', exited, nodeTestResults(undefined));
  assert.deepEqual(noFile, { passed: 0, failed: 1, notes: ['node:test: it wrote no report'] });
  const cut = `${lines({ type: 'test:dequeue', name: 'boots' }, { type: 'test:complete', name: 'boots', passed: true })}\n{"type":"test:comp`;
  assert.deepEqual(settle('node:test', { ok: false, how: 'timed out after 1200 s' }, nodeTestResults(cut)), {
    passed: 0,
    failed: 1,
    notes: ['node:test: its report stops before the summary; it timed out after 1200 s but reported no failures'],
  });
  const none = settle('node:test', exited, nodeTestResults(lines(...summary({}))));
  assert.deepEqual(none.notes, ['node:test: it ran no tests']);
  assert.equal(none.failed, 1);
});

test('a runner that failed but reported no failures counts one, by name', { timeout: 5000 }, () => {
  const clean = nodeTestResults(lines({ type: 'test:complete', name: 'passes', passed: true }, ...summary({ tests: 1, pass: 1 })));
  assert.deepEqual(settle('node:test', exited, clean), { passed: 1, failed: 0, notes: [] });
  assert.deepEqual(settle('node:test', { ok: false, how: 'was killed by SIGSEGV' }, clean).notes, ['node:test: it was killed by SIGSEGV but reported no failures']);
});

/** Trimmed from a real Playwright 1.65 JSON report: pass, skip, fixme, fail, test timeout, global timeout. */
const playwrightReport = {
  suites: [{
    title: 'a.spec.ts',
    file: 'a.spec.ts',
    specs: [
      { title: 'passes', file: 'a.spec.ts', line: 2, tests: [{ status: 'expected', annotations: [], results: [{ status: 'passed' }] }] },
      { title: 'later', file: 'a.spec.ts', line: 3, tests: [{ status: 'skipped', annotations: [{ type: 'skip', description: 'no KVM' }], results: [{ status: 'skipped' }] }] },
      { title: 'broken', file: 'a.spec.ts', line: 4, tests: [{ status: 'skipped', annotations: [{ type: 'fixme' }], results: [{ status: 'skipped' }] }] },
      { title: 'fails', file: 'a.spec.ts', line: 5, tests: [{ status: 'unexpected', annotations: [], results: [{ status: 'failed', error: { message: 'Error: \u001b[2mexpect(\u001b[22mreceived).toBe(expected)\n\nExpected: 2' } }] }] },
      { title: 'slow', file: 'a.spec.ts', line: 6, tests: [{ status: 'unexpected', annotations: [], results: [{ status: 'timedOut', error: { message: 'Test timeout of 2000ms exceeded.' } }] }] },
    ],
    suites: [{ title: 'a group', specs: [{ title: 'never reached', file: 'a.spec.ts', line: 8, tests: [{ status: 'skipped', annotations: [], results: [] }] }] }],
  }],
  errors: [{ message: '\u001b[31mTimed out waiting 4s for the test suite to run\u001b[39m' }],
  stats: { expected: 1, skipped: 3, unexpected: 2, flaky: 0 },
};

test('Playwright: skip, fixme, failures, timeouts and run errors are failures, each named', { timeout: 5000 }, () => {
  assert.deepEqual(settle('Playwright', { ok: false, how: 'exited with status 1' }, playwrightResults(JSON.stringify(playwrightReport))), {
    passed: 1,
    failed: 6,
    notes: [
      'skipped: later (a.spec.ts:3) (skip: no KVM)',
      'skipped: broken (a.spec.ts:4) (fixme)',
      'failed: fails (a.spec.ts:5) (Error: expect(received).toBe(expected))',
      'timed out: slow (a.spec.ts:6)',
      'skipped: never reached (a.spec.ts:8) (did not run)',
      'error: Timed out waiting 4s for the test suite to run',
    ],
  });
});

test('Playwright: no report, an unreadable one, or one without stats is a failure', { timeout: 5000 }, () => {
  assert.deepEqual(settle('Playwright', exited, playwrightResults(undefined)).notes, ['Playwright: it wrote no JSON report']);
  assert.match(settle('Playwright', exited, playwrightResults('{"suites": [')).notes[0] ?? '', /^Playwright: its JSON report is unreadable/);
  assert.deepEqual(settle('Playwright', exited, playwrightResults('{}')), { passed: 0, failed: 1, notes: ['Playwright: its JSON report has no stats'] });
});

test('a real node:test run: timeouts, skips and a file over its limit come out failed, by name', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hivedesk-test-results-'));
  try {
    const fixture = join(dir, 'fixture.test.mjs');
    writeFileSync(fixture, `
      import { test } from 'node:test';
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      test('passes', () => {});
      test('sleeps past its own timeout', { timeout: 100 }, () => sleep(400));
      test.skip('is skipped', () => {});
      test.todo('is todo');
      test('hangs with no timeout of its own', () => sleep(60_000));
    `);
    const events = join(dir, 'events.jsonl');
    spawnSync(process.execPath, [
      '--test', '--test-timeout=1500',
      `--test-reporter=${join(import.meta.dirname, 'node-test-events.mjs')}`, `--test-reporter-destination=${events}`,
      fixture,
    ], { cwd: dir, stdio: 'ignore', timeout: 20_000, env: outsideThisTestRun() });
    const results = nodeTestResults(readFileSync(events, 'utf8'));
    const notes = results.notes.map((note) => note.replaceAll(relative(process.cwd(), fixture), 'fixture'));
    assert.deepEqual(notes.slice(0, 3), [
      'timed out: sleeps past its own timeout (fixture) (test timed out after 100ms)',
      'skipped: is skipped (fixture)',
      'todo: is todo (fixture)',
    ]);
    // Node 20 applies --test-timeout to the file, so the file times out and the test never finishes.
    assert.ok(notes.some((note) => /^(never finished|timed out): hangs with no timeout of its own \(fixture\)/.test(note)), notes.join('\n'));
    assert.equal(results.passed, 1);
    assert.ok(results.failed >= 4, `failed: ${results.failed}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Without node:test's NODE_TEST_CONTEXT, which would make the inner run report to this one instead of to its reporter. */
function outsideThisTestRun() {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return env;
}
