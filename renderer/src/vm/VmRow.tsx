import { memo, useEffect, useState } from 'react';
import { isUp } from '../../../shared/api/vms.js';
import { useConsoles } from '../stores/consoles.js';
import { useVms } from '../stores/vms.js';
import type { Question } from './VmQuestions.js';

interface Props {
  name: string;
  /** The row's place in the whole list (0-based), for aria-rowindex and the virtualizer. */
  index: number;
  /** Tells the virtualizer the row's real height (an error or a hint makes it taller). */
  measure: (row: HTMLTableRowElement | null) => void;
  ask: (question: Question) => void;
}

/** One guest's row. It subscribes to that guest only, so a change to another guest does not redraw it. */
export const VmRow = memo(function VmRow({ name, index, measure, ask }: Props) {
  const vm = useVms((s) => s.byName[name]);
  const action = useVms((s) => s.busy[name]);
  const error = useVms((s) => s.errors[name]);
  const shuttingDown = useVms((s) => !!s.shuttingDown[name]);
  const slow = useLater(30_000, shuttingDown);
  const openConsole = useConsoles((s) => s.open);
  if (!vm) return null;
  const run = useVms.getState().run;
  const running = isUp(vm.state);
  return (
    <tr ref={measure} data-index={index} aria-rowindex={index + 2} aria-label={vm.name}>
      <th scope="row">
        {vm.name}
        {vm.installMedia && <span className="media" title={vm.installMedia}>install media attached</span>}
      </th>
      <td>
        <span className={`state state-${vm.state}`}>{vm.state === 'locked' ? `locked by ${vm.lockedBy ?? '?'}` : vm.state}</span>
        {action && <span className="busy"> ({pending(action)})</span>}
        {!action && shuttingDown && <span className="busy"> (shutting down…)</span>}
        {slow && shuttingDown && <p className="hint">Still running after 30 s: the guest may ignore the power button. Power off ends it at once.</p>}
        {error && <p role="alert" className="error">{error.message}</p>}
        {vm.lastFault && <p className="error">{vm.lastFault}</p>}
      </td>
      <td>{vm.cpus}</td>
      <td>{vm.memory}</td>
      <td>{vm.backend}</td>
      <td>
        <div className="actions">
          <button disabled={running || !!action} onClick={() => void run('startVm', vm.name)}>
            Start
          </button>
          <button disabled={!running || !!action} title="Press the guest's power button (ACPI)" onClick={() => void run('stopVm', vm.name)}>
            Stop
          </button>
          <button disabled={!running || !!action} title="End the guest at once" onClick={() => ask({ kind: 'powerOff', name: vm.name })}>
            Power off
          </button>
          <button disabled={!running} onClick={() => openConsole(vm.name, vm.consoles[0] ?? 'com1')}>
            Console
          </button>
          <button disabled={vm.state !== 'stopped' || !!action} title="Delete this VM (asks first)" onClick={() => ask({ kind: 'delete', name: vm.name })}>
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
});

function pending(action: string): string {
  return { startVm: 'starting…', stopVm: 'asking to shut down…', powerOffVm: 'powering off…' }[action] ?? '';
}

/** True once `ms` have passed while `active` held; false again when it no longer holds. */
function useLater(ms: number, active: boolean): boolean {
  const [late, setLate] = useState(false);
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the reset must follow a change of `active` at once
    setLate(false);
    if (!active) return;
    const timer = setTimeout(() => setLate(true), ms);
    return () => clearTimeout(timer);
  }, [ms, active]);
  return late;
}
