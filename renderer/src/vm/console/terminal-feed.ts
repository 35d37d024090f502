/** Where the feed writes: xterm's `Terminal.write`, whose callback runs once the data is parsed. */
export type TerminalSink = (data: Uint8Array, parsed: () => void) => void;

/** About a millisecond of xterm.js's parsing on a slow machine. */
export const PIECE_BYTES = 8 * 1024;

interface Item {
  /** Output still to write; none for a step that runs in turn (a reset). */
  data?: Uint8Array;
  /** Runs once all of `data` is parsed (the server's acknowledgement), or as the step itself. */
  done(): void;
}

/**
 * Hands guest output to xterm.js a piece at a time, each piece in a task of its own once the last
 * is parsed. xterm.js parses what it was given in slices of about 12 ms but looks at the clock only
 * between writes, so while a guest floods, 64 KiB frames kept the page's main thread busy from one
 * slice to the next: a click waited up to 65 ms for the task in front of it, and frames came 26 a
 * second. Between small pieces the browser handles input and draws frames.
 */
export class TerminalFeed {
  private queue: Item[] = [];
  /** A piece is with xterm.js, or the next one is scheduled. */
  private busy = false;
  /** The tab closed: a message still arriving, or a parse finishing, writes nothing to its disposed terminal. */
  private disposed = false;
  private readonly tick = new MessageChannel();

  constructor(private readonly sink: TerminalSink) {
    // A message, not setTimeout: nested timeouts are clamped to 4 ms, a message is the next task.
    this.tick.port1.onmessage = () => this.next();
  }

  /** Output to draw; `drawn` runs once xterm.js has parsed all of it. */
  push(data: Uint8Array, drawn: () => void): void {
    if (this.disposed) return;
    this.queue.push({ data, done: drawn });
    if (!this.busy) this.next();
  }

  /**
   * Drops the output not yet written (it counts as drawn: the server is told so) and runs `step`
   * once the piece xterm.js has is parsed, before anything pushed later.
   */
  restart(step: () => void): void {
    const dropped = this.queue;
    this.queue = [{ done: step }];
    for (const item of dropped) if (item.data) item.done();
    if (!this.busy) this.next();
  }

  dispose(): void {
    this.disposed = true;
    this.queue = [];
    this.tick.port1.close();
  }

  private next(): void {
    if (this.disposed) return;
    const head = this.queue[0];
    if (!head) {
      this.busy = false;
      return;
    }
    this.busy = true;
    if (!head.data) {
      this.queue.shift();
      head.done();
      return this.tick.port2.postMessage(null);
    }
    const piece = head.data.subarray(0, PIECE_BYTES);
    const last = piece.length === head.data.length;
    if (last) this.queue.shift();
    else head.data = head.data.subarray(PIECE_BYTES);
    this.sink(piece, () => {
      if (last) head.done();
      this.tick.port2.postMessage(null);
    });
  }
}
