/**
 * UI benchmark: does the machine list stay fast with 1,000 guests?
 *
 * Browser mode (a Host and the loopback server serving the built renderer) on a temp datastore
 * of 10 and then of 1,000 QEMU guests, in headless Chromium. Measures, in the page itself (so
 * Playwright's own overhead is not counted):
 *
 *   first paint  navigation start → the first guest row painted
 *   New VM       the click event → the wizard dialog painted
 *
 * each with the guests quiet and while some of them keep changing state (their pidfiles come
 * and go, pointing at live stand-ins whose argv looks like QEMU's, so the VM monitor sees real
 * state changes and sends them to the page). Prints medians, p90 and the 1,000 / 10 ratio next
 * to the goals. Prints numbers only: nothing here passes or fails on timing.
 *
 * Needs the renderer built (`npm run bench` builds first). Run: npm run bench -- ui (or node --import tsx bench/ui.bench.ts --screenshot <file.png>)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Browser, chromium, type Page } from '@playwright/test';
import { createHost } from '../electron/app/host.js';
import { Datastore, exists } from '../electron/datastore/datastore.js';
import { startLoopbackServer } from '../electron/web/server.js';
import { type BenchmarkRun, type Cleanup, runBenchmark, withTimeout } from '../electron/testing/lifecycle.js';
import { clickNewVm, PAGE_PROBE } from './page-probe.js';
import { median, percentile } from './stats.js';

const SIZES = [10, 1000] as const;
/** Guests whose state flips while "churning" (all of them when there are fewer). */
const CHURN_GUESTS = 20;
/** Every tick flips this many of them: about 8 state changes a second, whatever the list's size. */
const FLIPS_PER_TICK = 4;
const TICK_MS = 500;
const PAINT_RUNS = 5;
const CLICK_RUNS = 10;
const GOAL_CLICK_MS = 100;
const GOAL_PAINT_RATIO = 2;
const BUDGET_MS = 400_000;
const STEP_MS = 30_000;
const STATIC_ROOT = resolve(import.meta.dirname, '../dist/renderer');
const TOKEN = `bench-ui-${process.pid}-${Date.now()}`;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

type Run = BenchmarkRun;

interface Samples {
  paint: number[];
  click: number[];
}

type Mode = 'quiet' | 'churning';
type Results = Map<`${number} ${Mode}`, Samples>;

// ---------------------------------------------------------------------------------------------
// Guests
// ---------------------------------------------------------------------------------------------

const guestName = (i: number) => `guest-${String(i).padStart(4, '0')}`;

/** A datastore of `count` stopped QEMU guests, as vm-bhyve's layout has them. */
async function makeDatastore(dir: string, count: number): Promise<Datastore> {
  const store = new Datastore(dir);
  for (let i = 1; i <= count; i++) {
    const name = guestName(i);
    await mkdir(store.guestDir(name), { recursive: true });
    await writeFile(store.confPath(name), `cpu=${1 + (i % 4)}\nmemory=${256 * (1 + (i % 8))}M\nhivedesk_backend="qemu"\n`);
  }
  return store;
}

/**
 * A process the QEMU backend takes for `name`'s QEMU (argv0 names qemu, `-name <name>` follows).
 * It is `sh` waiting on a pipe from us, so it ends by itself if the benchmark dies; the root dir
 * rides along so a leftover is easy to attribute.
 */
function startStandIn(name: string, root: string, cleanup: Cleanup): ChildProcess {
  const child = spawn('sh', ['-c', 'read _', '-name', name, root], { argv0: 'qemu-system-x86_64', stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  cleanup.add(`stand-in for ${name}`, async () => {
    child.kill('SIGTERM');
    await withTimeout(exited, 3_000, `stand-in for ${name} to exit`).catch(() => child.kill('SIGKILL'));
  });
  return child;
}

/** Flips a few guests between running and stopped every tick, by writing and removing their pidfiles. */
async function startChurn(store: Datastore, count: number, run: Run, cleanup: Cleanup): Promise<() => Promise<void>> {
  const guests = Array.from({ length: Math.min(CHURN_GUESTS, count) }, (_, i) => guestName(i + 1));
  const pids = new Map(guests.map((name) => [name, startStandIn(name, run.root, cleanup).pid]));
  let flipping: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    flipping = Promise.all(
      Array.from({ length: FLIPS_PER_TICK }, async () => {
        const name = guests[Math.floor(Math.random() * guests.length)] ?? '';
        const pidFile = store.runtimePath(name, 'qemu.pid');
        if (await exists(pidFile)) await rm(pidFile, { force: true });
        else await writeFile(pidFile, `${pids.get(name)}\n`);
      }),
    );
  }, TICK_MS);
  return async () => {
    clearInterval(timer);
    await flipping;
    await Promise.all(guests.map((name) => rm(store.runtimePath(name, 'qemu.pid'), { force: true })));
  };
}

// ---------------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------------

async function openApp(browser: Browser, url: string, run: Run): Promise<{ page: Page; firstRow: number; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(PAGE_PROBE);
  const page = await context.newPage();
  await page.goto(url);
  // A string, not a function: the page's CSP forbids eval, and Playwright's waitForFunction needs it.
  const firstRow = Number(await withTimeout(page.evaluate('window.__bench.firstRow'), run.budget.limit(STEP_MS), 'the first guest row'));
  return { page, firstRow, close: () => context.close() };
}

