import type { LineInput } from './line-input.js';

/**
 * All tabs of a serial port type into one cu, and cu takes its escape character `~`, typed at
 * a line start, as a command: `~.` or `~^D` hangs up the line for every tab; `~!`, `~$`, `~|`,
 * `~+`, `~C` run host commands as cu's user; `~>`, `~<`, `~p`, `~t` move host files; `~s` sets
 * cu's variables, `escape` and `eol` included. So every `~` that cu would take as its escape is
 * sent as `~~`, which both cus pass on as one plain `~`, leaving them mid-line.
 *
 * When each cu is at a line start (it compares whole bytes, so only these ASCII codes count):
 * - Taylor UUCP 1.07 (Linux): when it starts reading, and after \r ^U ^C ^O ^D ^S ^Q ^R (its `eol`,
 *   cu.c zCuvar_eol) and NUL (unix/cusub.c fsysdep_cu tests strchr(eol, byte), which matches the
 *   terminator). Only `-E` or `~s escape` change the escape.
 * - tip's cu (FreeBSD; usr.bin/tip/tip/tip.c tipin): when it starts, and after \r plus its `eol`
 *   variable, which is empty unless set by an `el` in a /etc/remote `cu<speed>` entry, $REMOTE or
 *   ~/.tiprc (remote.c getremcap, value.c vinit); those set `escape` and `parity` too. In cu mode
 *   it has no escape option, reads 8 bits (parity none) and ignores `force` (^P). Its pty, left
 *   with IXON, eats ^S and ^Q.
 * The guard uses both sets: exact on Taylor; on tip, a `~` right after one of Taylor's other codes
 * reaches the guest as `~~`. Taylor's `-E ''` turns its escape off, but tip's cu has no such option
 * and a cu without an escape would pass `~~` on as is: so this one filter protects both.
 *
 * Until cu has made its terminal raw its pty is cooked: erase and kill characters there could
 * bring a `~` to a line start the guard never saw. So keys wait (CuInput) until cu has printed
 * "Connected" and had a moment to make it raw: tip prints it once raw, Taylor just before.
 */
const LINE_ENDS = new Set([0x00, 0x03, 0x04, 0x0d, 0x0f, 0x11, 0x12, 0x13, 0x15]);

export class CuEscapeGuard {
  /** Whether cu is at a line start after the input so far. */
  private atLineStart = true;

  /** What to send to cu for `input`: `~~` for each `~` cu would take as its escape. */
  filter(input: string): string {
    let out = '';
    let from = 0;
    for (let at = input.indexOf('~'); at >= 0; at = input.indexOf('~', at + 1)) {
      if (at === 0 ? this.atLineStart : LINE_ENDS.has(input.charCodeAt(at - 1))) {
        out += `${input.slice(from, at)}~`;
        from = at;
      }
    }
    if (input) this.atLineStart = LINE_ENDS.has(input.charCodeAt(input.length - 1));
    return out + input.slice(from);
  }

  /** The same for bytes: `~` and the line ends are ASCII, never part of a UTF-8 sequence, so latin1 maps them exactly. */
  filterBytes(input: Buffer): Buffer {
    return Buffer.from(this.filter(input.toString('latin1')), 'latin1');
  }
}

const BANNER = 'Connected';
/** Taylor's cu makes its terminal raw a few system calls after its banner: ample for those. */
const SETTLE_MS = 200;

/**
 * The way from the tabs' keys to one cu: closed while cu starts (the session holds keys back
 * meanwhile), then every key through a guard of its own, since each cu starts at a line start.
 */
export class CuInput implements LineInput {
  private readonly escapes = new CuEscapeGuard();
  private state: 'starting' | 'settling' | 'open' | 'closed' = 'starting';
  /** The end of cu's output so far, for a banner split across reads. */
  private heard = '';
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly send: (bytes: Buffer) => void,
    /** cu is ready for keys. */
    private readonly onOpen: () => void,
    private readonly settleMs = SETTLE_MS,
  ) {}

  /** cu has said it holds the line (keys may still have to wait for its terminal to be raw). */
  get hasLine(): boolean {
    return this.state === 'settling' || this.state === 'open';
  }

  /** cu's output: its banner starts the wait for its terminal to be raw. */
  watch(output: Buffer): void {
    if (this.state !== 'starting') return;
    const text = this.heard + output.toString('latin1');
    this.heard = text.slice(-(BANNER.length - 1));
    if (!text.includes(BANNER)) return;
    this.state = 'settling';
    this.timer = setTimeout(() => {
      this.state = 'open';
      this.onOpen();
    }, this.settleMs);
  }

  /** Sends keys once cu is ready; says whether it did (before that, or after cu exited, nothing goes). */
  write(keys: Buffer): boolean {
    if (this.state !== 'open') return false;
    this.send(this.escapes.filterBytes(keys));
    return true;
  }

  /** cu has exited: nothing more goes to it. */
  close(): void {
    clearTimeout(this.timer);
    this.state = 'closed';
  }
}
