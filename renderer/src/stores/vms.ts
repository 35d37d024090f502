import { create } from 'zustand';
import type { ApiError } from '../../../shared/api/errors.js';
import type { VmSummary } from '../../../shared/api/vms.js';
import { invoke } from '../api/client.js';

type Action = 'startVm' | 'stopVm' | 'powerOffVm';

interface VmsState {
  vms: VmSummary[];
  loaded: boolean;
  /** The action under way per VM, so buttons cannot be clicked twice. */
  busy: Record<string, Action | undefined>;
  /** VMs whose power button was pressed and that have not stopped yet. */
  shuttingDown: Record<string, boolean | undefined>;
  /** The last error per VM (or '' for the list), shown next to it until the next action. */
  errors: Record<string, ApiError | undefined>;
  load(): Promise<void>;
  replace(vms: VmSummary[]): void;
  run(action: Action, name: string): Promise<void>;
  /** What the last delete did, for the list to say. */
  notice?: string;
  remove(name: string, deleteDisks: boolean): Promise<void>;
}

export const useVms = create<VmsState>()((set, get) => ({
  vms: [],
  loaded: false,
  busy: {},
  shuttingDown: {},
  errors: {},
  async load() {
    const result = await invoke('listVms', {});
    if (result.ok) set({ vms: result.value, loaded: true, errors: { ...get().errors, '': undefined } });
    else set({ loaded: true, errors: { ...get().errors, '': result.error } });
  },
  replace(vms) {
    set((s) => ({ vms, loaded: true, shuttingDown: Object.fromEntries(vms.filter((vm) => vm.state !== 'stopped' && s.shuttingDown[vm.name]).map((vm) => [vm.name, true])) }));
  },
  async remove(name, deleteDisks) {
    set((s) => ({ errors: { ...s.errors, [name]: undefined }, notice: undefined }));
    const result = await invoke('deleteVm', { name, deleteDisks });
    if (!result.ok) return set((s) => ({ errors: { ...s.errors, [name]: result.error } }));
    const kept = result.value.kept.length ? ` Kept: ${result.value.kept.join(', ')}.` : '';
    set({ notice: `Deleted ${name}.${kept}` });
    await get().load();
  },
  async run(action, name) {
    set((s) => ({ busy: { ...s.busy, [name]: action }, errors: { ...s.errors, [name]: undefined } }));
    const result = await invoke(action, { name });
    set((s) => ({
      busy: { ...s.busy, [name]: undefined },
      errors: { ...s.errors, [name]: result.ok ? undefined : result.error },
      vms: result.ok ? s.vms.map((vm) => (vm.name === name ? result.value : vm)) : s.vms,
      shuttingDown: { ...s.shuttingDown, [name]: action === 'stopVm' && result.ok && result.value.state !== 'stopped' },
    }));
  },
}));
