import { create } from 'zustand';
import type { BackendInfo } from '../../../shared/api/backends.js';
import type { DatastoreChoices, OpenDatastoreInput } from '../../../shared/api/datastores.js';
import type { Result } from '../../../shared/api/errors.js';
import type { CommandRecord, HostInfo } from '../../../shared/api/host.js';
import type { BackendId } from '../../../shared/api/vms.js';
import { invoke } from '../api/client.js';

interface HostState {
  info?: HostInfo;
  /** The backend registry as this host has it: what the wizard offers, and what each backend's guests can do. */
  backends: BackendInfo[];
  commands: CommandRecord[];
  load(): Promise<void>;
  addCommand(record: CommandRecord): void;
  /** What "Open datastore…" offers: the one open, and vm-bhyve's vm_dir when rc.conf has one. */
  datastoreChoices(): Promise<Result<DatastoreChoices>>;
  /** Opens another datastore; the list, the host's facts and the samples follow onDidOpenDatastore. */
  openDatastore(input: OpenDatastoreInput): Promise<Result<{ path: string; notice?: string }>>;
}

const KEEP = 500;

/** One backend as the registry describes it; undefined until the host is loaded. */
export function useBackend(id: BackendId): BackendInfo | undefined {
  return useHost((s) => s.backends.find((b) => b.id === id));
}

export const useHost = create<HostState>()((set) => ({
  commands: [],
  backends: [],
  async load() {
    const [info, backends, commands] = await Promise.all([invoke('getHostInfo', {}), invoke('listBackends', {}), invoke('listCommands', {})]);
    set({
      ...(info.ok ? { info: info.value } : {}),
      ...(backends.ok ? { backends: backends.value } : {}),
      ...(commands.ok ? { commands: commands.value.slice(-KEEP) } : {}),
    });
  },
  datastoreChoices: () => invoke('datastoreChoices', {}),
  openDatastore: (input) => invoke('openDatastore', input),
  addCommand(record) {
    set((s) => {
      const at = s.commands.findIndex((c) => c.id === record.id);
      if (at < 0) return { commands: [...s.commands, record].slice(-KEEP) };
      return { commands: s.commands.map((c, i) => (i === at ? record : c)) };
    });
  },
}));
