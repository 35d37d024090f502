import { type ConsoleHolder, type ConsoleServerMessage, LINE_BYTES_PER_SECOND } from '../../shared/api/console-protocol.js';
import type { CommandLog } from '../host/command-log.js';
import type { ConsoleBadge } from '../../shared/api/console-badges.js';
import { BadgeReader } from './badges.js';
import { type ConsoleEndpoint, endpointArgv } from './endpoint.js';
import { type OpenLine, openLine } from './line.js';
import type { LineInput } from './line-input.js';
import { LINE_BUSY } from './line-holder.js';
import { InputPacer } from './input-pacer.js';
import { ReplayBuffer } from './replay-buffer.js';
import type { SerialLog } from './serial-log.js';

/** Whoever watches a console (a WebSocket, a test): the session knows nothing about transports. */
export interface ConsoleViewer {
  /** Output bytes. Every viewer gets the same buffer, so none may change it. */
  send(data: Buffer): void;
  notify(message: ConsoleServerMessage): void;
  /** Output sent but not yet drawn: queued in the transport or not yet acknowledged by the tab. */
  pending(): number;
  close(reason: string): void;
}

export interface ViewerHandle {
  detach(): void;
  /** The viewer drew some of its backlog; one that had fallen behind may catch up now. */
  drained(): void;
}

interface Attached {
  viewer: ConsoleViewer;
  /** Stream offset up to which this viewer has been sent output. */
  offset: number;
  /** Skipped by the live stream until it drains; then it catches up from the replay buffer. */
  behind: boolean;
}

/** A viewer this far behind gets no more live output; it catches up once below the low mark. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
const RESPAWN_LIMIT = 5;
/** How often a line held by someone else is tried again. */
const HELD_RETRY_MS = 2000;
const STABLE_MS = 60_000;
const INPUT_BURST = 1024;
/** Streaming output is gathered this long, or up to BATCH_MAX, before it goes to the viewers. */
const BATCH_WINDOW_MS = 4;
const BATCH_MAX = 64 * 1024;
/** A pty read this small is not a stream (an echoed key, a prompt): it goes out at once, whenever the last batch went. */
const STREAM_CHUNK = 512;
/** Input waiting for the line beyond this is refused: a paste waits for its pieces to be written. */
const INPUT_QUEUE_MAX = 1024 * 1024;

export interface SessionOptions {
  endpoint: ConsoleEndpoint;
  log: CommandLog;
  onEnd?: () => void;
  /** What the console shows it is waiting for (a login prompt, a panic), when that changes. */
  onBadge?: (badge: ConsoleBadge | null) => void;
  /** cu found the line held by another program (cu endpoints only); the session keeps trying meanwhile. */
  onHeld?: () => void;
  /** How fast input reaches the line (see InputPacer); the line's own speed by default. */
  inputBytesPerSecond?: number;
  /** The port's log since power-on: a new tab starts with the boot it missed, and the log is kept. */
  serialLog?: SerialLog;
}

/**
 * One open line to a serial port (`cu -l <device>` or `xl console` in a pty, or a socket; see ConsoleEndpoint),
 * shared by every viewer of that port. Viewers come and go; only `end` (the guest stopped) closes the line. If the
 * line ends by itself, it is opened again so one tab cannot take the console from the others. A slow or vanished
 * viewer never holds the others, nor the guest: it is skipped, and catches up from the replay buffer when it can.
 */
export class ConsoleSession {
  private readonly replay = new ReplayBuffer();
  private readonly badges = new BadgeReader();
  private readonly viewers = new Set<Attached>();
  /** Keys wait here, in order, while no cu is ready for them, and go out at the line's pace. */
  private readonly pacer: InputPacer;
  private line?: OpenLine;
  /** The way to the open line: each new one starts afresh (a new cu is cooked and at a line start). */
  private input?: LineInput;
  private ended = false;
  private respawns = 0;
  /** Another program holds the line (what viewers were told, and tell a new one). */
  private held?: ConsoleServerMessage;
  private retry?: NodeJS.Timeout;
  private size = { cols: 80, rows: 24 };
  /** Output not yet sent to the viewers (see receive). */
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private flushTimer?: NodeJS.Timeout;
  private lastFlush = 0;
  /** Whether the log's earlier output has been put in front of the live stream yet (once per session). */
  private historyShown = false;
  private exited!: () => void;
  /** Settles once the line is closed for good: cu holds a UUCP lock on the line until then. */
  readonly closed = new Promise<void>((resolve) => (this.exited = resolve));

