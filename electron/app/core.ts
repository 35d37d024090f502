import type { BackendInfo, StartAtBoot } from '../../shared/api/backends.js';
import type { BackendId } from '../../shared/api/vms.js';
import type { Backend } from '../backends/backend.js';
import { type BhyveSettings, bhyveSettings } from '../backends/bhyve/settings.js';
import { availability, backendEntry, BACKENDS, describeBackends, describeExit } from '../backends/registry.js';
import { Datastore } from '../datastore/datastore.js';
import { CommandLog } from '../host/command-log.js';
import { HostRunner } from '../host/run.js';
import { SettingsService } from './settings-service.js';
import { JobStore } from '../jobs/job-store.js';
import { type AutostartStore, noAutostart } from '../lifecycle/autostart.js';
import { RcConfAutostart } from '../lifecycle/rc-conf-autostart.js';
import { SystemdAutostart } from '../lifecycle/systemd-autostart.js';
import { ZfsGuests } from '../lifecycle/zfs-guests.js';
import { AutostartService } from './autostart-service.js';
import { JobService } from './job-service.js';
import { LifecycleService } from './lifecycle-service.js';
import { SnapshotService } from './snapshot-service.js';
import { createHostSetup } from '../host-setup/create.js';
import type { HostSetup } from '../host-setup/service.js';
import { type BackendSet, VmService } from './vm-service.js';

export interface CoreOptions {
  datastore: string;
  /** The backend for new guests and for guests without hivedesk_backend (made by vm-bhyve). */
  backend?: BackendId;
  /** The ZFS dataset mounted at `datastore` (vm-bhyve's `vm_dir="zfs:…"`); else HIVEDESK_ZFS_DATASET's. */
  zfsDataset?: string;
  /** The host's command log, kept across the datastores it opens; a new one by default. */
  log?: CommandLog;
}

export interface Core {
  log: CommandLog;
  runner: HostRunner;
  store: Datastore;
  vms: VmService;
  settings: SettingsService;
  defaultBackend: Backend;
  /** Every backend of the registry, whether it can run guests here, and which is the host's. */
  backends: BackendInfo[];
  jobs: JobService;
  lifecycle: LifecycleService;
  snapshots: SnapshotService;
  autostart: AutostartService;
  hostSetup: HostSetup;
}

export function hostBackend(platform = process.platform): BackendId {
  return platform === 'freebsd' ? 'bhyve' : 'qemu';
}

/** Start at boot is the host's list, kept the way its backend's guests start at boot (vm-bhyve's rc.conf, systemd). */
function hostAutostart(boot: StartAtBoot, runner: HostRunner, store: Datastore, bhyve: BhyveSettings): AutostartStore {
  if (boot.via === 'rc.conf') return new RcConfAutostart(runner, bhyve.privilege, store.root, bhyve.zfsDataset);
  if (boot.via === 'systemd-user') return new SystemdAutostart(runner, store.root);
  return noAutostart(boot.how);
}

/** The host layer without a transport: shared by the GUI (both modes) and the CLI. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const log = options.log ?? new CommandLog(undefined, describeExit);
  const runner = new HostRunner(log);
  const store = new Datastore(options.datastore);
  await store.init();
  const bhyve = { ...bhyveSettings(), ...(options.zfsDataset ? { zfsDataset: options.zfsDataset } : {}) };
  const deps = { runner, store, env: process.env, ...(bhyve.zfsDataset ? { zfsDataset: bhyve.zfsDataset } : {}) };
  const backends: BackendSet = Object.fromEntries(BACKENDS.map((entry) => [entry.id, entry.create(deps)]));
  const id = options.backend ?? hostBackend();
  const here = await availability();
  const jobStore = new JobStore(store.root);
  const vms = new VmService(store, backends, id, { jobs: jobStore, availability: here });
  const defaultBackend = backends[id];
  const entry = backendEntry(id);
  if (!defaultBackend || !entry) throw new Error(`the ${id} backend is not available`);
  const jobs = new JobService(jobStore, runner);
  const zfs = new ZfsGuests(runner, bhyve.zfsDataset ? { dataset: bhyve.zfsDataset, privilege: bhyve.privilege } : undefined);
  const autostart = new AutostartService(hostAutostart(entry.startAtBoot, runner, store, bhyve), vms);
  const lifecycle = new LifecycleService(store, vms, jobStore, jobs, zfs, autostart, runner);
  const settings = new SettingsService(store, backends, vms);
  const hostSetup = createHostSetup({ runner, store, backend: id });
  return { log, runner, store, vms, settings, defaultBackend, backends: describeBackends(here, id), jobs, lifecycle, snapshots: new SnapshotService(vms, zfs), autostart, hostSetup };
}
