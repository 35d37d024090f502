/**
 * The viewer's side of the console rig: a browser tab's terminal on Hivedesk's console
 * WebSocket, and the accounting of what a terminal received. Apart from console-rig.ts (the
 * host, the line, raw cu), so a worker thread that only plays tabs does not load the host.
 */
import { type RawData, WebSocket } from 'ws';
import { ConsoleServerMessage, INPUT_CHUNK_CHARS } from '../../shared/api/console-protocol.js';
import { withTimeout } from './lifecycle.js';

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
// Viewers: WebSockets on the loopback server
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
