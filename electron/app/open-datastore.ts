import type { EventName, EventPayload } from '../../shared/api/contract.js';
import { type BackendId, isUp } from '../../shared/api/vms.js';
import { ConsoleManager } from '../consoles/manager.js';
import type { DatastoreLocation } from '../datastore/vm-dir.js';
import { DatastoreWatcher } from '../datastore/watch.js';
import type { CommandLog } from '../host/command-log.js';
import { usageReader } from '../host/process-usage.js';
import { ActivitySampler } from './activity.js';
import { type Core, createCore } from './core.js';
import type { EventHub } from './event-hub.js';
import { VmMonitor } from './vm-monitor.js';

export interface OpenOptions {
  backend?: BackendId;
  consoleInputBytesPerSecond?: number;
  /** The VM monitor's poll (1 s by default); it catches what the watcher cannot see (a guest that died). */
  pollIntervalMs?: number;
}

/** What belongs to one open datastore, and goes with it when another is opened. */
export interface OpenDatastore {
  readonly location: DatastoreLocation;
  readonly core: Core;
  readonly monitor: VmMonitor;
  readonly consoles: ConsoleManager;
  readonly watcher: DatastoreWatcher;
  readonly activity: ActivitySampler;
  /**
   * Stops watching, polling and sampling, and ends the consoles with `reason` (the guests keep
   * running); settles once their cu have exited. Nothing it started is heard from after.
   */
  close(reason: string): Promise<void>;
}

export async function openDatastore(location: DatastoreLocation, options: OpenOptions, log: CommandLog, events: EventHub): Promise<OpenDatastore> {
  const core = await createCore({ datastore: location.path, log, ...(options.backend ? { backend: options.backend } : {}), ...(location.zfsDataset ? { zfsDataset: location.zfsDataset } : {}) });
  let open = true;
  // A poll or a sample already under way when it closes must not reach the windows of the next one.
  const emit = <E extends EventName>(name: E, payload: EventPayload<E>) => open && events.emit(name, payload);
  const consoles = new ConsoleManager({
    log,
    endpoint: (name, port) => core.vms.consoleEndpoint(name, port),
    display: (name) => core.vms.display(name),
    runner: core.runner,
    isUp: async (name) => isUp(await core.vms.state(name)),
    serialLog: (name, port) => core.vms.serialLog(name, port),
    ...(options.consoleInputBytesPerSecond ? { inputBytesPerSecond: options.consoleInputBytesPerSecond } : {}),
    onBadges: (badges) => emit('onDidChangeConsoleBadges', badges),
  });
  const monitor = new VmMonitor(
    () => core.vms.listVms(),
    (changes) => {
      if (!open) return;
      consoles.endAllExcept(new Set(monitor.vms().filter((vm) => isUp(vm.state)).map((vm) => vm.name)));
      emit('onDidChangeVms', changes);
    },
    options.pollIntervalMs,
  );
  const watcher = new DatastoreWatcher(core.store.root, {
    changed: () => void monitor.refresh(),
    confChanged: (name) => emit('onDidChangeVmConfig', { name }),
  });
  const running = () => monitor.vms().filter((vm) => vm.state === 'running').map((vm) => vm.name);
  const activity = new ActivitySampler({ running, pidOf: (name) => core.vms.hypervisorPid(name) }, await usageReader(core.runner), (sample) => emit('onDidSampleActivity', sample));
  core.jobs.onDidChange((list) => {
    emit('onDidChangeJobs', list);
    // A job that started or ended adds or removes a placeholder: the list shows it now, not at the next poll.
    if (open) void monitor.refresh();
  });
  monitor.start();
  core.jobs.start();
  return {
    location,
    core,
    monitor,
    consoles,
    watcher,
    activity,
    close: async (reason) => {
      open = false;
      watcher.close();
      monitor.stop();
      core.jobs.stop();
      activity.stop();
      await consoles.endAll(reason);
    },
  };
}
