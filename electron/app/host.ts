import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConsoleManager } from '../consoles/manager.js';
import { describeExit } from '../backends/registry.js';
import { readVmDir, type VmDirSource } from '../datastore/vm-dir.js';
import { CommandLog } from '../host/command-log.js';
import { HostRunner } from '../host/run.js';
import { createHandlers, type Services } from './channels.js';
import { type CoreOptions, hostBackend } from './core.js';
import { DatastoreSwitch } from './datastore-switch.js';
import type { Handlers } from './dispatcher.js';
import { EventHub } from './event-hub.js';
import { rememberDatastore } from './last-datastore.js';
import { type OpenOptions, openDatastore } from './open-datastore.js';

export interface Host {
  readonly events: EventHub;
  /** The open datastore's consoles (they change with it). */
  readonly consoles: ConsoleManager;
  /** The open datastore's folder. */
  readonly datastore: string;
  handlers(socketUrl: Services['socketUrl']): Handlers;
  dispose(): void;
}

/** Where guests live when no --datastore is given: the XDG data directory, per user. */
export function defaultDatastore(env = process.env): string {
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'hivedesk', 'vm');
}

export interface HostOptions extends Omit<CoreOptions, 'log'>, OpenOptions {
  /** Where a datastore opened at run time is remembered for the next start; without it nothing is. */
  settingsFile?: string;
  /** Where rc.conf's vm_dir comes from: sysrc on a FreeBSD host (bhyve, Xen, VirtualBox), /etc/rc.conf itself elsewhere. */
  vmDirSource?: VmDirSource;
  /** Whether the desktop runs a screen reader, as Electron's window knows; browser mode cannot tell. */
  assistiveTechnology?: () => boolean;
}

/** Wires the host layer once; Electron and browser mode put their own transport in front of it. */
export async function createHost(options: HostOptions): Promise<Host> {
  const log = new CommandLog(undefined, describeExit);
  const events = new EventHub();
  log.onDidRecord((record) => events.emit('onDidRunCommand', record));
  const open = (location: { path: string; zfsDataset?: string }) => openDatastore(location, options, log, events);
  const runner = new HostRunner(log);
  const vmDirSource = options.vmDirSource ?? { sysrc: (options.backend ?? hostBackend()) !== 'qemu' };
  const { settingsFile } = options;
  const datastores = new DatastoreSwitch(await open({ path: options.datastore, ...(options.zfsDataset ? { zfsDataset: options.zfsDataset } : {}) }), {
    open,
    readVmDir: () => readVmDir(runner, vmDirSource),
    ...(settingsFile ? { remember: (location) => rememberDatastore(settingsFile, location) } : {}),
    opened: (path) => events.emit('onDidOpenDatastore', { path }),
  });
  const current = () => datastores.current;
  // The changes that follow apply to the whole list: a window whose event stream connects late gets it first.
  events.greet('onDidChangeVms', () => current().monitor.current());
  events.greet('onDidChangeJobs', () => current().core.jobs.current());
  // Badges too, when there are any (a new window starts with none).
  events.greet('onDidChangeConsoleBadges', () => {
    const badges = current().consoles.listBadges();
    return badges.length ? badges : undefined;
  });
  // Getters, never copies: each request reads the datastore open at that moment.
  const services = (socketUrl: Services['socketUrl']): Services => ({
    get vms() {
      return current().core.vms;
    },
    get monitor() {
      return current().monitor;
    },
    get consoles() {
      return current().consoles;
    },
    get activity() {
      return current().activity;
    },
    get settings() {
      return current().core.settings;
    },
    get jobs() {
      return current().core.jobs;
    },
    get lifecycle() {
      return current().core.lifecycle;
    },
    get snapshots() {
      return current().core.snapshots;
    },
    get autostart() {
      return current().core.autostart;
    },
    get hostSetup() {
      return current().core.hostSetup;
    },
    listBackends: () => current().core.backends,
    datastores,
    log,
    socketUrl,
    hostInfo: async () => {
      const { core, location } = current();
      return {
        backend: core.defaultBackend.id,
        accelerator: await core.defaultBackend.accelerator(),
        datastore: location.path,
        platform: process.platform,
        assistiveTechnology: options.assistiveTechnology?.() ?? false,
      };
    },
  });
  return {
    events,
    get consoles() {
      return current().consoles;
    },
    get datastore() {
      return current().location.path;
    },
    handlers: (socketUrl) => createHandlers(services(socketUrl)),
    dispose: () => void current().close('Hivedesk is closing; the guest keeps running.'),
  };
}
