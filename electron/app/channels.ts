import type { HostInfo } from '../../shared/api/host.js';
import type { ConsoleManager } from '../consoles/manager.js';
import type { CommandLog } from '../host/command-log.js';
import type { HostSetup } from '../host-setup/service.js';
import type { Handlers } from './dispatcher.js';
import type { VmMonitor } from './vm-monitor.js';
import type { VmService } from './vm-service.js';

export interface Services {
  vms: VmService;
  monitor: VmMonitor;
  consoles: ConsoleManager;
  log: CommandLog;
  hostSetup: HostSetup;
  hostInfo: () => Promise<HostInfo>;
  /** The WebSocket URL a terminal attaches to for a guest's port. */
  consoleUrl: (name: string, port: string) => string;
}

/** Every channel, registered in one place: the whole API surface is readable here. */
export function createHandlers(s: Services): Handlers {
  const changed = async <T>(result: Promise<T>): Promise<T> => {
    const value = await result;
    await s.monitor.refresh();
    return value;
  };
  return {
    listVms: () => s.vms.listVms(),
    snapshotVms: () => s.monitor.snapshot(),
    planCreateVm: (input) => s.vms.planCreateVm(input),
    createVm: (input) => changed(s.vms.createVm(input)),
    startVm: async ({ name }) => {
      // Sessions left from the guest's last run go first (its devices may be new), but never a running guest's.
      if ((await s.vms.state(name)) === 'stopped') await s.consoles.endGuest(name, `${name} stopped`);
      const ports = await s.vms.consolePorts(name);
      const starting = changed(s.vms.startVm(name));
      // Attach while it starts, so the replay holds the loader and the boot from the first line for tabs opened later.
      const attaching = s.consoles.openWhenUp(name, ports, starting);
      const vm = await starting;
      await attaching;
      return vm;
    },
    stopVm: ({ name }) => changed(s.vms.stopVm(name)),
    powerOffVm: ({ name }) => changed(s.vms.powerOffVm(name)),
    deleteVm: ({ name, deleteDisks }) => changed(s.vms.deleteVm(name, deleteDisks)),
    getHostInfo: () => s.hostInfo(),
    listCommands: async () => s.log.list(),
    openConsole: async ({ name, port }) => {
      await s.consoles.session(name, port);
      return { url: s.consoleUrl(name, port) };
    },
    resizeConsole: async ({ name, port, cols, rows }) => {
      s.consoles.find(name, port)?.resize(cols, rows);
      return {};
    },
    runHostChecks: async ({ areas }) => ({ checks: await s.hostSetup.checks(areas) }),
    planHostFix: ({ id, options }) => s.hostSetup.plan(id, options),
    runHostFix: ({ id, options, digest }) => s.hostSetup.run(id, options, digest),
  };
}
