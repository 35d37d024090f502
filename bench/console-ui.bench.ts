/**
 * Console UI benchmark: what a person sees, not what a WebSocket client gets.
 *
 *   throughput   guest → socat pty pair → cu → Hivedesk → WebSocket → xterm.js in Chromium, until
 *                the page has drawn the payload's end marker; against raw cu in a pty and against
 *                xterm.js alone in the same Chromium (the ceiling), measured in the same run, the
 *                three taking turns; the console tab and xterm.js alone also with screen reader mode
 *                on, and xterm.js alone with its WebGL renderer, to show what each costs
 *   memory       the host layer's RSS (browser mode, its own process) with 20 consoles open in
 *                the page, each having printed some output
 *   clicks       the New VM click → the wizard painted, while a guest floods the visible console
 *                (screen reader mode off, as by default, and on, taking turns)
 *
 * Browser mode runs as `npm run web` runs it (dist/node/electron/web/main.js, a child process), on
 * a datastore of QEMU guests whose "QEMU" is a stand-in process and whose com1 is a socat pty
 * pair this benchmark plays the guest on. Prints numbers and goals only: nothing passes or fails.
 *
 * Needs the build (`npm run --silent build`). Run: npm run bench -- console-ui
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import { Datastore, exists } from '../electron/datastore/datastore.js';
import { type Guest, openSerialLine, startRawCu } from '../electron/testing/console-rig.js';
import type { Terminal } from '../electron/testing/console-viewer.js';
import { type BenchmarkRun, type Cleanup, runBenchmark, startQemuStandIn, stopChild, withTimeout } from '../electron/testing/lifecycle.js';
import { type BareVariant, type BareXterm, openBareXterm, type TerminalBox } from './bare-xterm.js';
import { clickNewVm, PAGE_PROBE } from './page-probe.js';
import { startPlainRelay } from './plain-relay.js';
import { median, percentile } from './stats.js';

const MiB = 1024 * 1024;
const PAYLOAD_BYTES = 4 * MiB;
const THROUGHPUT_RUNS = 5;
const CONSOLES = 20;
const CLICK_RUNS = 10;
const GOALS = { throughput: 0.9, rssMiB: 150, clickMs: 100 };
const BUDGET_MS = 400_000;
const STEP_MS = 60_000;
const REPO = resolve(import.meta.dirname, '..');
const VIEWPORT = { width: 1280, height: 800 };
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface Fixture {
  url: string;
  hostPid: number;
  guests: { name: string; guest: Guest }[];
}

const guestName = (i: number) => `con${String(i).padStart(2, '0')}`;

/** Guests with lines of their own, and browser mode on them in a child process. */
async function startFixture(run: BenchmarkRun, cleanup: Cleanup): Promise<Fixture> {
  const store = new Datastore(join(run.root, 'datastore'));
  const guests: Fixture['guests'] = [];
  for (let i = 1; i <= CONSOLES; i++) {
    const name = guestName(i);
    const line = await openSerialLine(join(run.root, `line-${name}`), cleanup);
    run.devices.push(line.device);
    await mkdir(store.guestDir(name), { recursive: true });
    await writeFile(store.confPath(name), 'cpu=1\nmemory=256M\nhivedesk_backend="qemu"\n');
    const standIn = startQemuStandIn(name, run.root);
    cleanup.add(`stand-in for ${name}`, () => stopChild(standIn, `stand-in for ${name}`));
    await writeFile(store.runtimePath(name, 'qemu.pid'), `${standIn.pid}\n`);
    await store.writeConsoles(name, { com1: line.device });
    guests.push({ name, guest: line.guest });
  }
  const web = spawn(process.execPath, [join(REPO, 'dist/node/electron/web/main.js'), '--datastore', store.root, '--port', '0', '--backend', 'qemu'], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanup.add('browser mode', () => stopChild(web, 'browser mode'), 15_000);
  const url = await withTimeout(
    new Promise<string>((resolve) => {
      let out = '';
      web.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => /^http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(l));
        if (line) resolve(line.trim());
      });
    }),
    STEP_MS,
    'browser mode to print its address',
  );
  return { url, hostPid: web.pid ?? 0, guests };
}

/** The host layer's resident memory, as the kernel counts it. */
async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** Opens a guest's console tab the way a person does, and waits until cu holds its line. */
async function openConsole(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name: 'Machines' }).click();
  await page.getByRole('row', { name }).getByRole('button', { name: 'Console' }).click();
  await page.getByRole('tabpanel', { name: `Console ${name} com1` }).getByText(`${name} · com1: connected`).waitFor({ timeout: STEP_MS });
}

