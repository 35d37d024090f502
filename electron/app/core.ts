import type { BackendId } from '../../shared/api/vms.js';
import type { Backend } from '../backends/backend.js';
import { BhyveBackend } from '../backends/bhyve/bhyve-backend.js';
import { bhyveSettings } from '../backends/bhyve/settings.js';
import { QemuBackend } from '../backends/qemu/qemu-backend.js';
import { Datastore } from '../datastore/datastore.js';
import { CommandLog } from '../host/command-log.js';
import { HostRunner } from '../host/run.js';
import { createHostSetup } from '../host-setup/create.js';
import type { HostSetup } from '../host-setup/service.js';
import { type BackendSet, VmService } from './vm-service.js';

export interface CoreOptions {
  datastore: string;
  /** The backend for new guests and for guests without hivedesk_backend (made by vm-bhyve). */
  backend?: BackendId;
}

export interface Core {
  log: CommandLog;
  store: Datastore;
  vms: VmService;
  defaultBackend: Backend;
  hostSetup: HostSetup;
}

export function hostBackend(platform = process.platform): BackendId {
  return platform === 'freebsd' ? 'bhyve' : 'qemu';
}

/** The host layer without a transport: shared by the GUI (both modes) and the CLI. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const log = new CommandLog();
  const runner = new HostRunner(log);
  const store = new Datastore(options.datastore);
  await store.init();
  const backends: BackendSet = { qemu: new QemuBackend(runner, store), bhyve: new BhyveBackend(runner, store, bhyveSettings()) };
  const id = options.backend ?? hostBackend();
  const vms = new VmService(store, backends, id);
  const defaultBackend = backends[id];
  if (!defaultBackend) throw new Error(`the ${id} backend is not available`);
  return { log, store, vms, defaultBackend, hostSetup: createHostSetup({ runner, store, backend: id }) };
}
