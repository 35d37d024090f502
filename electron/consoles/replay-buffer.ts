/**
 * The tail of a console's output as bytes, addressed by stream offset: a tab opened after boot
 * still sees the login prompt, and a tab that fell behind catches up exactly from where it was,
 * as long as that point is still held.
 */
export class ReplayBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Stream offset of the first byte held. */
  private first = 0;

  /**
   * `capacity`: what is kept, so a tab that fell behind can catch up without a gap;
   * `replay`: how much of it a new tab is shown (a terminal's worth of history, not megabytes).
   */
  constructor(
    readonly capacity = 2 * 1024 * 1024,
    readonly replay = 256 * 1024,
  ) {}

  /** Stream offset just past the newest byte: how many bytes the console has ever produced. */
  get end(): number {
    return this.first + this.size;
  }

  get start(): number {
    return this.first;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.capacity) this.drop(this.chunks[0]?.length ?? 0);
    if (this.size > this.capacity) this.drop(this.size - this.capacity);
  }

  /** The newest `replay` bytes, starting at a character boundary, for a tab that starts from scratch. */
  contents(): Buffer {
    const all = this.from(Math.max(this.first, this.end - this.replay)) ?? Buffer.alloc(0);
    let skip = 0;
    // A UTF-8 continuation byte cannot start text: the rest of a character cut off by the trim.
    while (skip < all.length && skip < 3 && (all[skip] ?? 0) >> 6 === 0b10) skip++;
    return all.subarray(skip);
  }

  /** The bytes from `offset` to the end, or undefined once `offset` has been dropped. */
  from(offset: number): Buffer | undefined {
    if (offset < this.first || offset > this.end) return undefined;
    let skip = offset - this.first;
    const parts: Buffer[] = [];
    for (const chunk of this.chunks) {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      parts.push(skip ? chunk.subarray(skip) : chunk);
      skip = 0;
    }
    return parts.length === 1 ? (parts[0]) : Buffer.concat(parts);
  }

  private drop(bytes: number): void {
    const head = this.chunks[0];
    if (!head) return;
    if (bytes >= head.length) this.chunks.shift();
    else this.chunks[0] = head.subarray(bytes);
    const dropped = Math.min(bytes, head.length);
    this.size -= dropped;
    this.first += dropped;
  }
}
