import { homedir } from 'node:os';
import { join } from 'node:path';
import { isUp } from '../../shared/api/vms.js';
import { ConsoleManager } from '../consoles/manager.js';
import { createHandlers, type Services } from './channels.js';
import { type CoreOptions, createCore } from './core.js';
import type { Handlers } from './dispatcher.js';
import { EventHub } from './event-hub.js';
import { VmMonitor } from './vm-monitor.js';

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

export interface HostOptions extends CoreOptions {
  /** Bytes per second typed into guests' serial lines; the line's own speed by default. */
  consoleInputBytesPerSecond?: number;
}

/** Wires the host layer once; Electron and browser mode put their own transport in front of it. */
export async function createHost(options: HostOptions): Promise<Host> {
  const { log, store, vms, defaultBackend, hostSetup } = await createCore(options);
  const events = new EventHub();
  const consoles = new ConsoleManager(store, log, async (name) => isUp(await vms.state(name)), options.consoleInputBytesPerSecond);
  const monitor = new VmMonitor(
    () => vms.listVms(),
    (changes) => {
      consoles.endAllExcept(new Set(monitor.vms().filter((vm) => isUp(vm.state)).map((vm) => vm.name)));
      events.emit('onDidChangeVms', changes);
    },
  );
  // The changes that follow apply to the whole list: a window whose event stream connects late gets it first.
  events.greet('onDidChangeVms', () => monitor.current());
  log.onDidRecord((record) => events.emit('onDidRunCommand', record));
  monitor.start();
  const services: Omit<Services, 'consoleUrl'> = {
    vms,
    monitor,
    consoles,
    log,
    hostSetup,
    hostInfo: async () => ({
      backend: defaultBackend.id,
      accelerator: await defaultBackend.accelerator(),
      datastore: options.datastore,
      platform: process.platform,
    }),
  };
  return {
    events,
    consoles,
    datastore: options.datastore,
    handlers: (consoleUrl) => createHandlers({ ...services, consoleUrl }),
    dispose: () => {
      monitor.stop();
      consoles.endAll('Hivedesk is closing; the guest keeps running.');
    },
  };
}
