import type { VmSummary } from '../../../../shared/api/vms.js';
import { useLifecycle } from '../../stores/lifecycle.js';
import { useVms } from '../../stores/vms.js';
import './lifecycle.css';

/** Clone… and Rename…: for a stopped guest that no job holds. */
export function LifecycleActions({ vm }: { vm: VmSummary }) {
  const busy = useVms((s) => !!s.busy[vm.name]);
  const idle = vm.state === 'stopped' && !vm.job && !busy;
  const { open } = useLifecycle.getState();
  const why = idle ? undefined : vm.job ? `${vm.job.title} is under way` : 'Stop the VM first';
  return (
    <>
      <button disabled={!idle} title={why ?? 'Copy this VM as a new one, with its own identity'} onClick={() => open({ kind: 'clone', name: vm.name })}>
        Clone…
      </button>
      <button disabled={!idle} title={why ?? 'Give this VM another name'} onClick={() => open({ kind: 'rename', name: vm.name })}>
        Rename…
      </button>
    </>
  );
}
