// One step of `npm test` under a time limit. A step that runs over is stopped together with
// everything it started, and nothing a step started outlives it. Process groups are not enough:
// QEMU (-daemonize), cu (node-pty's own session) and Chromium (Playwright's own group) leave
// theirs, so each step marks its environment, which every descendant inherits, and what carries
// the mark is stopped too.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

const MARK = 'HIVEDESK_TEST_STEP';
/** From SIGTERM to SIGKILL: time for a runner to stop its own children and write its report. */
const GRACE_MS = 10_000;
const running = new Set();

/**
 * @param {string[]} argv
 * @param {{ cwd: string, timeoutMs: number, env?: Record<string, string>, stdout?: 'inherit' | 'pipe' }} options
 * @returns {Promise<{ ok: boolean, how: string, timedOut: boolean, output: string, leftovers: string[] }>}
 */
export async function runStep(argv, { cwd, timeoutMs, env = {}, stdout = 'inherit' }) {
  const mark = randomUUID();
  const child = spawn(argv[0], argv.slice(1), {
    cwd,
    env: { ...process.env, ...env, [MARK]: mark },
    stdio: ['ignore', stdout, 'inherit'],
    detached: true,
  });
  const step = { pid: child.pid, mark, stopped: new Map() };
  running.add(step);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  const closed = new Promise((resolve) => child.once('close', resolve));
  let timedOut = false;
  let escalation;
  const limit = setTimeout(() => {
    timedOut = true;
    signalGroup(child.pid, 'SIGTERM');
    escalation = setTimeout(() => {
      stopEverything(step);
      child.stdout?.destroy(); // held open by a process without the mark
    }, GRACE_MS);
  }, timeoutMs);
  const end = await new Promise((resolve) => {
    child.once('error', (error) => resolve({ error }));
    child.once('exit', (status, signal) => resolve({ status, signal }));
  });
  // What the step left behind may hold its output open, so it goes before the output is awaited.
  await stopEverything(step);
  // A process caught in the middle of exec shows no environment yet: while the output stays open, look again.
  for (let look = 0; !end.error && !(await settlesWithin(closed, 250)); look++) {
    if (look === 20) child.stdout?.destroy();
    else await stopEverything(step);
  }
  if (!end.error) await closed;
  clearTimeout(limit);
  clearTimeout(escalation);
  running.delete(step);
  const how = end.error
    ? `could not start (${end.error.message})`
    : timedOut
      ? `timed out after ${timeoutMs / 1000} s`
      : end.signal
        ? `was killed by ${end.signal}`
        : `exited with status ${end.status}`;
  const leftovers = [...step.stopped].map(([pid, command]) => `${pid} ${command}`);
  return { ok: !timedOut && end.status === 0, how, timedOut, output, leftovers };
}

function settlesWithin(promise, ms) {
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([promise.then(() => true), late]).finally(() => clearTimeout(timer));
}

/** For run-tests.mjs's own SIGINT/SIGTERM: stops every step still running. */
export async function stopRunningSteps() {
  await Promise.all([...running].map(stopEverything));
}

/** SIGKILLs the step's process group and every process carrying its mark, noting what it stopped; waits (briefly) until they are gone. */
async function stopEverything({ pid, mark, stopped }) {
  // A process may fork while we look: look again until nothing new carries the mark.
  for (let round = 0; round < 5; round++) {
    const marked = processesMarked(mark).filter((p) => !stopped.has(p));
    if (marked.length === 0) break;
    for (const p of marked) {
      stopped.set(p, commandLine(p));
      signal(p, 'SIGKILL');
    }
  }
  signalGroup(pid, 'SIGKILL'); // and what dropped the mark from its environment
  // SIGKILL is delivered, not instant: a step's leftovers must be gone before the next step starts.
  for (let waited = 0; waited < 2000 && [...stopped.keys()].some(isLive); waited += 20) await new Promise((r) => setTimeout(r, 20));
}

/** Alive and not a zombie waiting to be reaped. */
function isLive(pid) {
  const stat = read(`/proc/${pid}/stat`);
  return stat !== '' && !/^\d+ \(.*\) [ZX]/.test(stat);
}

function processesMarked(mark) {
  const needle = `${MARK}=${mark}`;
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return []; // no /proc (FreeBSD without procfs): the process group is all we can stop
  }
  return pids.map(Number).filter((p) => read(`/proc/${p}/environ`).split('\0').includes(needle));
}

function commandLine(pid) {
  return read(`/proc/${pid}/cmdline`).split('\0').join(' ').trim();
}

/** A process may end while we read it. */
function read(path) {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}

function signalGroup(pid, name) {
  if (pid) signal(-pid, name);
}

/** ESRCH: it has already gone, which is what we wanted. */
function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch (err) {
    if (err.code !== 'ESRCH') throw err;
  }
}
