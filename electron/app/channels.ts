import type { BackendInfo } from '../../shared/api/backends.js';
import type { HostInfo } from '../../shared/api/host.js';
import { WS_CONSOLE_PATH, WS_DISPLAY_PATH } from '../../shared/api/transport.js';
import type { ConsoleManager } from '../consoles/manager.js';
import type { CommandLog } from '../host/command-log.js';
import type { LifecycleAction, LifecyclePlan } from '../../shared/api/lifecycle.js';
import type { AutostartService } from './autostart-service.js';
import type { HostSetup } from '../host-setup/service.js';
import type { Handlers } from './dispatcher.js';
import type { ActivitySampler } from './activity.js';
import type { DatastoreSwitch } from './datastore-switch.js';
import type { JobService } from './job-service.js';
import type { LifecycleService } from './lifecycle-service.js';
import type { SnapshotService } from './snapshot-service.js';
import type { VmMonitor } from './vm-monitor.js';
import type { SettingsService } from './settings-service.js';
import type { VmService } from './vm-service.js';

export interface Services {
  vms: VmService;
  settings: SettingsService;
  jobs: JobService;
  lifecycle: LifecycleService;
  snapshots: SnapshotService;
  autostart: AutostartService;
  monitor: VmMonitor;
  consoles: ConsoleManager;
  datastores: Pick<DatastoreSwitch, 'choices' | 'open'>;
  activity: Pick<ActivitySampler, 'watch'>;
  log: CommandLog;
  hostSetup: HostSetup;
  hostInfo: () => Promise<HostInfo>;
  /** The backend registry as this host has it. */
  listBackends: () => BackendInfo[];
  /** The WebSocket URL (token included) a tab opens for a path (a console, a display) with these parameters. */
  socketUrl: (path: string, params: Record<string, string>) => string;
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
    listBackends: async () => s.listBackends(),
    listCommands: async () => s.log.list(),
    openConsole: async ({ name, port }) => {
      await s.consoles.session(name, port);
      return { url: s.socketUrl(WS_CONSOLE_PATH, { name, port }) };
    },
    listConsoleBadges: async () => s.consoles.listBadges(),
    takeOverConsole: ({ name, port }) => s.consoles.takeOver(name, port),
    openDisplay: async ({ name }) => {
      // Refused here, with why, rather than by a socket that closes.
      await s.consoles.display(name);
      return { url: s.socketUrl(WS_DISPLAY_PATH, { name }) };
    },
    datastoreChoices: () => s.datastores.choices(),
    openDatastore: (input) => s.datastores.open(input),
    watchActivity: async () => s.activity.watch(),
    resizeConsole: async ({ name, port, cols, rows }) => {
      s.consoles.find(name, port)?.resize(cols, rows);
      return {};
    },
    getSettings: ({ name }) => s.settings.get(name),
    previewSettings: ({ name, settings }) => s.settings.preview(name, settings),
    saveSettings: (input) => changed(s.settings.save(input)),
    listSettingsHistory: ({ name }) => s.settings.history(name),
    diffSettingsHistory: ({ name, id }) => s.settings.historyDiff(name, id),
    revertSettings: (input) => changed(s.settings.revert(input)),
    newMacAddress: ({ name }) => s.settings.newMac(name),
    listSwitches: () => s.settings.switches(),
    resetUefiVars: ({ name }) => s.settings.resetUefiVars(name),
    planGrowDisk: ({ name, disk, size }) => s.settings.planGrow(name, disk, size),
    growDisk: ({ name, disk, size }) => s.settings.grow(name, disk, size),
    runHostChecks: async ({ areas }) => ({ checks: await s.hostSetup.checks(areas) }),
    planHostFix: ({ id, options }) => s.hostSetup.plan(id, options),
    runHostFix: ({ id, options, digest }) => s.hostSetup.run(id, options, digest),
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
