/**
 * Console benchmark: what Hivedesk's console path costs compared with running cu by hand.
 *
 *   baseline  guest ⇄ socat pty pair ⇄ cu ⇄ node-pty                       (a user's terminal)
 *   hivedesk  guest ⇄ socat pty pair ⇄ cu ⇄ node-pty ⇄ ConsoleSession ⇄ loopback WebSocket ⇄ viewer(s)
 *
 * Measures throughput (guest output to terminal) and keystroke round trip (terminal → guest →
 * guest's echo → terminal), and Hivedesk's fan-out to 1, 4 and 16 viewers, each in a thread of
 * its own. Both paths run in the same process and the same run, so the ratio says more than any
 * absolute number on a shared, noisy machine. Prints numbers and the goals only: nothing
 * here passes or fails on timing. A tab the server resynchronised (it fell behind the replay
 * window, and was told) is counted and reported, not a failure; output lost without that notice is.
 *
 * Run: npm run bench
 */
import { join } from 'node:path';
import { type Guest, openSerialLine, startHivedesk, startRawCu } from '../electron/testing/console-rig.js';
import type { ConsoleAddress, Terminal, Viewer } from '../electron/testing/console-viewer.js';
import { type BenchmarkRun, type Cleanup, runBenchmark } from '../electron/testing/lifecycle.js';
import { startPlainRelay } from './plain-relay.js';
import { type RemoteTerminal, RemoteViewers } from './remote-viewers.js';
import { median, percentile } from './stats.js';

const MiB = 1024 * 1024;
const PAYLOAD_BYTES = 4 * MiB;
/** Measured throughput runs per configuration, after one warm-up run. */
const THROUGHPUT_RUNS = 7;
const LATENCY_SAMPLES = 200;
const LATENCY_WARMUP = 10;
const VIEWER_COUNTS = [1, 4, 16] as const;
/** The plain relay (plain-relay.ts) is measured at the counts that have goals. */
const RELAY_COUNTS = [1, 16] as const;
/** Issue 6's goals: throughput per viewer against raw cu (by number of viewers), and keystrokes at most this much slower. */
const GOAL_THROUGHPUT: Partial<Record<number, number>> = { 1: 0.9, 16: 0.7 };
const GOAL_KEYSTROKE_EXTRA_MS = 5;
/** The whole benchmark, cleanup included, must end within about three minutes on a loaded machine. */
const BUDGET_MS = 150_000;
const STEP_MS = 20_000;
const KEYSTROKE_MS = 2_000;

/** Its `devices` are every line we opened, so leftover cu processes can be found at the end. */
type Run = BenchmarkRun;

/** A terminal being measured: raw cu's, or a tab in a thread of its own. */
type Watched = Terminal & Pick<RemoteTerminal, 'resyncs'>;

/** One throughput run of one setup. */
interface RunResult {
  /** MiB/s per terminal, the clock stopping when the slowest has the end marker. */
  rate: number;
  /** Terminals the server resynchronised during the run (they skipped output, as they were told). */
  resynced: number;
}

// ---------------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------------

