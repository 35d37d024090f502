import type { VmSummary } from '../../../shared/api/vms.js';

/**
 * CPUs or memory as a guest has them: "256M → 512M" while it runs with what it booted with and a
 * saved change waits for its next start, else the saved value.
 */
export function bootedToNext(vm: VmSummary, field: 'cpus' | 'memory'): string {
  const saved = String(vm[field]);
  if (!vm.booted || !vm.pendingRestart?.includes(field)) return saved;
  return `${vm.booted[field]} → ${saved}`;
}
