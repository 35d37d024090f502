import { Worker } from 'node:worker_threads';
import type { ConsoleAddress, Counter, Terminal } from '../electron/testing/console-viewer.js';
import type { Cleanup } from '../electron/testing/lifecycle.js';

/** The worker's side of a call: a value, or why it failed. */
type Reply = { id: number; value?: unknown; error?: string };

/**
 * Viewers living in viewer-worker.ts: each is a Terminal here whose counter asks the worker, so
 * the benchmark's code is the same as for viewers in this thread.
 */
export class RemoteViewers {
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

  /** Opens `count` viewers in the worker; close them all with closeAll. */
  async open(count: number, ms: number): Promise<Terminal[]> {
    const ids = (await this.call({ op: 'open', count, ms, ...this.address })) as number[];
    return ids.map((viewer) => ({ tally: this.counter(viewer), type: () => undefined }));
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