/** Printable ASCII lines of 80 bytes (79 + \n); `~` left out, since it is cu's escape character. */
function payloadBody(length: number): string {
  const alphabet = Array.from({ length: 0x7d - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
  const lines: string[] = [];
  for (let size = 0, i = 0; size < length; size += 80, i++) {
    const start = i % alphabet.length;
    lines.push((alphabet.slice(start) + alphabet).repeat(2).slice(0, 79) + '\n');
  }
  return lines.join('').slice(0, length);
}

/**
 * Marks a clean start: a viewer that attaches gets the session's replay first, and cu prints
 * its banner; neither may count as payload. Markers end in \n so no part of them trails into
 * the next measurement.
 */
async function sync(guest: Guest, terminals: Terminal[], run: Run, id: string): Promise<void> {
  const marker = `<<sync ${id}>>\n`;
  await guest.write(`\n${marker}`);
  await Promise.all(terminals.map((t) => t.tally.until(marker, run.budget.limit(STEP_MS))));
}

/** One run: the guest writes the payload; the clock stops when the last terminal has all of it. */
async function throughputRun(guest: Guest, terminals: Watched[], run: Run, label: string): Promise<RunResult> {
  const end = `<<end ${label}>>\n`;
  const payload = payloadBody(PAYLOAD_BYTES - end.length) + end;
  for (const terminal of terminals) terminal.tally.reset();
  const start = performance.now();
  const writing = guest.write(payload);
  const counts = await Promise.all(terminals.map((t) => t.tally.until(end, run.budget.limit(STEP_MS))));
  const seconds = (performance.now() - start) / 1000;
  await writing;
  const resyncs = await Promise.all(terminals.map((t) => t.resyncs()));
  // "Fast" means nothing if bytes went missing (flow control dropping output would look fast). A
  // resynchronised tab missed output by design, and was told; any other must have all of it.
  const short = counts.findIndex((count, i) => count !== payload.length && resyncs[i] === 0);
  if (short !== -1) {
    throw new Error(`terminal ${short + 1} of ${terminals.length} got ${counts[short]} of ${payload.length} characters, and no resync notice`);
  }
  return { rate: payload.length / MiB / seconds, resynced: resyncs.filter((n) => n > 0).length };
}

/** Type one key, the guest echoes it as a tty would, and time until it shows. */
async function keystroke(terminal: Terminal, key: string, run: Run): Promise<number> {
  terminal.tally.reset();
  const start = performance.now();
  terminal.type(key);
  await terminal.tally.until(key, run.budget.limit(KEYSTROKE_MS));
  return performance.now() - start;
}

// ---------------------------------------------------------------------------------------------
// The two paths, measured in turns
// ---------------------------------------------------------------------------------------------

/**
 * One way of watching the console. Setups take turns run by run (and key by key), so a burst
 * of load from someone else on the machine hits baseline and Hivedesk alike.
 */
interface Setup {
  label: string;
  viewers: number;
  guest: Guest;
  /** Attaches this setup's terminals, synced and ready; `detach` lets them go again. */
  attach(run: Run, id: string): Promise<{ terminals: Watched[]; detach: () => Promise<void> }>;
}

async function rawCuSetup(run: Run, cleanup: Cleanup): Promise<{ setup: Setup; terminal: Terminal }> {
  const line = await openSerialLine(join(run.root, 'baseline'), cleanup);
  run.devices.push(line.device);
  const cu = await startRawCu(line.device, cleanup, run.budget.limit(STEP_MS));
  const setup: Setup = {
    label: 'raw cu',
    viewers: 1,
    guest: line.guest,
    attach: async (run, id) => {
      await sync(line.guest, [cu], run, id);
      return { terminals: [{ ...cu, resyncs: async () => 0 }], detach: async () => undefined };
    },
  };
  return { setup, terminal: cu };
}

async function hivedeskSetups(run: Run, cleanup: Cleanup): Promise<{ setups: Setup[]; guest: Guest; typist: Viewer }> {
  const line = await openSerialLine(join(run.root, 'hivedesk'), cleanup);
  run.devices.push(line.device);
  const hivedesk = await startHivedesk(run.root, line.device, cleanup);
  // The viewer for the keystroke test. Attaching starts the shared cu, whose banner we wait for
  // before the guest says anything: output sent before cu holds the line is lost.
  const typist = await hivedesk.viewer(run.budget.limit(STEP_MS));
  cleanup.add('typing viewer', () => typist.close());
  await typist.tally.until('Connected.', run.budget.limit(STEP_MS));

  const setups = threadedSetups('hivedesk', hivedesk.address, line.guest, VIEWER_COUNTS, cleanup);
  return { setups, guest: line.guest, typist };
}

/** One setup per viewer count, its tabs in threads of their own, as a browser's tabs live in other processes. */
function threadedSetups(label: string, address: ConsoleAddress, guest: Guest, counts: readonly number[], cleanup: Cleanup): Setup[] {
  const remote = new RemoteViewers(address, Math.max(...counts), cleanup);
  return counts.map(
    (count): Setup => ({
      label: `${label} x${count}`,
      viewers: count,
      guest,
      attach: async (run, id) => {
        const viewers = await remote.open(count, run.budget.limit(STEP_MS));
        await sync(guest, viewers, run, id);
        return { terminals: viewers, detach: () => remote.closeAll() };
      },
    }),
  );
}

/** cu behind the plainest WebSocket relay, on a line of its own, with viewers in threads as Hivedesk's. */
async function relaySetups(run: Run, cleanup: Cleanup): Promise<Setup[]> {
  const line = await openSerialLine(join(run.root, 'relay'), cleanup);
  run.devices.push(line.device);
  const address = await startPlainRelay(line.device, cleanup, run.budget.limit(STEP_MS));
  return threadedSetups('plain relay', address, line.guest, RELAY_COUNTS, cleanup);
}

/** Round 0 warms up (JIT, pty and socket buffers) and is not counted. */
async function throughputRounds(setups: Setup[], run: Run): Promise<Map<Setup, RunResult[]>> {
  const results = new Map<Setup, RunResult[]>(setups.map((setup) => [setup, []]));
  for (let round = 0; round <= THROUGHPUT_RUNS; round++) {
    for (const setup of setups) {
      const id = `${setup.label} ${round}`;
      const { terminals, detach } = await setup.attach(run, id);
      const result = await throughputRun(setup.guest, terminals, run, id);
      await detach();
      if (round > 0) results.get(setup)?.push(result);
    }
  }
  return results;
}

/** Alternates keys between the two terminals, one key in flight at a time. */
async function latencyRounds(pair: [Guest, Terminal][], run: Run): Promise<number[][]> {
  const keys = 'abcdefghijklmnopqrstuvwxyz';
  const samples = pair.map((): number[] => []);
  for (const [guest] of pair) guest.echo = true;
  try {
    for (let i = 0; i < LATENCY_WARMUP + LATENCY_SAMPLES; i++) {
      for (const [index, [, terminal]] of pair.entries()) {
        const took = await keystroke(terminal, keys[i % keys.length] ?? 'a', run);
        if (i >= LATENCY_WARMUP) samples[index]?.push(took);
      }
    }
  } finally {
    for (const [guest] of pair) guest.echo = false;
  }
  return samples;
}

interface Results {
  raw: RunResult[];
  /** The measured runs, by number of viewers. */
  hivedesk: Map<number, RunResult[]>;
  relay: Map<number, RunResult[]>;
  rawLatency: number[];
  hivedeskLatency: number[];
}

async function measure(run: Run): Promise<Results> {
  const cleanup = run.cleanup.child('benchmark fixtures');
  try {
    const raw = await rawCuSetup(run, cleanup);
    const hivedesk = await hivedeskSetups(run, cleanup);
    const relay = await relaySetups(run, cleanup);
    console.error(`keystroke round trips (${LATENCY_SAMPLES} each)…`);
    const [rawLatency = [], hivedeskLatency = []] = await latencyRounds(
      [
        [raw.setup.guest, raw.terminal],
        [hivedesk.guest, hivedesk.typist],
      ],
      run,
    );
    // Throughput is measured with exactly 1, 4 or 16 viewers on the session.
    await hivedesk.typist.close();
    const setups = [raw.setup, ...hivedesk.setups, ...relay];
    console.error(`throughput (${THROUGHPUT_RUNS} rounds of ${setups.map((s) => s.label).join(', ')})…`);
    const runs = await throughputRounds(setups, run);
    return {
      raw: runs.get(raw.setup) ?? [],
      hivedesk: new Map(hivedesk.setups.map((setup) => [setup.viewers, runs.get(setup) ?? []])),
      relay: new Map(relay.map((setup) => [setup.viewers, runs.get(setup) ?? []])),
      rawLatency,
      hivedeskLatency,
    };
  } finally {
    await cleanup.run();
  }
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
/** Runs with a resynchronised tab are left out: their slowest tab skipped output, so their clock says too little. */
const completeRates = (runs: RunResult[]) => runs.filter((r) => r.resynced === 0).map((r) => r.rate);

function printReport(results: Results): void {
  const { raw, hivedesk, relay, rawLatency, hivedeskLatency } = results;
  const rawRate = median(completeRates(raw));
  const rows: string[][] = [['metric', 'raw cu', 'hivedesk', 'vs raw cu', 'goal']];
  for (const count of VIEWER_COUNTS) {
    const ours = median(completeRates(hivedesk.get(count) ?? []));
    const goal = GOAL_THROUGHPUT[count];
    const label = `throughput, ${count} viewer${count === 1 ? '' : 's'} (MiB/s per viewer, median)`;
    rows.push([label, fixed(rawRate, 2), fixed(ours, 2), `${fixed(ours / rawRate, 2)}x`, goal === undefined ? '' : `≥ ${goal}x`]);
  }
  for (const count of RELAY_COUNTS) {
    const plain = median(completeRates(relay.get(count) ?? []));
    const ours = median(completeRates(hivedesk.get(count) ?? []));
    rows.push([`  plain relay, ${count} viewer${count === 1 ? '' : 's'} (hivedesk / relay: ${fixed(ours / plain, 2)}x)`, fixed(rawRate, 2), fixed(plain, 2), `${fixed(plain / rawRate, 2)}x`, '']);
  }
  const latency = (label: string, base: number, ours: number, goal: string) =>
    rows.push([label, fixed(base, 3), fixed(ours, 3), `${ours >= base ? '+' : ''}${fixed(ours - base, 3)} ms`, goal]);
  latency('keystroke round trip (ms, median)', median(rawLatency), median(hivedeskLatency), `≤ +${GOAL_KEYSTROKE_EXTRA_MS} ms`);
  latency('keystroke round trip (ms, p90)', percentile(rawLatency, 90), percentile(hivedeskLatency, 90), '');

  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => row[col]?.length ?? 0))) ?? [];
  console.log('');
  for (const row of rows) console.log(row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0))).join('  '));
  console.log(
    `\nvs raw cu: throughput as hivedesk / raw cu (higher is better), latency as hivedesk - raw cu.` +
      `\nraw cu has its one terminal in every row; hivedesk throughput is per viewer, the clock stopping` +
      `\nwhen the slowest viewer has the whole ${PAYLOAD_BYTES / MiB} MiB. Each viewer is a WebSocket in a thread of its own.` +
      `\nlatency: ${LATENCY_SAMPLES} samples each, one viewer; throughput: ${THROUGHPUT_RUNS} runs each after a warm-up,` +
      `\nraw cu and hivedesk taking turns.` +
      `\nplain relay: cu on a WebSocket as xterm.js's demo server does it (plain-relay.ts), viewers as hivedesk's;` +
      `\nwhat the transport alone costs. hivedesk / relay near 1 means Hivedesk's own path (replay, flow control,` +
      `\nbadges, tokens) costs little beyond it.`,
  );
  const resyncs = VIEWER_COUNTS.map((count) => {
    const runs = hivedesk.get(count) ?? [];
    const hit = runs.filter((r) => r.resynced > 0);
    return `x${count}: ${hit.reduce((sum, r) => sum + r.resynced, 0)} in ${hit.length} of ${runs.length} runs`;
  });
  console.log(`\nresynchronised viewers (fell behind the replay window, were told and started over): ${resyncs.join(', ')}.`);
  console.log('runs with one are marked * below and left out of the medians: their slowest viewer skipped output.');
  const perRun = (runs: RunResult[]) => runs.map((r) => `${fixed(r.rate, 2)}${r.resynced ? '*' : ''}`).join('  ');
  console.log('\nper run (MiB/s per viewer):');
  console.log(`  raw cu         ${perRun(raw)}`);
  for (const count of VIEWER_COUNTS) console.log(`  hivedesk x${String(count).padEnd(3)}  ${perRun(hivedesk.get(count) ?? [])}`);
  for (const count of RELAY_COUNTS) console.log(`  relay x${String(count).padEnd(6)}  ${perRun(relay.get(count) ?? [])}`);
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  return runBenchmark('console-bench', BUDGET_MS, async (run) => {
    console.error(`console benchmark: ${PAYLOAD_BYTES / MiB} MiB payload, node ${process.version}`);
    printReport(await measure(run));
  });
}

// Everything we started is stopped by now; a stray handle (a library's timer) must not keep us alive.
process.exit(await main());
