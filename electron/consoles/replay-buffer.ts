/** The tail of a console's output, so a tab opened after boot still shows the login prompt. */
export class ReplayBuffer {
  private chunks: string[] = [];
  private size = 0;

  constructor(readonly capacity = 256 * 1024) {}

  push(chunk: string): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.capacity) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
    if (this.size > this.capacity) this.trimHead();
  }

  contents(): string {
    return this.chunks.join('');
  }

  /** Cuts the oldest chunk to fit, without splitting a surrogate pair. */
  private trimHead(): void {
    const head = this.chunks[0] ?? '';
    let cut = this.size - this.capacity;
    if (/[\uDC00-\uDFFF]/.test(head[cut] ?? '')) cut += 1;
    this.chunks[0] = head.slice(cut);
    this.size -= cut;
  }
}
