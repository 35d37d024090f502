import * as pty from 'node-pty';
import type { CommandLog } from '../host/command-log.js';
import { CuInput } from './cu-escape.js';
import { ReplayBuffer } from './replay-buffer.js';

/** Whoever watches a console (a WebSocket, a test): the session knows nothing about transports. */
export interface ConsoleViewer {
  send(data: string): void;
  /** Bytes queued but not yet written, for flow control. */
  pending(): number;
  close(reason: string): void;
}

const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 512 * 1024;
const RESPAWN_LIMIT = 5;
const STABLE_MS = 60_000;

export interface SessionOptions {
  device: string;
  log: CommandLog;
  cuPath?: string;
  onEnd?: () => void;
}

/**
 * One `cu -l <device>` in a pty, shared by every viewer of a serial port. Viewers come and go;
 * only `end` (the guest stopped) kills cu. If cu itself exits (someone typed `~.`), it is
 * started again so one tab cannot take the console from the others.
 */
export class ConsoleSession {
  private readonly replay = new ReplayBuffer();
  /** The way to the running cu: each new cu starts cooked and at a line start. */
  private input!: CuInput;
  private readonly viewers = new Set<ConsoleViewer>();
  private process?: pty.IPty;
  private ended = false;
  private paused = false;
  private respawns = 0;
  private size = { cols: 80, rows: 24 };
  private exited!: () => void;
  /** Settles once cu has exited for good: cu holds a UUCP lock on the line until then. */
  readonly closed = new Promise<void>((resolve) => (this.exited = resolve));

  constructor(private readonly options: SessionOptions) {
    this.spawn();
  }

  get argv(): string[] {
    return [this.options.cuPath ?? 'cu', '-l', this.options.device, '-s', '115200'];
  }

  attach(viewer: ConsoleViewer): () => void {
    if (this.ended) {
      viewer.close('the console has ended');
      return () => undefined;
    }
    const history = this.replay.contents();
    if (history) viewer.send(history);
    this.viewers.add(viewer);
    return () => this.viewers.delete(viewer);
  }

  write(data: string): void {
    this.input.write(data);
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    this.process?.resize(cols, rows);
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.process) this.process.kill('SIGTERM');
    else this.exited();
    for (const viewer of this.viewers) viewer.close(reason);
    this.viewers.clear();
    this.options.onEnd?.();
  }

  private spawn(): void {
    const [file, ...args] = this.argv;
    const finish = this.options.log.begin(this.argv);
    const started = Date.now();
    const child = pty.spawn(file ?? 'cu', args, { name: 'xterm-256color', ...this.size, env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string> });
    this.process = child;
    const input = (this.input = new CuInput((data) => child.write(data)));
    child.onData((data) => {
      input.watch(data);
      this.broadcast(data);
    });
    child.onExit(({ exitCode, signal }) => {
      input.close();
      finish({ exitCode, signal: signal ? String(signal) : null });
      this.process = undefined;
      if (this.ended) return this.exited();
      // Only quick successive exits count: a `~.` now and then over days must not end the console.
      if (Date.now() - started > STABLE_MS) this.respawns = 0;
      if (++this.respawns > RESPAWN_LIMIT) return this.end(`cu keeps exiting (status ${exitCode}); see the command log`);
      // "Line in use" clears when the previous holder of the lock exits: back off a little more each time.
      setTimeout(() => (this.ended ? this.exited() : this.spawn()), 250 * this.respawns);
    });
  }

  private broadcast(data: string): void {
    this.replay.push(data);
    for (const viewer of this.viewers) viewer.send(data);
    if (!this.paused && [...this.viewers].some((v) => v.pending() > HIGH_WATER)) this.pauseUntilDrained();
  }

  /** A slow viewer pauses the pty (and so the guest's output) instead of growing memory without bound. */
  private pauseUntilDrained(): void {
    this.paused = true;
    this.process?.pause();
    const timer = setInterval(() => {
      if (this.ended || [...this.viewers].every((v) => v.pending() < LOW_WATER)) {
        clearInterval(timer);
        this.paused = false;
        this.process?.resume();
      }
    }, 20);
  }
}
