import { useEffect, useState } from 'react';
import { isUp, type VmSummary } from '../../../shared/api/vms.js';
import { ConfirmDialog } from '../ConfirmDialog.js';
import { useConsoles } from '../stores/consoles.js';
import { useVms } from '../stores/vms.js';

export function VmList() {
  const { names, byName, loaded, errors, notice } = useVms();
  const listError = errors[''];
  if (!loaded) return <p className="empty">Loading…</p>;
  return (
    <section aria-label="Virtual machines">
      {listError && <p role="alert" className="error">{listError.message}</p>}
      {notice && <p role="status" className="notice">{notice}</p>}
      {names.length === 0 ? (
        <p className="empty">No virtual machines yet. Click “New VM” to make one.</p>
      ) : (
        <table className="vm-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">State</th>
              <th scope="col">CPUs</th>
              <th scope="col">Memory</th>
              <th scope="col">Backend</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {names.map((name) => {
              const vm = byName[name];
              return vm && <VmRow key={name} vm={vm} />;
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function VmRow({ vm }: { vm: VmSummary }) {
  const { busy, errors, run, shuttingDown } = useVms();
  const slow = useLater(30_000, !!shuttingDown[vm.name]);
  const openConsole = useConsoles((s) => s.open);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [withDisks, setWithDisks] = useState(false);
  const action = busy[vm.name];
  const error = errors[vm.name];
  const running = isUp(vm.state);
  return (
    <tr aria-label={vm.name}>
      <th scope="row">
        {vm.name}
        {vm.installMedia && <span className="media" title={vm.installMedia}>install media attached</span>}
      </th>
      <td>
        <span className={`state state-${vm.state}`}>{vm.state === 'locked' ? `locked by ${vm.lockedBy ?? '?'}` : vm.state}</span>
        {action && <span className="busy"> ({pending(action)})</span>}
        {!action && shuttingDown[vm.name] && <span className="busy"> (shutting down…)</span>}
        {slow && shuttingDown[vm.name] && <p className="hint">Still running after 30 s: the guest may ignore the power button. Power off ends it at once.</p>}
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
          <button disabled={!running || !!action} title="End the guest at once" onClick={() => setConfirming(true)}>
            Power off
          </button>
          <button disabled={!running} onClick={() => openConsole(vm.name, vm.consoles[0] ?? 'com1')}>
            Console
          </button>
          <button disabled={vm.state !== 'stopped' || !!action} title="Delete this VM (asks first)" onClick={() => setDeleting(true)}>
            Delete
          </button>
          {deleting && (
            <ConfirmDialog
              title={`Delete ${vm.name}?`}
              body={`${vm.name}'s configuration and logs are removed. Its disks are kept unless you tick the box.`}
              confirmLabel={`Delete ${vm.name}`}
              onCancel={() => setDeleting(false)}
              onConfirm={() => {
                setDeleting(false);
                void useVms.getState().remove(vm.name, withDisks);
              }}
            >
              <label className="check">
                <input type="checkbox" checked={withDisks} onChange={(e) => setWithDisks(e.target.checked)} />
                Also delete its disk images ({vm.disks.join(', ') || 'none'})
              </label>
            </ConfirmDialog>
          )}
          {confirming && (
            <ConfirmDialog
              title={`Power off ${vm.name}?`}
              body={`${vm.name} is ended at once, like pulling the plug: anything the guest has not saved is lost.`}
              confirmLabel="Power off"
              onCancel={() => setConfirming(false)}
              onConfirm={() => {
                setConfirming(false);
                void run('powerOffVm', vm.name);
              }}
            />
          )}
        </div>
      </td>
    </tr>
  );
}

function pending(action: string): string {
  return { startVm: 'starting…', stopVm: 'asking to shut down…', powerOffVm: 'powering off…' }[action] ?? '';
}

/** True once `ms` have passed while `active` held; false again when it no longer holds. */
function useLater(ms: number, active: boolean): boolean {
  const [late, setLate] = useState(false);
  useEffect(() => {
    setLate(false);
    if (!active) return;
    const timer = setTimeout(() => setLate(true), ms);
    return () => clearTimeout(timer);
  }, [ms, active]);
  return late;
}
