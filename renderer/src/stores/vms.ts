import { create } from 'zustand';
import type { ApiError, Result } from '../../../shared/api/errors.js';
import { applyVmChanges, EMPTY_VM_LIST, VmFeed, type VmListCopy } from '../../../shared/api/vm-feed.js';
import type { CreatePlan, CreateVmInput, VmChanges } from '../../../shared/api/vms.js';
import { invoke } from '../api/client.js';
import { afterReply } from './action-reply.js';

type Action = 'startVm' | 'stopVm' | 'powerOffVm';

/**
 * The guests by name, so each row subscribes to its own guest and redraws only when that guest
 * changed; `names` changes only when a guest comes or goes.
 */
interface VmsState extends VmListCopy {
  loaded: boolean;
  /** The action under way per VM, so buttons cannot be clicked twice. */
  busy: Record<string, Action | undefined>;
  /** VMs whose power button was pressed and that have not stopped yet. */
  shuttingDown: Record<string, boolean | undefined>;
  /** The last error per VM (or '' for the list), shown next to it until the next action. */
  errors: Record<string, ApiError | undefined>;
  /** Fetches the whole list again (on start, and after a create or delete). */
  load(): Promise<void>;
  /** onDidChangeVms: applied in order; see VmFeed. */
  receive(changes: VmChanges): void;
  run(action: Action, name: string): Promise<void>;
  /** What the last delete did, for the list to say. */
  notice?: string;
  remove(name: string, deleteDisks: boolean): Promise<void>;
  /** What creating this guest would do, for the wizard's summary; nothing is made. */
  planCreate(input: CreateVmInput): Promise<Result<CreatePlan>>;
  /** Makes the guest, then fetches the list so it shows at once; the error when it was refused. */
  create(input: CreateVmInput): Promise<ApiError | undefined>;
}

export const useVms = create<VmsState>()((set, get) => {
  const feed = new VmFeed(
    async () => {
      const result = await invoke('snapshotVms', {});
      set((s) => ({ errors: { ...s.errors, '': result.ok ? undefined : result.error }, loaded: s.loaded || !result.ok }));
      return result.ok ? result.value : undefined;
    },
    (changes) => set((s) => ({ ...applyVmChanges(s, changes), loaded: true, shuttingDown: stillShuttingDown(s, changes) })),
  );
  return {
    ...EMPTY_VM_LIST,
    loaded: false,
    busy: {},
    shuttingDown: {},
    errors: {},
    load: () => feed.resync(),
    receive: (changes) => feed.receive(changes),
    async remove(name, deleteDisks) {
      set((s) => ({ errors: { ...s.errors, [name]: undefined }, notice: undefined }));
      const result = await invoke('deleteVm', { name, deleteDisks });
      if (!result.ok) return set((s) => ({ errors: { ...s.errors, [name]: result.error } }));
      const kept = result.value.kept.length ? ` Kept: ${result.value.kept.join(', ')}.` : '';
      set({ notice: `Deleted ${name}.${kept}` });
      await get().load();
    },
    planCreate: (input) => invoke('planCreateVm', input),
    async create(input) {
      const result = await invoke('createVm', input);
      if (!result.ok) return result.error;
      await get().load();
      return undefined;
    },
    async run(action, name) {
      const before = get().byName[name];
      set((s) => ({ busy: { ...s.busy, [name]: action }, errors: { ...s.errors, [name]: undefined } }));
      const result = await invoke(action, { name });
      set((s) => {
        const vm = afterReply(before, s.byName[name], result.ok ? result.value : undefined);
        return {
          busy: { ...s.busy, [name]: undefined },
          errors: { ...s.errors, [name]: result.ok ? undefined : result.error },
          byName: vm ? { ...s.byName, [name]: vm } : s.byName,
          shuttingDown: { ...s.shuttingDown, [name]: action === 'stopVm' && result.ok && vm?.state !== 'stopped' },
        };
      });
    },
  };
});

/** A guest is no longer "shutting down" once it has stopped or gone. */
function stillShuttingDown(s: VmsState, changes: VmChanges): VmsState['shuttingDown'] {
  if (changes.reset) return Object.fromEntries(changes.changed.filter((vm) => vm.state !== 'stopped' && s.shuttingDown[vm.name]).map((vm) => [vm.name, true]));
  const done = [...changes.removed, ...changes.changed.filter((vm) => vm.state === 'stopped').map((vm) => vm.name)];
  if (!done.some((name) => s.shuttingDown[name])) return s.shuttingDown;
  return { ...s.shuttingDown, ...Object.fromEntries(done.map((name) => [name, undefined])) };
}
