/**
 * Console tabs in a thread of their own, as browser tabs are in processes of their own: the
 * console benchmark's many viewers must not share the server's event loop, or fan-out would be
 * charged for the clients' WebSocket parsing and decoding too. Driven by remote-viewers.ts.
 */
import { parentPort } from 'node:worker_threads';
import { z } from 'zod';
import { openViewer, type Viewer } from '../electron/testing/console-viewer.js';

const Command = z.discriminatedUnion('op', [
  z.object({ op: z.literal('open'), id: z.number(), url: z.string(), origin: z.string(), count: z.number(), ms: z.number() }),
  z.object({ op: z.literal('reset'), viewer: z.number() }),
  z.object({ op: z.literal('until'), id: z.number(), viewer: z.number(), marker: z.string(), ms: z.number() }),
  z.object({ op: z.literal('close'), id: z.number() }),
]);

const viewers = new Map<number, Viewer>();
let next = 0;

const reply = (id: number, work: Promise<unknown>) =>
  work.then(
    (value) => parentPort?.postMessage({ id, value }),
    (err: unknown) => parentPort?.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
  );

parentPort?.on('message', (raw: unknown) => {
  const command = Command.parse(raw);
  switch (command.op) {
    case 'open':
      return void reply(
        command.id,
        Promise.all(Array.from({ length: command.count }, () => openViewer(command, command.ms))).then((opened) =>
          opened.map((viewer) => {
            viewers.set(next, viewer);
            return next++;
          }),
        ),
      );
    case 'reset':
      return viewers.get(command.viewer)?.tally.reset();
    case 'until': {
      const viewer = viewers.get(command.viewer);
      return void reply(command.id, viewer ? viewer.tally.until(command.marker, command.ms) : Promise.reject(new Error('no such viewer')));
    }
    case 'close': {
      const all = [...viewers.values()];
      viewers.clear();
      return void reply(command.id, Promise.all(all.map((v) => v.close())));
    }
  }
});
