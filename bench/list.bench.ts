/**
 * List benchmark: what listing the datastore's guests costs, on both backends, compared with
 * the least any list must do: read every guest's .conf.
 *
 *   baseline  readFile of each <guest>/<guest>.conf, all at once (Promise.all)
 *   hivedesk  VmService.listVms() through createCore, as the VM monitor calls it every second
 *
 * With 10 and with 1,000 guests per datastore, one datastore per backend. A few guests run
 * (honestly, as far as each backend can tell) and some stopped bhyve guests carry what a
 * finished run leaves behind, so no backend is measured on its cheapest path only. Baseline and
 * listings take turns round by round, so load from others hits all of them alike. Prints
 * numbers only: nothing here passes or fails on timing.
 *
 * Run: npm run bench
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackendId, VmSummary } from '../shared/api/vms.js';
import { type Core, createCore } from '../electron/app/core.js';
import { serializeConf } from '../electron/datastore/conf.js';
import { Datastore } from '../electron/datastore/datastore.js';
import { newGuestDoc } from '../electron/datastore/guest-config.js';
import { DatastoreWatcher } from '../electron/datastore/watch.js';
import { inotifyWatches } from '../electron/testing/inotify.js';
import { runtimeFiles } from '../electron/backends/bhyve/runtime.js';
import { type Budget, type Cleanup, pollUntil, runBenchmark, startQemuStandIn, stopChild, withTimeout } from '../electron/testing/lifecycle.js';
import { median } from './stats.js';

const SIZES = [10, 1000] as const;
const BACKENDS: BackendId[] = ['qemu', 'bhyve'];
/** Guests shown as running in each datastore, by its size. */
const RUNNING: Record<(typeof SIZES)[number], number> = { 10: 1, 1000: 5 };
/** Every tenth stopped bhyve guest has run before: its last exit, supervisor commands and log remain. */
const RAN_BEFORE_EVERY = 10;
const ROUNDS = 7;
/** No new round starts after this long (a slow listing may allow fewer than ROUNDS); at least MIN_ROUNDS run. */
const MEASURE_MS = 90_000;
const MIN_ROUNDS = 3;
const BUDGET_MS = 240_000;
const STEP_MS = 60_000;
const GOAL_RATIO = 3;
const HOSTNAME = 'bench-host';

interface Fixture {
  backend: BackendId;
  size: number;
  core: Core;
  confs: string[];
  running: number;
}

// ---------------------------------------------------------------------------------------------
// Datastores
// ---------------------------------------------------------------------------------------------

const guestName = (i: number) => `vm${String(i).padStart(4, '0')}`;

/** A datastore of `size` guests as Hivedesk's wizard writes them, and a core on it. */
async function makeFixture(root: string, backend: BackendId, size: number, cleanup: Cleanup): Promise<Fixture> {
  const dir = join(root, `${backend}-${size}`);
  const store = new Datastore(join(dir, 'datastore'));
  // The bhyve backend reads its settings when the core is made: each datastore gets its own /dev.
  const devDir = join(dir, 'dev');
  await mkdir(join(devDir, 'vmm'), { recursive: true });
  Object.assign(process.env, { HIVEDESK_BHYVE_DEV_DIR: devDir, HIVEDESK_HOSTNAME: HOSTNAME, HIVEDESK_PRIVILEGE: 'none' });
  const running = RUNNING[size as keyof typeof RUNNING];
  const names = Array.from({ length: size }, (_, i) => guestName(i));
  // Running guests are spread over the list rather than bunched at its start.
  const stride = Math.floor(size / running);
  for (const [i, name] of names.entries()) {
    await mkdir(store.guestDir(name), { recursive: true });
    const doc = newGuestDoc({ name, profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '1G' }, backend);
    await writeFile(store.confPath(name), serializeConf(doc));
    // Its disk, as `truncate -s` leaves it before the guest ever ran: only the name matters here.
    await writeFile(store.runtimePath(name, 'disk0.img'), '');
    if (i % stride === 0 && i < stride * running) await (backend === 'qemu' ? runQemu(store, name, root, cleanup) : runBhyve(store, name, devDir));
    else if (backend === 'bhyve' && i % RAN_BEFORE_EVERY === 1) await leaveFinishedRun(store, name);
  }
  const core = await createCore({ datastore: store.root, backend });
  return { backend, size, core, confs: names.map((name) => store.confPath(name)), running };
}

