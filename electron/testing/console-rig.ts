/**
 * The moving parts of the console benchmark and the console tests: a socat pty pair standing in for a guest's serial
 * line, the guest end of it, the two kinds of terminal being compared (raw cu in a pty, and a
 * WebSocket attached to Hivedesk's loopback server) and the Hivedesk host behind the latter.
 * Everything started here registers its own undo with a `Cleanup`, so an error anywhere still
 * leaves no process or temp dir behind.
 */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdir, readdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import tty from 'node:tty';
import * as pty from 'node-pty';
import { type RawData, WebSocket } from 'ws';
import { ConsoleServerMessage, INPUT_CHUNK_CHARS } from '../../shared/api/console-protocol.js';
import { createHost, type Host, type HostOptions } from '../app/host.js';
import { letCuOpen } from '../consoles/cu-access.js';
import { Datastore } from '../datastore/datastore.js';
import { type LoopbackServer, startLoopbackServer } from '../web/server.js';
import { type Cleanup, pollUntil, startQemuStandIn, stopChild, withTimeout } from './lifecycle.js';

// ---------------------------------------------------------------------------------------------
// Output accounting
// ---------------------------------------------------------------------------------------------

/**
 * Counts what a terminal received since the last `reset`, and notices markers even when a
 * chunk boundary splits them. Carriage returns are not counted: a pty with output processing
 * on turns \n into \r\n, and the payload never contains \r itself.
 */
export class Tally {
  private count = 0;
  private tail = '';
  private failure?: Error;
  private readonly waiters = new Set<{ marker: string; resolve(count: number): void; reject(err: Error): void }>();

  add(text: string): void {
    this.count += text.length - occurrences(text, '\r');
    // Enough history for any marker we look for (markers are short), without copying megabytes.
    this.tail = (this.tail + text.slice(-256)).slice(-256);
    for (const waiter of this.waiters) {
      if (this.tail.includes(waiter.marker)) {
        this.waiters.delete(waiter);
        waiter.resolve(this.count);
      }
    }
  }

  reset(): void {
    this.count = 0;
    this.tail = '';
  }

  /** The viewer is gone (socket closed, cu exited): every wait on it fails now instead of timing out. */
  fail(reason: string): void {
    this.failure ??= new Error(reason);
    for (const waiter of this.waiters) waiter.reject(this.failure);
  }

  /** Resolves with the character count at the moment `marker` has fully arrived. */
  until(marker: string, ms: number): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.tail.includes(marker)) return Promise.resolve(this.count);
    let waiter!: { marker: string; resolve(count: number): void; reject(err: Error): void };
    const arrived = new Promise<number>((resolve, reject) => (waiter = { marker, resolve, reject }));
    this.waiters.add(waiter);
    const what = () => `${JSON.stringify(marker)} (last output: ${JSON.stringify(this.tail.slice(-80))})`;
    return withTimeout(arrived, ms, what).finally(() => this.waiters.delete(waiter));
  }
}

function occurrences(text: string, char: string): number {
  let n = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) n++;
  return n;
}

/** What a benchmark waits on: a Tally, or a stand-in for one in a worker thread. */
export interface Counter {
  reset(): void;
  until(marker: string, ms: number): Promise<number>;
}

/** Whatever a person would type into and read from: raw cu's pty, or a Hivedesk WebSocket. */
export interface Terminal {
  readonly tally: Counter;
  type(keys: string): void;
}

// ---------------------------------------------------------------------------------------------
// The serial line
// ---------------------------------------------------------------------------------------------

export interface SerialLine {
  /** The /dev/pts path cu opens: it runs as uucp, which cannot pass through our 0700 temp dir. */
  device: string;
  guest: Guest;
}

/** A socat pty pair: cu opens one end as a guest's serial line, the benchmark plays the guest on the other. */
export async function openSerialLine(dir: string, cleanup: Cleanup): Promise<SerialLine> {
  await mkdir(dir);
  const socat = spawn('socat', [`pty,raw,echo=0,link=${dir}/line`, `pty,raw,echo=0,link=${dir}/guest`], { stdio: 'ignore' });
  cleanup.add(`socat for ${dir}`, () => stopChild(socat, 'socat'));
  await pollUntil(async () => (await readdir(dir)).length === 2, 5_000, 'socat to make its ptys');
  const device = await realpath(join(dir, 'line'));
  await letCuOpen(device);
  const guest = new Guest(join(dir, 'guest'));
  cleanup.add(`guest end of ${dir}`, () => guest.close());
  return { device, guest };
}

