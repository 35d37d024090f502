import type { HostInfo } from '../../shared/api/host.js';
import type { ConsoleManager } from '../consoles/manager.js';
import type { CommandLog } from '../host/command-log.js';
import type { LifecycleAction, LifecyclePlan } from '../../shared/api/lifecycle.js';
import type { AutostartService } from './autostart-service.js';
import type { Handlers } from './dispatcher.js';
import type { JobService } from './job-service.js';
import type { LifecycleService } from './lifecycle-service.js';
import type { SnapshotService } from './snapshot-service.js';
import type { VmMonitor } from './vm-monitor.js';
import type { VmService } from './vm-service.js';

export interface Services {
  vms: VmService;
  jobs: JobService;
  lifecycle: LifecycleService;
  snapshots: SnapshotService;
  autostart: AutostartService;
  monitor: VmMonitor;
  consoles: ConsoleManager;
  log: CommandLog;
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
    deleteVm: ({ name, deleteDisks }) => changed(s.lifecycle.deleteVm(name, deleteDisks)),
    planLifecycle: (action) => planLifecycle(s, action),
    cloneVm: (input) => changed(s.lifecycle.cloneVm(input)),
    renameVm: (input) => changed(s.lifecycle.renameVm(input)),
    listSnapshots: ({ name }) => s.snapshots.list(name),
    takeSnapshot: (input) => s.snapshots.take(input),
    rollbackVm: async (input) => (await s.snapshots.rollback(input), {}),
    destroySnapshot: async (input) => (await s.snapshots.destroy(input), {}),
    getAutostart: () => s.autostart.get(),
    setAutostart: (input) => s.autostart.set(input),
    listJobs: () => s.jobs.list(),
    cancelJob: ({ id }) => changed(s.jobs.cancel(id)),
    clearJob: ({ id }) => changed(s.jobs.clear(id)),
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
  };
}

function planLifecycle(s: Services, action: LifecycleAction): Promise<LifecyclePlan> {
  switch (action.action) {
    case 'clone':
      return s.lifecycle.planClone(action.input);
    case 'rename':
      return s.lifecycle.planRename(action.input);
    case 'autostart':
      return s.autostart.plan(action.input);
    default:
      return s.snapshots.plan(action);
  }
}
