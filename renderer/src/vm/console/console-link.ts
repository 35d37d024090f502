import { type ConsoleHolder, ConsoleServerMessage, INPUT_CHUNK_CHARS } from '../../../../shared/api/console-protocol.js';

export interface LinkEvents {
  open(): void;
  /** Guest output; call `drawn` once it is on screen, so the server sends more. */
  output(data: Uint8Array, drawn: () => void): void;
  /** The tab fell behind and output it never drew is gone; the replay follows. */
  resync(skipped: number): void;
  /** Another program holds the line (`holder` when known), or (undefined) Hivedesk has it again. */
  held(holder: ConsoleHolder | null | undefined): void;
  close(reason: string): void;
}

/**
 * The byte pipeline between a terminal and main's shared console session, knowing nothing of
 * xterm: output is acknowledged as it is drawn (a flooding guest cannot bury the page), input
 * goes in frames well under the server's limit and is acknowledged once written to the line.
 */
export class ConsoleLink {
  private readonly socket: WebSocket;
  /** Callbacks of input messages not yet written to the line, in order (the server acknowledges in order). */
  private readonly unwritten: ((() => void) | undefined)[] = [];
  private drawnBytes = 0;
  private ackTimer?: ReturnType<typeof setTimeout>;

  /** `Socket`: the page's WebSocket; tests under Node pass a compatible one. */
  constructor(url: string, private readonly events: LinkEvents, Socket: typeof WebSocket = WebSocket) {
    this.socket = new Socket(url);
    this.socket.binaryType = 'arraybuffer';
    this.socket.onopen = () => events.open();
    this.socket.onclose = (e) => events.close(e.reason);
    this.socket.onmessage = (msg: MessageEvent<ArrayBuffer | string>) => this.receive(msg.data);
  }

  /** Sends input in order; `written` runs once all of it has gone to the guest's line. */
  send(text: string, written?: () => void): void {
    const pieces = split(text);
    pieces.forEach((data, i) => {
      this.unwritten.push(i === pieces.length - 1 ? written : undefined);
      this.socket.send(JSON.stringify({ t: 'input', data }));
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  close(): void {
    clearTimeout(this.ackTimer);
    this.socket.close();
  }

  private receive(data: ArrayBuffer | string): void {
    if (typeof data !== 'string') {
      const bytes = new Uint8Array(data);
      return this.events.output(bytes, () => this.drawn(bytes.length));
    }
    const parsed = ConsoleServerMessage.safeParse(parseJson(data));
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.t === 'resync') this.events.resync(message.skipped);
    else if (message.t === 'held') this.events.held(message.holder);
    else if (message.t === 'free') this.events.held(undefined);
    else this.unwritten.shift()?.();
  }

  /** Acknowledgements of one burst of drawing go out together. */
  private drawn(bytes: number): void {
    this.drawnBytes += bytes;
    this.ackTimer ??= setTimeout(() => {
      this.ackTimer = undefined;
      if (this.isOpen) this.socket.send(JSON.stringify({ t: 'ack', bytes: this.drawnBytes }));
    }, 0);
  }
}

/** Pieces of at most INPUT_CHUNK_CHARS, never splitting a surrogate pair. */
export function split(text: string): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + INPUT_CHUNK_CHARS);
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end -= 1;
    pieces.push(text.slice(at, end));
    at = end;
  }
  return pieces;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
