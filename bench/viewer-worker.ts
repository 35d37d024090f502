/**
 * Console tabs in a thread of their own, as browser tabs are in processes of their own: the
 * console benchmark's viewers must not share the server's event loop (fan-out would be charged
 * for the clients' WebSocket parsing too), nor one another's (16 tabs on one event loop fall
 * behind together, and the server rightly resyncs them). Driven by remote-viewers.ts.
 */
import { parentPort } from 'node:worker_threads';
import { z } from 'zod';
import { openViewer, type Viewer } from '../electron/testing/console-viewer.js';

const Command = z.discriminatedUnion('op', [
  z.object({ op: z.literal('open'), id: z.number(), url: z.string(), origin: z.string(), count: z.number(), ms: z.number() }),
  z.object({ op: z.literal('reset'), viewer: z.number() }),
  z.object({ op: z.literal('until'), id: z.number(), viewer: z.number(), marker: z.string(), ms: z.number() }),
  z.object({ op: z.literal('resyncs'), id: z.number(), viewer: z.number() }),
  z.object({ op: z.literal('close'), id: z.number() }),
]);

/** Each viewer, and how many of its notices came before the last reset. */
const viewers = new Map<number, { viewer: Viewer; noticesAtReset: number }>();
let next = 0;

const reply = (id: number, work: Promise<unknown>) =>
  work.then(
    (value) => parentPort?.postMessage({ id, value }),
    (err: unknown) => parentPort?.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
  );

function find(viewer: number): Promise<{ viewer: Viewer; noticesAtReset: number }> {
  const found = viewers.get(viewer);
  return found ? Promise.resolve(found) : Promise.reject(new Error('no such viewer'));
}

parentPort?.on('message', (raw: unknown) => {
  const command = Command.parse(raw);
  switch (command.op) {
    case 'open':
      return void reply(
        command.id,
        Promise.all(Array.from({ length: command.count }, () => openViewer(command, command.ms))).then((opened) =>
          opened.map((viewer) => {
            viewers.set(next, { viewer, noticesAtReset: viewer.notices.length });
            return next++;
          }),
        ),
      );
    case 'reset': {
      const entry = viewers.get(command.viewer);
      entry?.viewer.tally.reset();
      if (entry) entry.noticesAtReset = entry.viewer.notices.length;
      return;
    }
    case 'until':
      return void reply(command.id, find(command.viewer).then(({ viewer }) => viewer.tally.until(command.marker, command.ms)));
    case 'resyncs':
      return void reply(
        command.id,
        find(command.viewer).then(({ viewer, noticesAtReset }) => viewer.notices.slice(noticesAtReset).filter((n) => n.t === 'resync').length),
      );
    case 'close': {
      const all = [...viewers.values()];
      viewers.clear();
      return void reply(command.id, Promise.all(all.map(({ viewer }) => viewer.close())));
    }
  }
});
