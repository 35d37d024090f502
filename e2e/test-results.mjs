// How `npm test` reads its runners' reports. Anything but a pass counts as failed and is named:
// a failed or timed-out test, a skipped or todo one (a skip hides whatever it skips), one still
// running when its runner stopped, and a runner that crashed, wrote no report or ran no tests.
import { relative } from 'node:path';

/** @typedef {{ passed: number, failed: number, ran: number, notes: string[], problem?: string }} Results */

const SUMMARY = /^(tests|pass|fail|cancelled|skipped|todo) (\d+)$/;

/**
 * node:test, from the lines e2e/node-test-events.mjs wrote (undefined: no file).
 * @param {string | undefined} text
 * @returns {Results}
 */
export function nodeTestResults(text) {
  if (!text) return { passed: 0, failed: 0, ran: 0, notes: [], problem: 'it wrote no report' };
  /** @type {Record<string, number>} */
  const summary = {};
  const running = new Map();
  const notes = [];
  for (const event of events(text)) {
    const key = `${event.file}\n${event.nesting}\n${event.name}`;
    if (event.type === 'test:dequeue') running.set(key, event);
    if (event.type === 'test:complete') {
      running.delete(key);
      const note = nodeTestNote(event);
      if (note) notes.push(note);
    }
    const count = event.type === 'test:diagnostic' && event.nesting === 0 ? SUMMARY.exec(event.message) : null;
    if (count) summary[count[1]] = Number(count[2]);
  }
  // A file over --test-timeout is reported under the file's name only: name what it was running.
  for (const event of running.values()) notes.push(`never finished: ${label(event)}`);
  const failed = (summary.fail ?? 0) + (summary.cancelled ?? 0) + (summary.skipped ?? 0) + (summary.todo ?? 0);
  // The reporter writes the summary last, so a run that died part-way has no summary.
  const problem = summary.tests === undefined ? 'its report stops before the summary' : undefined;
  return { passed: summary.pass ?? 0, failed, ran: summary.tests ?? 0, notes, ...(problem ? { problem } : {}) };
}

/** A reporter killed mid-write leaves half a line: it is skipped, and the missing summary says why. */
function* events(text) {
  for (const line of text.split('\n')) {
    try {
      yield JSON.parse(line);
    } catch {
      continue;
    }
  }
}

function nodeTestNote(event) {
  const reason = (text) => (typeof text === 'string' && text ? ` (${firstLine(text)})` : '');
  if (event.skip) return `skipped: ${label(event)}${reason(event.skip)}`;
  if (event.todo) return `todo: ${label(event)}${reason(event.todo)}`;
  // A suite or file whose tests failed: the tests themselves are named.
  if (event.passed !== false || event.failureType === 'subtestsFailed') return undefined;
  const how = { testTimeoutFailure: 'timed out', cancelledByParent: 'cancelled' }[event.failureType] ?? 'failed';
  return `${how}: ${label(event)}${reason(event.error)}`;
}

function label({ name, file }) {
  const where = file ? relative(process.cwd(), file) : '';
  return !where || name === file ? where || name : `${name} (${where})`;
}

/**
 * Playwright, from its JSON report (undefined: no file).
 * @param {string | undefined} text
 * @returns {Results}
 */
export function playwrightResults(text) {
  const none = { passed: 0, failed: 0, ran: 0, notes: [] };
  if (text === undefined) return { ...none, problem: 'it wrote no JSON report' };
  let report;
  try {
    report = JSON.parse(text);
  } catch (err) {
    return { ...none, problem: `its JSON report is unreadable (${err.message})` };
  }
  const { stats } = report;
  if (!stats) return { ...none, problem: 'its JSON report has no stats' };
  const errors = (report.errors ?? []).map((error) => `error: ${firstLine(error.message ?? '')}`);
  return {
    passed: stats.expected,
    // A flaky test failed before it passed, and a skipped one ran nothing.
    failed: stats.unexpected + stats.flaky + stats.skipped + errors.length,
    ran: stats.expected + stats.unexpected + stats.flaky + stats.skipped,
    notes: [...(report.suites ?? []).flatMap(playwrightNotes), ...errors],
  };
}

function playwrightNotes(suite) {
  const own = (suite.specs ?? []).flatMap((spec) =>
    spec.tests.map((test) => playwrightNote(test, `${spec.title} (${spec.file}:${spec.line})`)).filter(Boolean),
  );
  return [...own, ...(suite.suites ?? []).flatMap(playwrightNotes)];
}

function playwrightNote(test, where) {
  if (test.status === 'expected') return undefined;
  if (test.status === 'flaky') return `flaky: ${where} (passed only on a retry)`;
  if (test.status === 'skipped') {
    const why = test.annotations?.find((a) => a.type === 'skip' || a.type === 'fixme');
    return `skipped: ${where} (${why ? `${why.type}${why.description ? `: ${why.description}` : ''}` : 'did not run'})`;
  }
  const last = test.results?.at(-1);
  if (last?.status === 'timedOut') return `timed out: ${where}`;
  if (last?.status === 'interrupted') return `interrupted: ${where}`;
  return `failed: ${where}${last?.error?.message ? ` (${firstLine(last.error.message)})` : ''}`;
}

function firstLine(text) {
  // eslint-disable-next-line no-control-regex -- Playwright's messages carry terminal colours
  return text.replace(/\u001b\[[0-9;]*m/g, '').trim().split('\n')[0];
}

/**
 * A runner's counts stand only if they agree with how it ended: a crash, a time limit, a missing
 * or truncated report, or a run that found no tests must not read as a pass, so each adds one
 * failure, named after the runner.
 * @param {string} runner
 * @param {{ ok: boolean, how: string }} run
 * @param {Results} results
 */
export function settle(runner, run, results) {
  const why = [];
  if (results.problem) why.push(results.problem);
  else if (results.ran === 0) why.push('it ran no tests');
  if (!run.ok && results.failed === 0) why.push(`it ${run.how} but reported no failures`);
  if (why.length === 0) return { passed: results.passed, failed: results.failed, notes: results.notes };
  return { passed: results.passed, failed: results.failed + 1, notes: [...results.notes, `${runner}: ${why.join('; ')}`] };
}