  constructor(private readonly options: SessionOptions) {
    // Held until a cu has connected: keys typed while it starts wait, in order.
    this.pacer = new InputPacer({
      bytesPerSecond: options.inputBytesPerSecond ?? LINE_BYTES_PER_SECOND,
      burst: INPUT_BURST,
      write: (bytes) => this.input?.write(bytes),
    });
    this.pacer.hold(true);
    // A log Hivedesk writes holds what earlier sessions saw; one the hypervisor writes is read once cu has the line.
    if (options.serialLog?.writer === 'console') this.showHistory();
    this.spawn();
  }

  /** The serial device cu opens; other endpoints have none another program could hold. */
  get device(): string | undefined {
    return this.options.endpoint.kind === 'cu' ? this.options.endpoint.device : undefined;
  }

  attach(viewer: ConsoleViewer): ViewerHandle {
    if (this.ended) {
      viewer.close('the console has ended');
      return { detach: () => undefined, drained: () => undefined };
    }
    const history = this.replay.contents();
    if (history.length) viewer.send(history);
    if (this.held) viewer.notify(this.held);
    const attached: Attached = { viewer, offset: this.replay.end, behind: false };
    this.viewers.add(attached);
    return { detach: () => this.viewers.delete(attached), drained: () => this.catchUp(attached) };
  }

  /**
   * Input from any viewer, in arrival order; `done` runs once it has gone to cu. Refused (false)
   * when more than INPUT_QUEUE_MAX is already waiting: a tab that does not wait for `done`.
   */
  write(data: string, done?: () => void): boolean {
    if (this.ended) return true;
    if (this.pacer.queuedBytes > INPUT_QUEUE_MAX) return false;
    this.pacer.push(Buffer.from(data), done);
    return true;
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    this.line?.resize(cols, rows);
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.pacer.clear();
    clearTimeout(this.flushTimer);
    if (this.retry && !this.line) {
      clearTimeout(this.retry);
      this.retry = undefined;
    }
    if (this.line) this.line.close();
    else this.exited();
    for (const { viewer } of this.viewers) viewer.close(reason);
    this.viewers.clear();
    this.options.onEnd?.();
  }

  private spawn(): void {
    this.retry = undefined;
    const argv = endpointArgv(this.options.endpoint);
    // The tries on a line someone else holds (every 2 s, maybe for hours) are one record in the log.
    const finish = argv && this.options.log.begin(argv, this.held ? `cu-held:${this.device}` : undefined);
    const started = Date.now();
    let connected = false;
    let said = '';
    const { line, input } = openLine(this.options.endpoint, this.size, () => {
      connected = true;
      this.pacer.hold(false);
      this.setHeld(undefined);
    });
    this.line = line;
    this.input = input;
    line.onData((bytes) => {
      input.watch(bytes);
      if (input.hasLine) this.showHistory();
      if (!connected) said = (said + bytes.toString('latin1')).slice(-512);
      this.receive(bytes);
    });
    line.onEnd(({ exitCode, signal }) => {
      input.close();
      this.pacer.hold(true);
      finish?.({ exitCode, signal });
      this.line = undefined;
      if (this.ended) return this.exited();
      // Someone else's cu holds the line: wait for it, as long as it takes, without giving up.
      if (!connected && this.device !== undefined && LINE_BUSY.test(said)) {
        this.options.onHeld?.();
        this.retry = setTimeout(() => (this.ended ? this.exited() : this.spawn()), HELD_RETRY_MS);
        return;
      }
      // Only quick successive exits count: a `~.` now and then over days must not end the console.
      if (Date.now() - started > STABLE_MS) this.respawns = 0;
      if (++this.respawns > RESPAWN_LIMIT) return this.end(argv ? `${argv.join(' ')} keeps exiting (status ${exitCode}); see the command log` : 'the console socket keeps closing');
      // "Line in use" clears when the previous holder of the lock exits: back off a little more each time.
      this.retry = setTimeout(() => (this.ended ? this.exited() : this.spawn()), 250 * this.respawns);
    });
  }

