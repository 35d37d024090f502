import { z } from 'zod';

/**
 * The console WebSocket. Guest output travels as binary frames: the bytes cu printed, the same
 * buffer for every tab, decoded by xterm.js. Everything else is a JSON text frame, checked
 * against these schemas by whoever receives it.
 */

/** The server refuses bigger frames; a paste is split well below it. */
export const CONSOLE_FRAME_LIMIT = 64 * 1024;
/**
 * How fast input goes to a guest's serial line by default: 115200 baud at 10 bits a byte. A
 * guest reads its console through a small FIFO and tty queue; faster, a paste loses characters.
 */
export const LINE_BYTES_PER_SECOND = 11_520;
/** Characters per input message: a keystroke is one message, a paste many. */
export const INPUT_CHUNK_CHARS = 1024;

export const ConsoleClientMessage = z.discriminatedUnion('t', [
  /** Keystrokes or a piece of a paste, sent to the guest in order. */
  z.object({ t: z.literal('input'), data: z.string().min(1).max(INPUT_CHUNK_CHARS) }),
  /** How many output bytes this tab has drawn since it attached: the server sends more only as these come in. */
  z.object({ t: z.literal('ack'), bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) }),
]);
export type ConsoleClientMessage = z.infer<typeof ConsoleClientMessage>;

/** A program outside Hivedesk (a cu in someone's terminal) that holds the serial line. */
export const ConsoleHolder = z.object({ pid: z.number().int().positive(), user: z.string(), command: z.string() });
export type ConsoleHolder = z.infer<typeof ConsoleHolder>;

export const ConsoleServerMessage = z.discriminatedUnion('t', [
  /** The line is held by another program (`holder`, when it could be told): Hivedesk connects once it is free. */
  z.object({ t: z.literal('held'), holder: ConsoleHolder.nullable() }),
  /** Hivedesk has the line (again). */
  z.object({ t: z.literal('free') }),
  /** An input message has gone to the line (`chars` of it): a paste sends more as these come in. */
  z.object({ t: z.literal('input-done'), chars: z.number().int().positive() }),
  /**
   * This tab fell so far behind that output it never drew is gone: it starts over with the
   * replay that follows, and says how much it missed.
   */
  z.object({ t: z.literal('resync'), skipped: z.number().int().nonnegative() }),
]);
export type ConsoleServerMessage = z.infer<typeof ConsoleServerMessage>;
