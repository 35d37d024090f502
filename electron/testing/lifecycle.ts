/**
 * What every benchmark needs around its measurements: a time budget that bounds every wait,
 * undo steps that leave no process or temp dir behind, stand-in processes, and a check for
 * leftovers at the end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// ---------------------------------------------------------------------------------------------
// Time budget and cleanup
// ---------------------------------------------------------------------------------------------

/** Every wait in the benchmark is bounded by its own timeout and by this overall deadline. */
export class Budget {
  private readonly deadline: number;

  constructor(totalMs: number) {
    this.deadline = Date.now() + totalMs;
  }

  /** How long a step may wait: its own limit, or less if the whole run is nearly out of time. */
  limit(stepMs: number): number {
    const left = this.deadline - Date.now();
    if (left <= 0) throw new Error('the benchmark ran out of its time budget');
    return Math.min(stepMs, left);
  }
}

/** Undo steps, run newest first; each is bounded in time and its failure does not stop the rest. */
export class Cleanup {
  private readonly steps: { what: string; undo: () => unknown; ms: number }[] = [];

  add(what: string, undo: () => unknown, ms = 5_000): void {
    this.steps.push({ what, undo, ms });
  }

  /** Undo steps of one phase, run when the phase ends, or by this cleanup if it never gets there. */
  child(what: string): Cleanup {
    const child = new Cleanup();
    this.add(what, () => child.run(), 30_000);
    return child;
  }

  /** Safe to call again (a signal during cleanup): each step is taken off the list before it runs. */
  async run(): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await withTimeout(Promise.resolve(step.undo()), step.ms, `cleanup: ${step.what}`);
      } catch (err) {
        console.error(`cleanup of ${step.what} failed: ${(err as Error).message}`);
      }
    }
  }
}

/** `what` may be a function, to describe the state when the time is up rather than at the start. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const describe = () => (typeof what === 'string' ? what : what());
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${describe()}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function pollUntil(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends a signal and waits (bounded) for the exit, so cu's UUCP lock is gone before we go on. */
export async function stopChild(child: ChildProcess, what: string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await withTimeout(exited, 3_000, `${what} to exit`).catch(() => child.kill('SIGKILL'));
}

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

/** Something the QEMU backend's pidfile check accepts; it exits by itself if we die without cleanup. */
export function startQemuStandIn(name: string, root: string): ChildProcess {
  const script = 'const parent = process.ppid; setInterval(() => { try { process.kill(parent, 0); } catch { process.exit(0); } }, 500);';
  // The root dir rides along only so a leftover is easy to attribute in `ps`.
  return spawn(process.execPath, ['-e', script, '--', '-name', name, root], { argv0: 'qemu-system-x86_64', stdio: 'ignore' });
}

/**
 * Processes still naming our temp dir (socat, a stand-in) or one of our devices (cu): there
 * should be none once cleanup has run.
 */
export async function leftoverProcesses(root: string, devices: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
    if (argv.some((arg) => arg.includes(root) || devices.includes(arg))) found.push(`${entry}: ${argv.join(' ')}`);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// A benchmark's frame
// ---------------------------------------------------------------------------------------------

export interface BenchmarkRun {
  /** A temp dir of its own, removed at the end. */
  root: string;
  budget: Budget;
  cleanup: Cleanup;
  /** Lines (devices) whose cu must be gone at the end. */
  devices: string[];
}

/**
 * Runs a benchmark's body with a temp dir, a time budget and cleanup on success, failure and
 * SIGINT/SIGTERM (with a backstop should a cleanup step itself hang), then checks that nothing it
 * started is left. Returns the exit status.
 */
export async function runBenchmark(name: string, budgetMs: number, body: (run: BenchmarkRun) => Promise<void>): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), `hivedesk-${name}-`));
  const run: BenchmarkRun = { root, budget: new Budget(budgetMs), cleanup: new Cleanup(), devices: [] };
  run.cleanup.add('temp dir', () => rm(root, { recursive: true, force: true }), 60_000);
  const stop = (why: string, code: number) => {
    console.error(`\n${why}: cleaning up`);
    void run.cleanup.run().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => stop('SIGINT', 130));
  process.once('SIGTERM', () => stop('SIGTERM', 143));
  // Every wait is already bounded by the budget; this is for a cleanup step that hangs.
  setTimeout(() => stop('over the time limit', 1), budgetMs + 60_000).unref();

  let status = 0;
  try {
    await body(run);
  } catch (err) {
    console.error(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    status = 1;
  } finally {
    await run.cleanup.run();
  }
  const leftovers = await leftoverProcesses(root, run.devices);
  if (leftovers.length) {
    console.error(`processes left behind:\n  ${leftovers.join('\n  ')}`);
    status = 1;
  }
  return status;
}
