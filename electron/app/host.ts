import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BackendId } from '../../shared/api/vms.js';
import { QemuBackend } from '../backends/qemu/qemu-backend.js';
import { ConsoleManager } from '../consoles/manager.js';
import { Datastore } from '../datastore/datastore.js';
import { CommandLog } from '../host/command-log.js';
import { HostRunner } from '../host/run.js';
import { createHandlers, type Services } from './channels.js';
import type { Handlers } from './dispatcher.js';
import { EventHub } from './event-hub.js';
import { VmMonitor } from './vm-monitor.js';
import { VmService } from './vm-service.js';

export interface Host {
  readonly events: EventHub;
  readonly consoles: ConsoleManager;
  readonly datastore: string;
  handlers(consoleUrl: Services['consoleUrl']): Handlers;
  dispose(): void;
}

/** Where guests live when no --datastore is given: the XDG data directory, per user. */
export function defaultDatastore(env = process.env): string {
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'hivedesk', 'vm');
}

/** Wires the host layer once; Electron and browser mode put their own transport in front of it. */
export async function createHost(datastoreRoot: string): Promise<Host> {
  const log = new CommandLog();
  const runner = new HostRunner(log);
  const store = new Datastore(datastoreRoot);
  await store.init();
  const defaultBackend: BackendId = process.platform === 'freebsd' ? 'bhyve' : 'qemu';
  const qemu = new QemuBackend(runner, store);
  const vms = new VmService(store, { qemu }, defaultBackend);
  const events = new EventHub();
  const consoles = new ConsoleManager(store, log);
  const monitor = new VmMonitor(
    () => vms.listVms(),
    (list) => {
      consoles.endAllExcept(new Set(list.filter((vm) => vm.state !== 'stopped').map((vm) => vm.name)));
      events.emit('onDidChangeVms', list);
    },
  );
  log.onDidRecord((record) => events.emit('onDidRunCommand', record));
  monitor.start();
  const services: Omit<Services, 'consoleUrl'> = {
    vms,
    monitor,
    consoles,
    log,
    hostInfo: async () => ({
      backend: defaultBackend,
      accelerator: await qemu.accelerator(),
      datastore: datastoreRoot,
      platform: process.platform,
    }),
  };
  return {
    events,
    consoles,
    datastore: datastoreRoot,
    handlers: (consoleUrl) => createHandlers({ ...services, consoleUrl }),
    dispose: () => {
      monitor.stop();
      consoles.endAll('Hivedesk is closing; the guest keeps running.');
    },
  };
}
