/**
 * The moving parts of the console benchmark and the console tests: a socat pty pair standing in for a guest's serial
 * line, the guest end of it, raw cu in a pty, and the Hivedesk host whose loopback server the
 * other kind of terminal (console-viewer.ts) attaches to.
 * Everything started here registers its own undo with a `Cleanup`, so an error anywhere still
 * leaves no process or temp dir behind.
 */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdir, readdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import tty from 'node:tty';
import * as pty from 'node-pty';
import { createHost, type Host, type HostOptions } from '../app/host.js';
import { letCuOpen } from '../consoles/cu-access.js';
import { Datastore } from '../datastore/datastore.js';
import { type LoopbackServer, startLoopbackServer } from '../web/server.js';
import { type ConsoleAddress, openViewer, Tally, type Terminal, type Viewer, type ViewerOptions } from './console-viewer.js';
import { type Cleanup, pollUntil, startQemuStandIn, stopChild, withTimeout } from './lifecycle.js';

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

/**
 * `cu -l <device>` in a pty with the settings ConsoleSession uses, so the only difference is what
 * sits behind the pty; stopped by `cleanup`. `encoding: null` gives bytes, as the session reads them.
 */
export function spawnCu(device: string, cleanup: Cleanup, what: string, encoding?: null): { cu: pty.IPty; exited: Promise<void> } {
  const cu = pty.spawn('cu', ['-l', device, '-s', '115200'], {
    name: 'xterm-256color',
    cols: 80,
    rows: 24,
    env: { ...process.env, TERM: 'xterm-256color' },
    ...(encoding === null ? { encoding } : {}),
  });
  const exited = new Promise<void>((resolve) => cu.onExit(() => resolve()));
  cleanup.add(what, async () => {
    cu.kill('SIGTERM');
    await withTimeout(exited, 3_000, `${what} to exit`).catch(() => cu.kill('SIGKILL'));
  });
  return { cu, exited };
}

export async function startRawCu(device: string, cleanup: Cleanup, ms: number): Promise<Terminal> {
  const tally = new Tally();
  const { cu, exited } = spawnCu(device, cleanup, 'raw cu');
  cu.onData((data) => tally.add(data));
  void exited.then(() => tally.fail('raw cu exited'));
  // cu prints "Connected." once it holds the line; guest output sent before that may be lost.
  await tally.until('Connected.', ms);
  return { tally, type: (keys) => cu.write(keys) };
}

// ---------------------------------------------------------------------------------------------
// Hivedesk: host and loopback server
// ---------------------------------------------------------------------------------------------

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