/**
 * The guest's side of the line. It goes through libuv's tty handle, not blocking fs writes:
 * a blocking write of megabytes would stall the event loop that must drain cu's output, and
 * the whole chain (guest → socat → cu → our pty reader) would deadlock.
 */
export class Guest {
  /** When set, everything the guest reads is written straight back, as a guest's tty echoes keystrokes. */
  echo = false;
  private readonly stream: tty.ReadStream;

  constructor(path: string) {
    this.stream = new tty.ReadStream(openSync(path, 'r+'));
    // EIO once socat is gone (during cleanup); a failure that matters shows up as missing output.
    this.stream.on('error', () => undefined);
    this.stream.on('data', (data: Buffer) => {
      if (this.echo) this.stream.write(data);
    });
  }

  /** Calls `listener` with what the guest reads from its line; returns how to stop. */
  onData(listener: (data: Buffer) => void): () => void {
    this.stream.on('data', listener);
    return () => this.stream.off('data', listener);
  }

  /** Writes in chunks and respects backpressure, as a serial driver hands data over a bit at a time. */
  async write(text: string, chunkSize = 64 * 1024): Promise<void> {
    for (let at = 0; at < text.length; at += chunkSize) {
      if (!this.stream.write(text.slice(at, at + chunkSize))) await new Promise((r) => this.stream.once('drain', r));
    }
  }

