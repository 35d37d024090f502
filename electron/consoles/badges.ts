import type { ConsoleBadge } from '../../shared/api/console-badges.js';

/** Colour and cursor escapes, which would hide a prompt from the patterns. */
// eslint-disable-next-line no-control-regex -- escape sequences are control characters
const ESCAPES = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*(?:\x07|\x1b\\)|[()][A-Za-z0-9]|[=>78])/g;

/**
 * A prompt counts while it is the last thing on the console (the guest waits for input there);
 * a panic counts until the session ends, since nothing after it makes the guest well again.
 */
const WAITING: [ConsoleBadge, RegExp][] = [
  ['login', /\blogin: ?$/],
  ['mountroot', /mountroot> ?$/],
  // FreeBSD's loader prompt, GRUB's and grub-bhyve's command lines, UEFI's shell.
  ['loader', /(?:^|\n)(?:OK|grub>|Shell>) ?$/],
  // bsdinstall's first question, Debian's and Ubuntu's installers on a serial console.
  ['installer', /(?:Would you like to begin an installation or use the live CD\?|Choose the language|Select a language)[\s\S]{0,400}$/],
];
const PANIC = /\bpanic: |Kernel panic - not syncing/;
const TAIL = 1024;

/** Reads a console's output as it streams (split anywhere) and says which badge it shows. */
export class BadgeReader {
  private tail = '';
  private panicked = false;
  private current: ConsoleBadge | undefined;

  /** Feeds output; returns the new badge when it changed, `null` when it went away, else undefined. */
  feed(chunk: Buffer): ConsoleBadge | null | undefined {
    const text = (this.tail + chunk.toString('latin1')).replace(ESCAPES, '').replaceAll('\r', '');
    this.tail = text.slice(-TAIL);
    this.panicked ||= PANIC.test(text);
    const badge = this.panicked ? 'panic' : WAITING.find(([, pattern]) => pattern.test(this.tail))?.[0];
    if (badge === this.current) return undefined;
    this.current = badge;
    return badge ?? null;
  }
}