/** A stand-in whose argv the QEMU backend accepts, named in the guest's pidfile. */
async function runQemu(store: Datastore, name: string, root: string, cleanup: Cleanup): Promise<void> {
  const standIn = startQemuStandIn(name, root);
  cleanup.add(`qemu stand-in for ${name}`, () => stopChild(standIn, 'qemu stand-in'));
  await writeFile(store.runtimePath(name, 'qemu.pid'), `${standIn.pid}\n`);
  await store.writeConsoles(name, { com1: '/dev/pts/99' });
}

/** What a guest vm-bhyve started leaves: its VM instance in /dev/vmm, run.lock and console files. */
async function runBhyve(store: Datastore, name: string, devDir: string): Promise<void> {
  const files = runtimeFiles(store.guestDir(name));
  await writeFile(join(devDir, 'vmm', name), '');
  await writeFile(files.lock, `${HOSTNAME}\n`);
  await writeFile(files.console, `com1=/dev/nmdm-${name}.1B\n`);
}

/** What Hivedesk's supervisor leaves after a guest powered off: its last exit, commands and log. */
async function leaveFinishedRun(store: Datastore, name: string): Promise<void> {
  const files = runtimeFiles(store.guestDir(name));
  const at = new Date().toISOString();
  const record = (id: number, argv: string[]) => JSON.stringify({ id, argv, startedAt: at, durationMs: 3, exitCode: 0, signal: null, running: false });
  const commands = [record(1, ['bhyveload', '-m', '256M', name]), record(2, ['bhyvectl', '--destroy', `--vm=${name}`])];
  await writeFile(files.commands, commands.map((line) => `${line}\n`).join(''));
  await writeFile(files.lastExit, `${JSON.stringify({ at, exitCode: 1 })}\n`);
  await writeFile(files.log, `${at}: ${name}: stopped\n`);
}

/** A listing that lost guests or missed the running ones would measure the wrong thing. */
function check(fixture: Fixture, list: VmSummary[]): void {
  const running = list.filter((vm) => vm.state === 'running').length;
  const unreadable = list.find((vm) => vm.lastFault?.startsWith('Hivedesk cannot read'));
  if (list.length !== fixture.size || running !== fixture.running || unreadable) {
    const what = `${list.length} guests, ${running} running${unreadable ? `, ${unreadable.name}: ${unreadable.lastFault}` : ''}`;
    throw new Error(`${fixture.backend}-${fixture.size}: listVms gave ${what}; expected ${fixture.size} guests, ${fixture.running} running`);
  }
}

// ---------------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------------

/** Wall-clock time, and the CPU time of this whole process (every libuv thread included): what a poll costs the host. */
interface Sample {
  wallMs: number;
  cpuMs: number;
}

async function timed(work: () => Promise<unknown>, what: string, budget: Budget): Promise<Sample> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  await withTimeout(work(), budget.limit(STEP_MS), what);
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
}

interface Samples {
  /** Each baseline read of all .conf files, by datastore size. */
  baseline: Map<number, Sample[]>;
  /** Each listVms, by fixture. */
  listing: Map<Fixture, Sample[]>;
  rounds: number;
}

/** Round 0 warms up (JIT, the page cache, the bhyve backend's first import of command files) and is not counted. */
async function measure(fixtures: Fixture[], budget: Budget): Promise<Samples> {
  const samples: Samples = { baseline: new Map(SIZES.map((size) => [size, []])), listing: new Map(fixtures.map((f) => [f, []])), rounds: 0 };
  const started = Date.now();
  for (let round = 0; round <= ROUNDS; round++) {
    if (round > MIN_ROUNDS && Date.now() - started > MEASURE_MS) break;
    for (const size of SIZES) {
      const confs = fixtures.find((f) => f.size === size)?.confs ?? [];
      const base = await timed(() => Promise.all(confs.map((path) => readFile(path, 'utf8'))), `reading ${size} .conf files`, budget);
      if (round > 0) samples.baseline.get(size)?.push(base);
      for (const fixture of fixtures.filter((f) => f.size === size)) {
        let list: VmSummary[] = [];
        const took = await timed(async () => (list = await fixture.core.vms.listVms()), `listVms of ${fixture.backend}-${size}`, budget);
        check(fixture, list);
        if (round > 0) samples.listing.get(fixture)?.push(took);
      }
    }
    if (round > 0) samples.rounds = round;
    console.error(`round ${round}${round === 0 ? ' (warm-up)' : ''} done`);
  }
  return samples;
}

/** How long the idle cost of the watches is measured. */
const IDLE_MS = 5_000;

