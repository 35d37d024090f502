import { LINE_BYTES_PER_SECOND } from '../../../../shared/api/console-protocol.js';
import { type ConsoleLink, split } from './console-link.js';

/** Characters sent but not yet written to the line: enough to keep it busy, little to wait for on Cancel. */
const IN_FLIGHT = 4096;
/** Terminals ask before pasting more than a few lines; a stray multi-line paste runs commands. */
const CONFIRM_LINES = 5;
const CONFIRM_CHARS = 5 * 1024;

export interface PasteProgress {
  written: number;
  total: number;
  done: boolean;
}

/** What a terminal sends for a paste: line ends as Enter, inside bracketed-paste marks when the guest asked for them. */
export function pasteText(text: string, bracketed: boolean): string {
  const typed = text.replace(/\r?\n/g, '\r');
  // A paste must not be able to end the brackets itself and have the rest run as typed.
  return bracketed ? `\x1b[200~${typed.replaceAll('\x1b[201~', '')}\x1b[201~` : typed;
}

export function needsConfirmation(text: string): boolean {
  return text.length > CONFIRM_CHARS || text.split('\r').length > CONFIRM_LINES;
}

/** "12 lines (3.4 KiB), about 1 s at the line's speed" */
export function describePaste(text: string): string {
  const lines = text.split('\r').length;
  const bytes = new TextEncoder().encode(text).length;
  const seconds = Math.ceil(bytes / LINE_BYTES_PER_SECOND);
  const time = seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${lines.toLocaleString('en')} ${lines === 1 ? 'line' : 'lines'} (${size(bytes)}), about ${time} at the serial line's speed`;
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A paste sent as fast as the line takes it: a few KiB in flight, more as the server says
 * each piece was written, so progress is real and Cancel stops it within a moment.
 */
export class PasteJob {
  private readonly pieces: string[];
  private next = 0;
  private sent = 0;
  private written = 0;
  private cancelled = false;

  constructor(
    private readonly link: ConsoleLink,
    private readonly text: string,
    private readonly onProgress: (progress: PasteProgress) => void,
  ) {
    this.pieces = split(text);
    this.fill();
  }

  get running(): boolean {
    return !this.cancelled && this.written < this.text.length;
  }

  cancel(): void {
    if (!this.running) return;
    this.cancelled = true;
    this.report();
  }

  private fill(): void {
    while (!this.cancelled && this.next < this.pieces.length && this.sent - this.written < IN_FLIGHT) {
      const piece = this.pieces[this.next++] as string;
      this.sent += piece.length;
      this.link.send(piece, () => {
        this.written += piece.length;
        this.report();
        this.fill();
      });
    }
  }

  private report(): void {
    this.onProgress({ written: this.written, total: this.text.length, done: this.cancelled || this.written === this.text.length });
  }
}