const consoleTab = (name: string) => `section[aria-label="Console ${name} com1"]`;

/** Resolves when the console tab of `name` has drawn `marker`, checked in the page on every frame. */
function drawn(page: Page, name: string, marker: string, ms: number): Promise<unknown> {
  return drawnIn(page, `${consoleTab(name)} .xterm-rows`, marker, ms);
}

function drawnIn(page: Page, rows: string, marker: string, ms: number): Promise<unknown> {
  return withTimeout(page.evaluate(`window.__bench.drawn(${JSON.stringify(rows)}, ${JSON.stringify(marker)})`), ms, `${rows} to draw ${marker}`);
}

/** Turns the consoles' screen reader mode on or off with the console tab's own toggle. */
async function setScreenReader(page: Page, name: string, on: boolean): Promise<void> {
  const toggle = page.locator(consoleTab(name)).getByRole('button', { name: 'Screen reader' });
  if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
  await page.locator(`${consoleTab(name)} .xterm-accessibility-tree`).waitFor({ state: on ? 'attached' : 'detached', timeout: STEP_MS });
}

/** The console tab's terminal box as CSS, which xterm's FitAddon measures to pick rows and columns. */
function terminalBox(page: Page, name: string): Promise<TerminalBox> {
  return page.locator(`${consoleTab(name)} .console-screen`).evaluate((el) => {
    const style = getComputedStyle(el);
    return { width: style.width, height: style.height, padding: style.padding, boxSizing: style.boxSizing };
  });
}

/** The terminal's drawn grid in pixels, the same in both pages when they show the same rows and columns. */
function screenSize(page: Page, root: string): Promise<string> {
  return page.locator(`${root} .xterm-screen`).evaluate((el) => `${el.clientWidth}×${el.clientHeight} px`);
}

const PAYLOAD_LINE = '0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz-------\n';
const PAYLOAD_LINES = PAYLOAD_BYTES / PAYLOAD_LINE.length;

function payload(end: string): string {
  return `${PAYLOAD_LINE.repeat(PAYLOAD_LINES)}${end}\n`;
}

/** xterm.js alone as a console tab has it, and with one thing changed. */
const BARE_VARIANTS = {
  alone: { screenReaderMode: false, webgl: false },
  aloneReader: { screenReaderMode: true, webgl: false },
  aloneWebgl: { screenReaderMode: false, webgl: true },
} satisfies Record<string, BareVariant>;
type BareSetup = keyof typeof BARE_VARIANTS;
type Setup = 'raw' | 'hivedesk' | 'hivedeskReader' | 'relay' | BareSetup;
type Rates = Record<Setup, number[]>;
type Bares = Record<BareSetup, BareXterm>;
/** xterm.js alone reading cu through the plain relay: the whole live path, with nothing of Hivedesk's in it. */
interface Relayed {
  guest: Guest;
  bare: BareXterm;
}

/** MiB/s of the payload from `start` until `done` resolves. */
async function rate(done: Promise<unknown>): Promise<number> {
  const start = performance.now();
  await done;
  return PAYLOAD_BYTES / MiB / ((performance.now() - start) / 1000);
}

async function throughput(page: Page, fixture: Fixture, raw: { guest: Guest; terminal: Terminal }, bares: Bares, relayed: Relayed, run: BenchmarkRun): Promise<Rates> {
  const first = fixture.guests[0];
  if (!first) throw new Error('no guests');
  const rates: Rates = { raw: [], hivedesk: [], hivedeskReader: [], relay: [], alone: [], aloneReader: [], aloneWebgl: [] };
  for (let round = 0; round <= THROUGHPUT_RUNS; round++) {
    const measured: Partial<Record<Setup, number>> = {};
    const rawEnd = `<<raw ${round}>>`;
    raw.terminal.tally.reset();
    measured.raw = await rate(Promise.all([raw.guest.write(payload(rawEnd)), raw.terminal.tally.until(rawEnd, run.budget.limit(STEP_MS))]));

    for (const setup of ['hivedesk', 'hivedeskReader'] as const) {
      await setScreenReader(page, first.name, setup === 'hivedeskReader');
      const end = `<<${setup} ${round}>>`;
      measured[setup] = await rate(Promise.all([drawn(page, first.name, end, run.budget.limit(STEP_MS)), first.guest.write(payload(end))]));
    }
    await setScreenReader(page, first.name, false);

    const relayEnd = `<<relay ${round}>>`;
    measured.relay = await rate(Promise.all([withTimeout(relayed.bare.drawn(relayEnd), run.budget.limit(STEP_MS), `the relay to draw ${relayEnd}`), relayed.guest.write(payload(relayEnd))]));

    for (const [setup, bare] of Object.entries(bares) as [BareSetup, BareXterm][]) {
      const end = `<<${setup} ${round}>>`;
      await bare.prepare(PAYLOAD_LINE, PAYLOAD_LINES, end);
      measured[setup] = await rate(Promise.all([withTimeout(bare.drawn(end), run.budget.limit(STEP_MS), `${setup} to draw ${end}`), bare.feed()]));
    }
    // Round 0 warms up (JIT, buffers, xterm's glyph cache) and is not counted.
    if (round > 0) for (const [setup, value] of Object.entries(measured) as [Setup, number][]) rates[setup].push(value);
  }
  return rates;
}