  close(): void {
    this.stream.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Baseline: cu in a pty, as a user runs it in a terminal
// ---------------------------------------------------------------------------------------------

export async function startRawCu(device: string, cleanup: Cleanup, ms: number): Promise<Terminal> {
  const tally = new Tally();
  // The same pty settings ConsoleSession uses, so the only difference is what sits behind the pty.
  const cu = pty.spawn('cu', ['-l', device, '-s', '115200'], {
    name: 'xterm-256color',
    cols: 80,
    rows: 24,
    env: { ...process.env, TERM: 'xterm-256color' },
  });
  const exited = new Promise<void>((resolve) => cu.onExit(() => resolve()));
  cleanup.add('raw cu', async () => {
    cu.kill('SIGTERM');
    await withTimeout(exited, 3_000, 'raw cu to exit').catch(() => cu.kill('SIGKILL'));
  });
  cu.onData((data) => tally.add(data));
  void exited.then(() => tally.fail('raw cu exited'));
  // cu prints "Connected." once it holds the line; guest output sent before that may be lost.
  await tally.until('Connected.', ms);
  return { tally, type: (keys) => cu.write(keys) };
}

// ---------------------------------------------------------------------------------------------
// Hivedesk: host, loopback server and WebSocket viewers
// ---------------------------------------------------------------------------------------------

/** A browser tab's terminal: a WebSocket on /console, speaking the console protocol. */
export interface Viewer extends Terminal {
  readonly tally: Tally;
  readonly socket: WebSocket;
  /** Control messages the server sent (resync, input-done), in order. */
  readonly notices: ConsoleServerMessage[];
  /** Bytes of output received since the viewer attached. */
  readonly received: number;
  /** Says it drew everything received so far (a viewer made with `ack: false` only acknowledges here). */
  ack(): void;
  /** Sends text as a tab's paste does: pieces under the frame limit, a few KiB awaiting the line at a time. */
  paste(text: string, ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface ViewerOptions {
  /** Acknowledge output as it arrives, as a tab that draws instantly does (default); false plays a stalled tab. */
  ack?: boolean;
}

export interface Hivedesk {
  host: Host;
  server: LoopbackServer;
  address: ConsoleAddress;
  viewer(ms: number, options?: ViewerOptions): Promise<Viewer>;
}

export const RIG_GUEST = 'benchvm';
const TOKEN = `bench-${process.pid}-${Date.now()}`;

/**
 * A Host on a throwaway datastore holding one "running" guest whose com1 is our line. The VM
 * monitor ends the consoles of guests that are not running (and the QEMU backend then removes
 * their `console` file), so a stand-in process answers the backend's running check: a pidfile
 * pointing at a process whose argv looks like `qemu… -name benchvm`.
 */
export async function startHivedesk(root: string, device: string, cleanup: Cleanup, options: Omit<HostOptions, 'datastore'> = {}): Promise<Hivedesk> {
  const store = new Datastore(join(root, 'datastore'));
  await mkdir(store.guestDir(RIG_GUEST), { recursive: true });
  await writeFile(store.confPath(RIG_GUEST), 'cpu=1\nmemory=256M\nhivedesk_backend="qemu"\n');
  const standIn = startQemuStandIn(RIG_GUEST, root);
  cleanup.add('qemu stand-in', () => stopChild(standIn, 'qemu stand-in'));
  await writeFile(store.runtimePath(RIG_GUEST, 'qemu.pid'), `${standIn.pid}\n`);
  // Where QEMU would report the pty it picked for com1; the ConsoleManager reads only this.
  await store.writeConsoles(RIG_GUEST, { com1: device });

  const host = await createHost({ backend: 'qemu', ...options, datastore: store.root });
  cleanup.add('host', async () => {
    // Ends the shared session and waits for its cu, then stops the VM monitor.
    await host.consoles.endGuest(RIG_GUEST, 'benchmark finished');
    host.dispose();
  });
  const server = await startLoopbackServer({ host, token: TOKEN, port: 0 });
  cleanup.add('loopback server', () => server.close());
  const address = { url: `ws://127.0.0.1:${server.port}${consoleQuery()}`, origin: `http://127.0.0.1:${server.port}` };
  return { host, server, address, viewer: (ms, viewerOptions) => openViewer(address, ms, viewerOptions) };
}

/** The console URL a tab gets, for a guest of the rig (or any name, to try refusals). */
export function consoleQuery(name = RIG_GUEST, port = 'com1', token = TOKEN): string {
  return `/console?${new URLSearchParams({ name, port, token }).toString()}`;
}

/** Where a tab connects: the console's WebSocket URL and the page's Origin. */
export interface ConsoleAddress {
  url: string;
  origin: string;
}

/** A tab on the rig's console, as the page's ConsoleLink speaks to it (a benchmark may open these in a worker). */
export async function openViewer(address: ConsoleAddress, ms: number, options: ViewerOptions = {}): Promise<Viewer> {
  const ws = new WebSocket(address.url, { origin: address.origin });
  const tally = new Tally();
  const decoder = new TextDecoder();
  const notices: ConsoleServerMessage[] = [];
  const written: (() => void)[] = [];
  let received = 0;
  let ackScheduled = false;
  const ack = () => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ t: 'ack', bytes: received }));
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const bytes = bytesOf(data);
    if (!isBinary) {
      const notice = ConsoleServerMessage.parse(JSON.parse(bytes.toString('utf8')));
      notices.push(notice);
      if (notice.t === 'input-done') written.shift()?.();
      return;
    }
    received += bytes.length;
    tally.add(decoder.decode(bytes, { stream: true }));
    if (options.ack === false || ackScheduled) return;
    ackScheduled = true;
    setImmediate(() => {
      ackScheduled = false;
      ack();
    });
  });
  ws.on('close', (code, reason) => tally.fail(`viewer closed (${code} ${reason.toString()})`));
  ws.on('error', (err) => tally.fail(`viewer failed: ${err.message}`));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('close', (code, reason) => reject(new Error(`console closed: ${code} ${reason.toString()}`)));
    // A refused upgrade (token, Origin) arrives here as "Unexpected server response: 403".
    ws.once('error', reject);
  });
  await withTimeout(opened, ms, 'the console WebSocket to open');
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  const send = (data: string, done?: () => void) => {
    written.push(done ?? (() => undefined));
    ws.send(JSON.stringify({ t: 'input', data }));
  };
  return {
    socket: ws,
    tally,
    notices,
    get received() {
      return received;
    },
    ack,
    type: (keys) => send(keys),
    paste: (text, pasteMs) => withTimeout(pasteInPieces(text, send), pasteMs, 'the paste to reach the line'),
    close: async () => {
      ws.close();
      await withTimeout(closed, 2_000, 'the console WebSocket to close').catch(() => ws.terminate());
    },
  };
}

/** Pieces of INPUT_CHUNK_CHARS, at most 4 KiB of them not yet written to the line, as the tab's PasteJob sends them. */
function pasteInPieces(text: string, send: (data: string, done: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    let inFlight = 0;
    const fill = () => {
      if (next >= text.length && inFlight === 0) return resolve();
      while (next < text.length && inFlight < 4096) {
        const piece = text.slice(next, next + INPUT_CHUNK_CHARS);
        next += piece.length;
        inFlight += piece.length;
        send(piece, () => {
          inFlight -= piece.length;
          fill();
        });
      }
    };
    fill();
  });
}

function bytesOf(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
