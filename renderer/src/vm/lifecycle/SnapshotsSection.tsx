import { useEffect, useState } from 'react';
import { TakeSnapshotInput } from '../../../../shared/api/lifecycle.js';
import type { VmSummary } from '../../../../shared/api/vms.js';
import { useLifecycle } from '../../stores/lifecycle.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { Field } from '../../ui/Field.js';
import { PlanView } from './PlanView.js';
import { usePlan } from './usePlan.js';

type Question = { kind: 'rollback'; snapshot: string; newer: string[] } | { kind: 'destroy'; snapshot: string };

/** A guest's ZFS snapshots on its page: take one, roll back to one, delete one; each asks first and shows its commands. */
export function SnapshotsSection({ vm }: { vm: VmSummary }) {
  const list = useLifecycle((s) => s.snapshots[vm.name]);
  const error = useLifecycle((s) => s.snapshotErrors[vm.name]);
  const [question, setQuestion] = useState<Question>();
  const stopped = vm.state === 'stopped' && !vm.job;
  useEffect(() => {
    void useLifecycle.getState().loadSnapshots(vm.name);
  }, [vm.name]);
  return (
    <section className="lifecycle-section" aria-labelledby="snapshots-title">
      <h3 id="snapshots-title">Snapshots</h3>
      {!list && !error && <p className="hint">Loading…</p>}
      {list && !list.supported && <p className="notice">{list.reason}</p>}
      {list?.supported && (
        <>
          {list.snapshots.length === 0 ? (
            <p className="hint">No snapshots yet.</p>
          ) : (
            <table className="snapshots" aria-label={`Snapshots of ${vm.name}`}>
              <thead>
                <tr>
                  <th scope="col">Snapshot</th>
                  <th scope="col">Taken</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.snapshots.map((s, i) => (
                  <tr key={s.name} aria-label={s.name}>
                    <th scope="row">{s.name}</th>
                    <td>{new Date(s.createdAt).toLocaleString()}</td>
                    <td className="actions">
                      <button disabled={!stopped} title={stopped ? undefined : 'Stop the VM first'} onClick={() => setQuestion({ kind: 'rollback', snapshot: s.name, newer: list.snapshots.slice(i + 1).map((n) => n.name) })}>
                        Roll back…
                      </button>
                      <button onClick={() => setQuestion({ kind: 'destroy', snapshot: s.name })}>Delete…</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <TakeSnapshot vm={vm} stopped={stopped} />
        </>
      )}
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {question && <SnapshotQuestion vm={vm.name} question={question} onDone={() => setQuestion(undefined)} />}
    </section>
  );
}

function TakeSnapshot({ vm, stopped }: { vm: VmSummary; stopped: boolean }) {
  const [name, setName] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [working, setWorking] = useState(false);
  const parsed = TakeSnapshotInput.safeParse({ name: vm.name, snapshot: name });
  const { plan } = usePlan(stopped && parsed.success ? { action: 'snapshot', input: parsed.data } : undefined);
  const take = async () => {
    if (!parsed.success) return setFieldError(parsed.error.issues[0]?.message);
    setWorking(true);
    const result = await useLifecycle.getState().takeSnapshot(vm.name, name);
    setWorking(false);
    if (result.ok) return setName('');
    setFieldError(result.error.fields?.snapshot ?? result.error.message);
  };
  return (
    <form
      className="take-snapshot"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void take();
      }}
    >
      <Field id={`snapshot-name-${vm.name}`} label="Snapshot name" hint="Leave it empty to name it for the time, as vm snapshot does. The VM must be stopped." error={fieldError}>
        {(aria) => (
          <input
            {...aria}
            value={name}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => {
              setName(e.target.value);
              const check = TakeSnapshotInput.safeParse({ name: vm.name, snapshot: e.target.value });
              setFieldError(check.success ? undefined : check.error.issues[0]?.message);
            }}
          />
        )}
      </Field>
      {stopped && parsed.success && <PlanView plan={plan} label="Commands that will run" />}
      <button type="submit" disabled={!stopped || working || !!fieldError}>
        {working ? 'Taking a snapshot…' : 'Take snapshot'}
      </button>
    </form>
  );
}

function SnapshotQuestion({ vm, question, onDone }: { vm: string; question: Question; onDone: () => void }) {
  const { snapshot } = question;
  const rollback = question.kind === 'rollback';
  const destroyNewer = rollback && question.newer.length > 0;
  const { plan, error } = usePlan(rollback ? { action: 'rollback', input: { name: vm, snapshot, destroyNewer } } : { action: 'destroySnapshot', input: { name: vm, snapshot } });
  const { rollback: rollBack, destroySnapshot } = useLifecycle.getState();
  const body = rollback
    ? `${vm}'s disks go back to how they were at ${snapshot}: everything written since is lost.${destroyNewer ? ` The later snapshots ${question.newer.join(', ')} are destroyed too.` : ''}`
    : `The snapshot ${snapshot} of ${vm} and of its disks is destroyed. ${vm} itself does not change.`;
  return (
    <ConfirmDialog
      title={rollback ? `Roll back ${vm} to ${snapshot}?` : `Delete snapshot ${snapshot}?`}
      body={body}
      confirmLabel={rollback ? `Roll back to ${snapshot}` : `Delete ${snapshot}`}
      onCancel={onDone}
      onConfirm={() => {
        onDone();
        void (rollback ? rollBack({ name: vm, snapshot, destroyNewer }) : destroySnapshot({ name: vm, snapshot }));
      }}
    >
      {error ? <p role="alert" className="error">{error.message}</p> : <PlanView plan={plan} label="Commands that will run" />}
    </ConfirmDialog>
  );
}
