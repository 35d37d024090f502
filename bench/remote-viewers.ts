import { Worker } from 'node:worker_threads';
import type { ConsoleAddress, Counter, Terminal } from '../electron/testing/console-viewer.js';
import type { Cleanup } from '../electron/testing/lifecycle.js';

/** The worker's side of a call: a value, or why it failed. */
type Reply = { id: number; value?: unknown; error?: string };

/** A tab in a worker thread: a Terminal whose counter asks the worker, and which can say whether it was resynced. */
export interface RemoteTerminal extends Terminal {
  /** Resync notices the server sent this tab since its counter was last reset. */
  resyncs(): Promise<number>;
}

/**
 * Viewers living in viewer-worker.ts, one thread per tab (as a browser runs tabs in processes of
 * their own), so the benchmark's code is the same as for viewers in this thread.
 */
export class RemoteViewers {
  private readonly threads: ViewerThread[];

  /** `threads`: at least the most tabs that will be open at once, for a thread of their own each. */
  constructor(address: ConsoleAddress, threads: number, cleanup: Cleanup) {
    this.threads = Array.from({ length: threads }, () => new ViewerThread(address, cleanup));
  }

  /** Opens `count` viewers, spread over the threads; close them all with closeAll. */
  async open(count: number, ms: number): Promise<RemoteTerminal[]> {
    const shares = this.threads.map((_, i) => Math.floor(count / this.threads.length) + (i < count % this.threads.length ? 1 : 0));
    const opened = await Promise.all(this.threads.map((thread, i) => thread.open(shares[i] ?? 0, ms)));
    return opened.flat();
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.closeAll()));
  }
}

class ViewerThread {
  private readonly worker: Worker;
  private readonly calls = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  private nextCall = 0;

  constructor(
    private readonly address: ConsoleAddress,
    cleanup: Cleanup,
  ) {
    // Workers do not inherit `--import tsx`: the worker registers tsx itself, then loads the TypeScript.
    const entry = new URL('./viewer-worker.ts', import.meta.url).href;
    const boot = `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(entry)});`;
    this.worker = new Worker(boot, { eval: true });
    this.worker.on('message', (reply: Reply) => {
      const call = this.calls.get(reply.id);
      this.calls.delete(reply.id);
      if (reply.error !== undefined) call?.reject(new Error(reply.error));
      else call?.resolve(reply.value);
    });
    this.worker.on('error', (err) => {
      for (const call of this.calls.values()) call.reject(err);
      this.calls.clear();
    });
    cleanup.add('viewer worker', () => this.worker.terminate());
  }

  async open(count: number, ms: number): Promise<RemoteTerminal[]> {
    if (count === 0) return [];
    const ids = (await this.call({ op: 'open', count, ms, ...this.address })) as number[];
    return ids.map((viewer) => ({
      tally: this.counter(viewer),
      type: () => undefined,
      resyncs: async () => Number(await this.call({ op: 'resyncs', viewer })),
    }));
  }

  async closeAll(): Promise<void> {
    await this.call({ op: 'close' });
  }

  private counter(viewer: number): Counter {
    return {
      reset: () => this.worker.postMessage({ op: 'reset', viewer }),
      until: async (marker, ms) => Number(await this.call({ op: 'until', viewer, marker, ms })),
    };
  }

  private call(command: Record<string, unknown>): Promise<unknown> {
    const id = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ ...command, id });
    });
  }
}