/** Pauses of varying length, so clicks land at every point of the monitor's one-second poll. */
const pause = () => new Promise((r) => setTimeout(r, 250 + Math.random() * 750));

async function measureMode(browser: Browser, url: string, run: Run): Promise<Samples> {
  const samples: Samples = { paint: [], click: [] };
  for (let i = 0; i < PAINT_RUNS; i++) {
    const app = await openApp(browser, url, run);
    samples.paint.push(app.firstRow);
    await app.close();
  }
  const app = await openApp(browser, url, run);
  try {
    await pause();
    for (let i = 0; i < CLICK_RUNS; i++) {
      samples.click.push(await clickNewVm(app.page, run.budget.limit(STEP_MS)));
      await pause();
    }
  } finally {
    await app.close();
  }
  return samples;
}

async function measureSize(browser: Browser, count: number, run: Run, results: Results, screenshot?: string): Promise<void> {
  const cleanup = run.cleanup.child(`${count} guests`);
  try {
    const store = await makeDatastore(join(run.root, `datastore-${count}`), count);
    const host = await createHost({ datastore: store.root, backend: 'qemu' });
    cleanup.add('host', () => host.dispose());
    const server = await startLoopbackServer({ host, token: TOKEN, port: 0, staticRoot: STATIC_ROOT });
    cleanup.add('loopback server', () => server.close());

    // Not counted: the host's first listing of every guest (startup, not the UI) and Chromium's first run of the app.
    await (await openApp(browser, server.url, run)).close();
    console.error(`${count} guests, quiet…`);
    results.set(`${count} quiet`, await measureMode(browser, server.url, run));
    console.error(`${count} guests, ${Math.min(CHURN_GUESTS, count)} of them changing state…`);
    const stopChurn = await startChurn(store, count, run, cleanup);
    try {
      results.set(`${count} churning`, await measureMode(browser, server.url, run));
      if (screenshot) await takeScreenshot(browser, server.url, run, screenshot);
    } finally {
      await stopChurn();
    }
  } finally {
    await cleanup.run();
  }
}

async function takeScreenshot(browser: Browser, url: string, run: Run, path: string): Promise<void> {
  const app = await openApp(browser, url, run);
  try {
    await app.page.screenshot({ path });
    console.error(`screenshot: ${path}`);
  } finally {
    await app.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------


function printReport(results: Results): void {
  const [small, large] = SIZES;
  const rows: string[][] = [['metric (ms)', `${small} guests`, `${large} guests`, 'ratio', 'goal']];
  for (const mode of ['quiet', 'churning'] as const) {
    const a = results.get(`${small} ${mode}`);
    const b = results.get(`${large} ${mode}`);
    if (!a || !b) continue;
    const paint = [median(a.paint), median(b.paint)] as const;
    rows.push([`first row painted, ${mode} (median)`, ms(paint[0]), ms(paint[1]), ratio(paint[1] / paint[0]), `ratio ≤ ${GOAL_PAINT_RATIO}`]);
    const click = [median(a.click), median(b.click)] as const;
    rows.push([`New VM click → dialog, ${mode} (median)`, ms(click[0]), ms(click[1]), ratio(click[1] / click[0]), `≤ ${GOAL_CLICK_MS} ms at ${large}`]);
    rows.push([`New VM click → dialog, ${mode} (p90)`, ms(percentile(a.click, 90)), ms(percentile(b.click, 90)), '', '']);
  }
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => row[col]?.length ?? 0))) ?? [];
  console.log('');
  for (const row of rows) console.log(row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0))).join('  '));
  console.log(
    `\nratio = ${large} guests / ${small} guests, measured in the same run. First paint: navigation start to the` +
      `\nfirst guest row painted, ${PAINT_RUNS} fresh pages each. Click: the click event to the wizard painted,` +
      `\n${CLICK_RUNS} clicks each. "churning": ${FLIPS_PER_TICK} of ${CHURN_GUESTS} guests flip between running and stopped every ${TICK_MS} ms.`,
  );
  console.log('\nper sample (ms):');
  for (const [key, samples] of results) {
    console.log(`  ${key.padEnd(14)} paint ${samples.paint.map(ms).join(' ')}`);
    console.log(`  ${''.padEnd(14)} click ${samples.click.map(ms).join(' ')}`);
  }
}

const ms = (value: number) => value.toFixed(0);
const ratio = (value: number) => value.toFixed(2);

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { screenshot: { type: 'string' } } });
  if (!(await exists(join(STATIC_ROOT, 'index.html')))) {
    console.error(`no built renderer in ${STATIC_ROOT}: run \`npm run --silent build\` first`);
    return 2;
  }
  return runBenchmark('bench-ui', BUDGET_MS, async (run) => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    run.cleanup.add('chromium', () => browser.close(), 15_000);
    console.error(`UI benchmark: ${SIZES.join(' and ')} guests, Chromium ${browser.version()}, node ${process.version}`);
    const results: Results = new Map();
    for (const count of SIZES) await measureSize(browser, count, run, results, count === SIZES[1] ? values.screenshot : undefined);
    printReport(results);
  });
}

process.exit(await main());
