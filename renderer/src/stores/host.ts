import { create } from 'zustand';
import type { DatastoreChoices, OpenDatastoreInput } from '../../../shared/api/datastores.js';
import type { Result } from '../../../shared/api/errors.js';
import type { CommandRecord, HostInfo } from '../../../shared/api/host.js';
import { invoke } from '../api/client.js';

interface HostState {
  info?: HostInfo;
  commands: CommandRecord[];
  load(): Promise<void>;
  addCommand(record: CommandRecord): void;
  /** What "Open datastore…" offers: the one open, and vm-bhyve's vm_dir when rc.conf has one. */
  datastoreChoices(): Promise<Result<DatastoreChoices>>;
  /** Opens another datastore; the list, the host's facts and the samples follow onDidOpenDatastore. */
  openDatastore(input: OpenDatastoreInput): Promise<Result<{ path: string; notice?: string }>>;
}

const KEEP = 500;

export const useHost = create<HostState>()((set) => ({
  commands: [],
  async load() {
    const [info, commands] = await Promise.all([invoke('getHostInfo', {}), invoke('listCommands', {})]);
    set({
      ...(info.ok ? { info: info.value } : {}),
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