/** This process's CPU time while it waits: what it costs to keep whatever is set up. */
async function idleCpuMs(): Promise<number> {
  const since = process.cpuUsage();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  return cpuMs(since);
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/**
 * What watching the largest datastore costs (the GUI watches the one it shows, see
 * electron/datastore/watch.ts): its inotify watches, setting them up, sitting idle, and hearing
 * every guest's .conf edited at once. One line, after the table.
 */
async function measureWatching(fixture: Fixture, budget: Budget): Promise<string> {
  const idleWithout = await idleCpuMs();
  const before = await inotifyWatches();
  const heard = new Set<string>();
  const setupCpu = process.cpuUsage();
  const setupWall = performance.now();
  const watcher = new DatastoreWatcher(fixture.core.store.root, { changed: () => undefined, confChanged: (name) => heard.add(name) });
  try {
    await withTimeout(watcher.ready(), budget.limit(STEP_MS), 'the watcher to watch every guest');
    const setup = `${(performance.now() - setupWall).toFixed(0)} ms (${cpuMs(setupCpu).toFixed(0)} ms CPU)`;
    const watches = (await inotifyWatches()) - before;
    // The first seconds after set-up collect its garbage: that is set-up, not what the watches cost.
    await idleCpuMs();
    const idle = `${(await idleCpuMs()).toFixed(1)} ms CPU (${idleWithout.toFixed(1)} ms without the watches)`;
    const editCpu = process.cpuUsage();
    const editWall = performance.now();
    // A comment: what vm-bhyve reads stays the same, so the listings measured before are unchanged.
    await Promise.all(fixture.confs.map((path) => appendFile(path, '# touched by the list benchmark\n')));
    await pollUntil(async () => heard.size === fixture.size, budget.limit(STEP_MS), `every .conf edit to be heard (${heard.size} so far)`);
    const edits = `${(performance.now() - editWall).toFixed(0)} ms (${cpuMs(editCpu).toFixed(0)} ms CPU)`;
    return (
      `\nwatching ${fixture.size} guest directories (${fixture.backend}): ${watches} inotify watches` +
      ` (this host allows ${(await readFile('/proc/sys/fs/inotify/max_user_watches', 'utf8').catch(() => '?')).trim()} per user);` +
      `\n  set up in ${setup}; idle for ${IDLE_MS / 1000} s: ${idle}; every .conf edited at once: all heard in ${edits}`
    );
  } finally {
    watcher.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function printReport(fixtures: Fixture[], samples: Samples): void {
  const header = ['guests', 'backend', 'running', 'baseline ms', 'listVms ms', 'ratio', 'baseline cpu ms', 'listVms cpu ms', 'cpu ratio'];
  const rows = fixtures.map((fixture) => {
    const base = samples.baseline.get(fixture.size) ?? [];
    const list = samples.listing.get(fixture) ?? [];
    const cells = (of: (sample: Sample) => number) => {
      const [b, l] = [median(base.map(of)), median(list.map(of))];
      return [b.toFixed(2), l.toFixed(2), (l / b).toFixed(2)];
    };
    return [String(fixture.size), fixture.backend, String(fixture.running), ...cells((s) => s.wallMs), ...cells((s) => s.cpuMs)];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  console.log(`\n${line(header)}`);
  for (const row of rows) console.log(line(row));
  console.log(
    `\nratio = listVms / baseline, medians of ${samples.rounds} rounds after a warm-up, taking turns; ms is wall-clock` +
      `\ntime, cpu ms the process's CPU time (all threads) for the same call: the VM monitor's cost each second.` +
      `\nbaseline = readFile of every guest's .conf (Promise.all); listVms through createCore, no VM monitor.` +
      `\ngoal: listing ${Math.max(...SIZES)} guests costs at most ${GOAL_RATIO}x the baseline on both backends.` +
      `\nrunning guests: QEMU's are stand-in processes named in qemu.pid; bhyve's have a /dev/vmm entry and run.lock.` +
      `\nevery ${RAN_BEFORE_EVERY}th stopped bhyve guest has a last exit, supervisor commands and a log from an earlier run.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  return runBenchmark('list-bench', BUDGET_MS, async ({ root, budget, cleanup }) => {
    console.error(`list benchmark: ${SIZES.join(' and ')} guests per backend (${BACKENDS.join(', ')}), node ${process.version}`);
    const fixtures: Fixture[] = [];
    for (const size of SIZES) for (const backend of BACKENDS) fixtures.push(await makeFixture(root, backend, size, cleanup));
    printReport(fixtures, await measure(fixtures, budget));
    const largest = fixtures.find((f) => f.size === Math.max(...SIZES));
    if (largest) console.log(await measureWatching(largest, budget));
  });
}

process.exit(await main());
