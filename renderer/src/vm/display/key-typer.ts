import { type Keystroke, SHIFT } from './keystrokes.js';

/** Where the keys go: noVNC's RFB.sendKey (press and release when `down` is left out). */
export type SendKey = (keysym: number, code: string | null, down?: boolean) => void;

export interface TypingProgress {
  typed: number;
  total: number;
  done: boolean;
}

/**
 * A guest's keyboard holds only a few keys (QEMU's PS/2 queue, a USB report) and drops the rest, and nothing tells the
 * sender it is full, so keys go at a steady pace a guest keeps up with, as a fast typist types.
 */
export const KEY_INTERVAL_MS = 25;

/** Types keystrokes one at a time with progress; Cancel stops before the next key. */
export class KeyTyper {
  private typed = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private cancelled = false;

  constructor(
    private readonly strokes: readonly Keystroke[],
    private readonly send: SendKey,
    private readonly onProgress: (progress: TypingProgress) => void,
    private readonly intervalMs = KEY_INTERVAL_MS,
  ) {
    this.step();
  }

  get running(): boolean {
    return !this.cancelled && this.typed < this.strokes.length;
  }

  cancel(): void {
    if (!this.running) return;
    this.cancelled = true;
    clearTimeout(this.timer);
    this.report();
  }

  private step(): void {
    const stroke = this.strokes[this.typed];
    if (stroke && !this.cancelled) {
      if (stroke.shift) this.send(SHIFT.keysym, SHIFT.code, true);
      this.send(stroke.keysym, stroke.code);
      if (stroke.shift) this.send(SHIFT.keysym, SHIFT.code, false);
      this.typed += 1;
      if (this.typed < this.strokes.length) this.timer = setTimeout(() => this.step(), this.intervalMs);
    }
    this.report();
  }

  private report(): void {
    this.onProgress({ typed: this.typed, total: this.strokes.length, done: !this.running });
  }
}