  /** Tells every viewer who holds the line (undefined: Hivedesk has it again). */
  setHeld(holder: ConsoleHolder | null | undefined): void {
    const message: ConsoleServerMessage | undefined = holder === undefined ? undefined : { t: 'held', holder };
    if (!message && !this.held) return;
    this.held = message;
    for (const { viewer } of this.viewers) viewer.notify(message ?? { t: 'free' });
  }

  /** Tries the line at once (its holder was just stopped), instead of at the next retry. */
  retryNow(): void {
    if (this.ended || this.line || !this.retry) return;
    clearTimeout(this.retry);
    this.spawn();
  }

  /**
   * The pty hands over output a few KiB at a time. While output streams (large reads, one after
   * another) it is gathered for a few milliseconds or up to 64 KiB, so each viewer gets a few
   * large frames instead of thousands of small ones. Anything else, an echoed key above all,
   * goes out at once: waiting for a batch would add its window to every keystroke.
   */
  private receive(data: Buffer): void {
    this.batch.push(data);
    this.batchBytes += data.length;
    if (this.batchBytes >= BATCH_MAX) return this.flush();
    if (this.batch.length > 1 || this.flushTimer) return;
    const streaming = data.length >= STREAM_CHUNK && performance.now() - this.lastFlush < BATCH_WINDOW_MS;
    if (streaming) this.flushTimer = setTimeout(() => this.flush(), BATCH_WINDOW_MS);
    else setImmediate(() => this.flush());
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.batch.length === 0) return;
    const chunk = this.batch.length === 1 ? (this.batch[0] as Buffer) : Buffer.concat(this.batch);
    this.batch = [];
    this.batchBytes = 0;
    this.lastFlush = performance.now();
    this.options.serialLog?.record(chunk);
    this.deliver(chunk);
  }

  /**
   * What the line said before this session read it, as if it had just said it: from the moment
   * cu has the line, everything the hypervisor logs also reaches the session, so nothing is shown twice.
   */
  private showHistory(): void {
    if (this.historyShown || !this.options.serialLog) return;
    this.historyShown = true;
    this.flush();
    this.deliver(this.options.serialLog.history(this.replay.replay));
  }

  private deliver(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const badge = this.badges.feed(chunk);
    if (badge !== undefined) this.options.onBadge?.(badge);
    this.replay.push(chunk);
    for (const attached of this.viewers) {
      if (attached.behind) this.catchUp(attached);
      else if (attached.viewer.pending() > HIGH_WATER) attached.behind = true;
      else {
        attached.viewer.send(chunk);
        attached.offset = this.replay.end;
      }
    }
  }

  /** Sends a viewer that fell behind what it missed: exactly, if the replay buffer still holds it. */
  private catchUp(attached: Attached): void {
    if (!attached.behind || attached.viewer.pending() > LOW_WATER || !this.viewers.has(attached)) return;
    const missed = this.replay.from(attached.offset);
    if (missed) {
      if (missed.length) attached.viewer.send(missed);
    } else {
      // It starts over from a tab's worth of the newest output, not from all the buffer holds.
      const contents = this.replay.contents();
      attached.viewer.notify({ t: 'resync', skipped: this.replay.end - contents.length - attached.offset });
      attached.viewer.send(contents);
    }
    attached.offset = this.replay.end;
    attached.behind = false;
  }
}

