import { realpath } from 'node:fs/promises';
import type { ConsolePort } from '../../shared/api/consoles.js';
import type { Datastore } from '../datastore/datastore.js';
import { AppError } from '../errors.js';
import { waitUntil } from '../host/wait.js';
import { letCuOpen } from './cu-access.js';
import { type DisplayTarget, displayTarget } from './display-target.js';
import type { ConsoleEndpoint } from './endpoint.js';

/** For the console file and then the device to appear (each could take seconds on a loaded host). */
const DEVICE_WAIT_MS = 20_000;

/**
 * cu on the device a guest's `console` file names for a port (vm-bhyve's file, which bhyve's supervisor and QEMU's
 * backend write), once it exists: a starting guest may not have written the file yet, and a null-modem pair appears
 * only when the loader or bhyve opens it. The real path, because cu may run as another user (uucp) that cannot pass
 * through our directories.
 */
export async function cuEndpoint(store: Datastore, name: string, port: ConsolePort): Promise<ConsoleEndpoint> {
  let listed: string | undefined;
  let real: string | undefined;
  await waitUntil(
    async () => {
      listed = (await store.readConsoles(name))[port];
      real = listed === undefined ? undefined : await realpath(listed).catch(() => undefined);
      return real !== undefined;
    },
    DEVICE_WAIT_MS,
    100,
  );
  if (!real) throw listed === undefined ? new AppError('conflict', `${name} has no ${port} console.`) : new AppError('unavailable', `The console device ${listed} did not appear.`);
  await letCuOpen(real);
  return { kind: 'cu', device: real };
}

/** Where a running guest's screen is served, from its console file's vnc= line, on loopback only. */
export async function consoleFileDisplay(store: Datastore, name: string): Promise<DisplayTarget> {
  const listen = (await store.readConsoles(name)).vnc;
  if (!listen) throw new AppError('not_found', `${name} has no screen: turn on its framebuffer (Settings, Display; on bhyve, UEFI guests only) and start it again.`);
  const target = displayTarget(listen);
  if (target instanceof Error) throw new AppError('unavailable', `${name}'s screen cannot be shown: ${target.message}.`);
  return target;
}