/** The guest writes without pause until stopped, as a chatty kernel or `yes` would. */
function flood(guest: Guest): () => Promise<void> {
  let flooding = true;
  const line = `${'flood '.repeat(13)}\n`.repeat(512);
  const writing = (async () => {
    while (flooding) await guest.write(line);
  })();
  return async () => {
    flooding = false;
    await writing;
  };
}

interface Results {
  throughput: Rates;
  terminals: string;
  rss: { label: string; mib: number }[];
  clicksQuiet: number[];
  clicksFlooding: number[];
  clicksFloodingReader: number[];
}

async function measure(browser: Browser, run: BenchmarkRun): Promise<Results> {
  const cleanup = run.cleanup.child('fixtures');
  const baseline = await openSerialLine(join(run.root, 'baseline'), cleanup);
  run.devices.push(baseline.device);
  const raw = { guest: baseline.guest, terminal: await startRawCu(baseline.device, cleanup, run.budget.limit(STEP_MS)) };
  const fixture = await startFixture(run, cleanup);
  const context = await browser.newContext({ viewport: VIEWPORT });
  cleanup.add('browser context', () => context.close());
  await context.addInitScript(PAGE_PROBE);
  const page = await context.newPage();
  await page.goto(fixture.url);
  const rss = [{ label: 'page open, no console', mib: await rssMiB(fixture.hostPid) }];

  const [first, ...others] = fixture.guests;
  if (!first) throw new Error('no guests');
  await openConsole(page, first.name);
  const box = await terminalBox(page, first.name);
  const bares = {} as Bares;
  const terminals = [`console tab ${await screenSize(page, consoleTab(first.name))}`];
  for (const [setup, variant] of Object.entries(BARE_VARIANTS) as [BareSetup, BareVariant][]) {
    const { context: bareContext, bare } = await openBareXterm(browser, VIEWPORT, box, variant);
    cleanup.add(`xterm.js alone (${setup})`, () => bareContext.close());
    bares[setup] = bare;
    terminals.push(`${setup} ${await screenSize(bare.page, 'body')} (${bare.size})`);
  }
  const relayLine = await openSerialLine(join(run.root, 'relay'), cleanup);
  run.devices.push(relayLine.device);
  const relayAddress = await startPlainRelay(relayLine.device, cleanup, run.budget.limit(STEP_MS));
  const { context: relayContext, bare: relayBare } = await openBareXterm(browser, VIEWPORT, box, BARE_VARIANTS.alone);
  cleanup.add('xterm.js over the plain relay', () => relayContext.close());
  await relayBare.connect(relayAddress.url);
  console.error('throughput to xterm.js in Chromium…');
  const rates = await throughput(page, fixture, raw, bares, { guest: relayLine.guest, bare: relayBare }, run);
  rss.push({ label: 'one console, after 24 MiB through it', mib: await rssMiB(fixture.hostPid) });

  console.error(`opening ${CONSOLES} consoles…`);
  for (const { name } of others) await openConsole(page, name);
  // Each prints a boot's worth, so every session's replay holds something.
  await Promise.all(fixture.guests.map(({ name, guest }) => guest.write(`${`${name} booting `.repeat(8)}\n`.repeat(2048))));
  await new Promise((r) => setTimeout(r, 2000));
  rss.push({ label: `${CONSOLES} consoles open, 256 KiB printed on each`, mib: await rssMiB(fixture.hostPid) });

  console.error('clicks, quiet and while a guest floods its console…');
  await page.getByRole('tab', { name: `${first.name} · com1` }).click();
  const clicksQuiet = [];
  for (let i = 0; i < CLICK_RUNS; i++) clicksQuiet.push(await clickNewVm(page, run.budget.limit(STEP_MS)));
  const stop = flood(first.guest);
  const clicksFlooding: number[] = [];
  const clicksFloodingReader: number[] = [];
  try {
    for (let i = 0; i < CLICK_RUNS; i++) {
      for (const reader of [false, true]) {
        await setScreenReader(page, first.name, reader);
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
        (reader ? clicksFloodingReader : clicksFlooding).push(await clickNewVm(page, run.budget.limit(STEP_MS)));
      }
    }
  } finally {
    await stop();
  }
  return { throughput: rates, terminals: terminals.join('; '), rss, clicksQuiet, clicksFlooding, clicksFloodingReader };
}

