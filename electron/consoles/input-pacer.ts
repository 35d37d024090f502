/**
 * Feeds input to a serial line no faster than the line carries it. A guest reads its console
 * through a small UART FIFO and tty queue; a paste sent at memory speed overruns them and the
 * guest loses characters. Typing stays instant: a burst's worth goes out at once.
 */
export interface PacerOptions {
  /** Bytes per second: 11520 is 115200 baud at 10 bits a byte. */
  bytesPerSecond: number;
  /** Bytes that may go out at once after a pause (keystrokes, a short command). */
  burst: number;
  write(bytes: Buffer): void;
}

interface Pending {
  bytes: Buffer;
  done?: () => void;
}

export class InputPacer {
  private readonly queue: Pending[] = [];
  private tokens: number;
  private last = performance.now();
  private timer?: NodeJS.Timeout;
  private held = false;

  constructor(private readonly options: PacerOptions) {
    this.tokens = options.burst;
  }

  /** Queues bytes; `done` runs once the last of them has been written. */
  push(bytes: Buffer, done?: () => void): void {
    this.queue.push({ bytes, ...(done ? { done } : {}) });
    this.pump();
  }

  /** While held (cu is restarting), nothing is written; the queue waits. */
  hold(held: boolean): void {
    this.held = held;
    if (!held) this.pump();
  }

  /** Drops everything not yet written (the console ended). */
  clear(): void {
    this.queue.length = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  get queuedBytes(): number {
    return this.queue.reduce((sum, item) => sum + item.bytes.length, 0);
  }

  private pump(): void {
    if (this.timer || this.held) return;
    this.refill();
    while (this.queue.length && this.tokens >= 1) {
      const head = this.queue[0] as Pending;
      const n = Math.min(head.bytes.length, Math.floor(this.tokens));
      this.options.write(head.bytes.subarray(0, n));
      this.tokens -= n;
      head.bytes = head.bytes.subarray(n);
      if (head.bytes.length === 0) {
        this.queue.shift();
        head.done?.();
      }
    }
    if (this.queue.length) {
      // Wait for enough tokens for a sizeable write, not one byte at a time.
      const want = Math.min(this.options.burst, (this.queue[0] as Pending).bytes.length);
      const ms = Math.max(1, ((want - this.tokens) / this.options.bytesPerSecond) * 1000);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, ms);
    }
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.options.burst, this.tokens + ((now - this.last) / 1000) * this.options.bytesPerSecond);
    this.last = now;
  }
}
