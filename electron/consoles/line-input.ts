/** The way from the tabs' keys to one open line; a new one for each (re)opened line. */
export interface LineInput {
  /** The line's output, for an input that waits for a banner. */
  watch(output: Buffer): void;
  /** Sends keys once the line is ready; says whether it did (before that, or once closed, nothing goes). */
  write(keys: Buffer): boolean;
  /** The line is the guest's now: what it says from here on is live, not a program's banner. */
  readonly hasLine: boolean;
  close(): void;
}

/** Keys to a line with no escape of its own (a socket): as typed, once it is open. */
export class DirectInput implements LineInput {
  private state: 'starting' | 'open' | 'closed' = 'starting';

  constructor(
    protected readonly send: (bytes: Buffer) => void,
    private readonly onOpen: () => void,
  ) {}

  open(): void {
    if (this.state !== 'starting') return;
    this.state = 'open';
    this.onOpen();
  }

  get hasLine(): boolean {
    return this.state === 'open';
  }

  watch(): void {}

  write(keys: Buffer): boolean {
    if (this.state !== 'open') return false;
    if (keys.length) this.send(keys);
    return true;
  }

  close(): void {
    this.state = 'closed';
  }
}

/**
 * A console program that prints no banner: its pty is cooked until it makes it raw, and a ^C typed then would be a
 * signal to the program, not a byte for the guest. xl console does that first thing; this is ample for it.
 */
const SETTLE_MS = 500;

/**
 * Keys to a console program that takes one byte, wherever it comes, as "detach" (xl console's Ctrl-]: xenconsole
 * compares every byte read with its escape character and exits). Every tab shares that program, so one tab would end
 * the console for all: the byte is dropped. The guest cannot be sent it this way at all, as xl console has no option
 * to change or quote its escape.
 */
export class DetachKeyInput extends DirectInput {
  private readonly timer: NodeJS.Timeout;

  constructor(
    send: (bytes: Buffer) => void,
    onOpen: () => void,
    private readonly detachKey: number,
    settleMs = SETTLE_MS,
  ) {
    super(send, onOpen);
    this.timer = setTimeout(() => this.open(), settleMs);
  }

  override write(keys: Buffer): boolean {
    return super.write(keys.includes(this.detachKey) ? Buffer.from(keys.filter((byte) => byte !== this.detachKey)) : keys);
  }

  override close(): void {
    clearTimeout(this.timer);
    super.close();
  }
}
