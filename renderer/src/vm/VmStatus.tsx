import { useEffect, useState } from 'react';
import type { VmSummary } from '../../../shared/api/vms.js';
import { useVms } from '../stores/vms.js';
import { BadgeChip } from './console/BadgeChip.js';
import { JobProgress } from './lifecycle/JobProgress.js';

/** A guest's state, what is under way, and what went wrong: the same in its row and on its page. */
export function VmStatus({ vm }: { vm: VmSummary }) {
  const action = useVms((s) => s.busy[vm.name]);
  const error = useVms((s) => s.errors[vm.name]);
  const shuttingDown = useVms((s) => !!s.shuttingDown[vm.name]);
  const slow = useLater(30_000, shuttingDown);
  return (
    <>
      <span className={`state state-${vm.state}`}>{vm.state === 'locked' ? `locked by ${vm.lockedBy ?? '?'}` : vm.state}</span>
      <BadgeChip name={vm.name} />
      {action && <span className="busy"> ({pending(action)})</span>}
      {vm.job && (vm.state === 'cloning' ? <JobProgress id={vm.job.id} /> : <span className="busy"> ({vm.job.title}…)</span>)}
      {!action && shuttingDown && <span className="busy"> (shutting down…)</span>}
      {slow && shuttingDown && <p className="hint">Still running after 30 s: the guest may ignore the power button. Power off ends it at once.</p>}
      {error && <p role="alert" className="error">{error.message}</p>}
      {vm.lastFault && <p className="error">{vm.lastFault}</p>}
    </>
  );
}

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
