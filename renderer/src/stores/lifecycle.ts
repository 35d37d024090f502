import { create } from 'zustand';
import type { ApiError } from '../../../shared/api/errors.js';
import type { Autostart, AutostartInput, LifecycleAction, LifecyclePlan, RollbackInput, SnapshotList, SnapshotRef } from '../../../shared/api/lifecycle.js';
import { invoke } from '../api/client.js';
import { useJobs } from './jobs.js';
import { useVms } from './vms.js';
import { useWorkspace } from './workspace.js';

export type NameDialog = { kind: 'clone' | 'rename'; name: string };

type Outcome = { ok: true } | { ok: false; error: ApiError };

/**
 * Clone, rename, snapshots and start at boot: the dialogs that are open, what main said last,
 * and every mutation, so components only draw.
 */
interface LifecycleState {
  /** The Clone… or Rename… dialog, drawn once for the whole app so it outlives the row that opened it. */
  dialog?: NameDialog;
  snapshots: Record<string, SnapshotList | undefined>;
  /** The last snapshot error per guest. */
  snapshotErrors: Record<string, ApiError | undefined>;
  autostart?: Autostart;
  autostartError?: ApiError;
  open(dialog: NameDialog): void;
  close(): void;
  plan(action: LifecycleAction): Promise<{ ok: true; plan: LifecyclePlan } | { ok: false; error: ApiError }>;
  clone(name: string, newName: string): Promise<Outcome>;
  rename(name: string, newName: string): Promise<Outcome>;
  loadSnapshots(name: string): Promise<void>;
  takeSnapshot(name: string, snapshot: string): Promise<Outcome>;
  rollback(input: RollbackInput): Promise<void>;
  destroySnapshot(input: SnapshotRef): Promise<void>;
  loadAutostart(): Promise<void>;
  setAutostart(input: AutostartInput): Promise<Outcome>;
}

export const useLifecycle = create<LifecycleState>()((set, get) => ({
  snapshots: {},
  snapshotErrors: {},
  open: (dialog) => set({ dialog }),
  close: () => set({ dialog: undefined }),
  async plan(action) {
    const result = await invoke('planLifecycle', action);
    return result.ok ? { ok: true, plan: result.value } : result;
  },
  async clone(name, newName) {
    const result = await invoke('cloneVm', { name, newName });
    if (!result.ok) return result;
    set({ dialog: undefined });
    await Promise.all([useJobs.getState().load(), useVms.getState().load()]);
    return { ok: true };
  },
  async rename(name, newName) {
    const result = await invoke('renameVm', { name, newName });
    if (!result.ok) return result;
    set({ dialog: undefined });
    // A page open under the old name follows the guest to its new one.
    const workspace = useWorkspace.getState();
    if (workspace.tabs.some((t) => t.kind === 'vm' && t.name === name)) {
      workspace.close(`vm:${name}`);
      workspace.open({ kind: 'vm', name: newName });
    }
    await useVms.getState().load();
    return { ok: true };
  },
  async loadSnapshots(name) {
    const result = await invoke('listSnapshots', { name });
    set((s) => ({
      snapshots: result.ok ? { ...s.snapshots, [name]: result.value } : s.snapshots,
      snapshotErrors: { ...s.snapshotErrors, [name]: result.ok ? undefined : result.error },
    }));
  },
  async takeSnapshot(name, snapshot) {
    const result = await invoke('takeSnapshot', { name, snapshot });
    await get().loadSnapshots(name);
    return result.ok ? { ok: true } : result;
  },
  async rollback(input) {
    const result = await invoke('rollbackVm', input);
    await get().loadSnapshots(input.name);
    if (!result.ok) set((s) => ({ snapshotErrors: { ...s.snapshotErrors, [input.name]: result.error } }));
  },
  async destroySnapshot(input) {
    const result = await invoke('destroySnapshot', input);
    await get().loadSnapshots(input.name);
    if (!result.ok) set((s) => ({ snapshotErrors: { ...s.snapshotErrors, [input.name]: result.error } }));
  },
  async loadAutostart() {
    const result = await invoke('getAutostart', {});
    set(result.ok ? { autostart: result.value, autostartError: undefined } : { autostartError: result.error });
  },
  async setAutostart(input) {
    const result = await invoke('setAutostart', input);
    if (!result.ok) return result;
    set({ autostart: result.value, autostartError: undefined });
    return { ok: true };
  },
}));
