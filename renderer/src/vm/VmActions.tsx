import { isUp, type VmSummary } from '../../../shared/api/vms.js';
import { useVms } from '../stores/vms.js';
import { useWorkspace } from '../stores/workspace.js';
import { ConsoleButtons } from './console/ConsoleButtons.js';
import { LifecycleActions } from './lifecycle/LifecycleActions.js';
import type { Question } from './VmQuestions.js';

interface Props {
  vm: VmSummary;
  ask: (question: Question) => void;
  /** The list offers Settings (the VM's page); the page itself does not. */
  settings?: boolean;
}

/** A guest's actions, the same in its row and on its page. */
export function VmActions({ vm, ask, settings = false }: Props) {
  const action = useVms((s) => s.busy[vm.name]);
  const { run } = useVms.getState();
  const { open } = useWorkspace.getState();
  const running = isUp(vm.state);
  // A job is cloning the guest, or making it (a placeholder): nothing may start or delete it meanwhile.
  const held = !!vm.job;
  return (
    <div className="actions">
      <button disabled={running || !!action || held} onClick={() => void run('startVm', vm.name)}>
        Start
      </button>
      <button disabled={!running || !!action} title="Press the guest's power button (ACPI)" onClick={() => void run('stopVm', vm.name)}>
        Stop
      </button>
      <button disabled={!running || !!action} title="End the guest at once" onClick={() => ask({ kind: 'powerOff', name: vm.name })}>
        Power off
      </button>
      <ConsoleButtons name={vm.name} ports={vm.consoles.length ? vm.consoles : ['com1']} label="Console" disabled={!running} />
      {vm.display && (
        <button disabled={!running} title="Show the guest's screen in a tab" onClick={() => open({ kind: 'display', name: vm.name })}>
          Display
        </button>
      )}
      {settings && (
        <button title={`Open ${vm.name}'s page: its details and settings`} onClick={() => open({ kind: 'vm', name: vm.name })}>
          Settings
        </button>
      )}
      <LifecycleActions vm={vm} />
      <button disabled={vm.state !== 'stopped' || !!action || held} title="Delete this VM (asks first)" onClick={() => ask({ kind: 'delete', name: vm.name })}>
        Delete
      </button>
    </div>
  );
}