function printReport(results: Results): void {
  const raw = median(results.throughput.raw);
  const page = median(results.throughput.hivedesk);
  const alone = median(results.throughput.alone);
  const peak = Math.max(...results.rss.map((r) => r.mib));
  console.log(`\nthroughput to the screen (MiB/s, median)   raw cu ${raw.toFixed(1)}   hivedesk ${page.toFixed(1)}   xterm.js alone ${alone.toFixed(1)}`);
  console.log(`  hivedesk / raw cu          ${(page / raw).toFixed(2)}   goal ≥ ${GOALS.throughput}`);
  console.log(`  hivedesk / xterm.js alone  ${(page / alone).toFixed(2)}   the ceiling: no page can show a console faster than xterm.js parses and draws it, so near 1 means Hivedesk's own path costs little`);
  const versus = (label: string, setup: Setup, base: number) => {
    const value = median(results.throughput[setup]);
    console.log(`  ${label.padEnd(40)} ${value.toFixed(1).padStart(5)}   ${(value / base).toFixed(2)}x`);
  };
  const relay = median(results.throughput.relay);
  console.log(`  hivedesk / plain relay     ${(page / relay).toFixed(2)}   xterm.js alone reading cu over the plain relay (bench/plain-relay.ts) draws ${relay.toFixed(1)} MiB/s, ${(relay / raw).toFixed(2)}x raw cu: the same live path with nothing of Hivedesk's in it`);
  console.log('one thing changed (MiB/s, median, and against the same setup without it):');
  versus('hivedesk, screen reader mode on', 'hivedeskReader', page);
  versus('xterm.js alone, screen reader mode on', 'aloneReader', alone);
  versus('xterm.js alone, WebGL renderer', 'aloneWebgl', alone);
  console.log('host layer RSS (MiB):');
  for (const { label, mib } of results.rss) console.log(`  ${label.padEnd(44)} ${mib.toFixed(0).padStart(5)}`);
  console.log(`  ${'highest'.padEnd(44)} ${peak.toFixed(0).padStart(5)}   goal < ${GOALS.rssMiB} with ${CONSOLES} consoles`);
  const row = (label: string, samples: number[]) => console.log(`  ${label.padEnd(30)} median ${median(samples).toFixed(0).padStart(4)}   p90 ${percentile(samples, 90).toFixed(0).padStart(4)}`);
  console.log(`New VM click → dialog painted (ms; goal ≤ ${GOALS.clickMs} while flooding):`);
  row('console open, guest quiet', results.clicksQuiet);
  row('console open, guest flooding', results.clicksFlooding);
  row('  the same, screen reader mode on', results.clicksFloodingReader);
  console.log(
    `\nthroughput: ${PAYLOAD_BYTES / MiB} MiB per run, ${THROUGHPUT_RUNS} runs each after a warm-up, raw cu, the page and xterm.js alone taking turns;` +
      '\na page counts as done when its terminal has drawn the end marker: the console tab\'s rows checked every animation frame, xterm.js alone on its own render event (WebGL draws no rows to read).',
  );
  console.log(`terminals: ${results.terminals}`);
  const runs = (rates: number[]) => rates.map((r) => r.toFixed(1)).join(' ');
  console.log(`per run (MiB/s): ${Object.entries(results.throughput).map(([setup, rates]) => `${setup} ${runs(rates)}`).join(' | ')}`);
}

async function main(): Promise<number> {
  if (!(await exists(join(REPO, 'dist/renderer/index.html'))) || !(await exists(join(REPO, 'dist/node/electron/web/main.js')))) {
    console.error('no build in dist/: run `npm run --silent build` first');
    return 2;
  }
  return runBenchmark('console-ui-bench', BUDGET_MS, async (run) => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    run.cleanup.add('chromium', () => browser.close(), 15_000);
    console.error(`console UI benchmark: Chromium ${browser.version()}, node ${process.version}`);
    printReport(await measure(browser, run));
  });
}

process.exit(await main());
