import { useState } from 'react';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { useVms } from '../stores/vms.js';

/** What a row asks the list to confirm. The dialog lives in the list, so it outlives a row that is no longer drawn. */
export interface Question {
  kind: 'powerOff' | 'delete';
  name: string;
}

export function VmQuestion({ question, onDone }: { question: Question; onDone: () => void }) {
  return question.kind === 'powerOff' ? <PowerOffDialog name={question.name} onDone={onDone} /> : <DeleteDialog name={question.name} onDone={onDone} />;
}

function PowerOffDialog({ name, onDone }: { name: string; onDone: () => void }) {
  return (
    <ConfirmDialog
      title={`Power off ${name}?`}
      body={`${name} is ended at once, like pulling the plug: anything the guest has not saved is lost.`}
      confirmLabel="Power off"
      onCancel={onDone}
      onConfirm={() => {
        onDone();
        void useVms.getState().run('powerOffVm', name);
      }}
    />
  );
}

function DeleteDialog({ name, onDone }: { name: string; onDone: () => void }) {
  const vm = useVms((s) => s.byName[name]);
  const [withDisks, setWithDisks] = useState(false);
  return (
    <ConfirmDialog
      title={`Delete ${name}?`}
      body={`${name}'s configuration and logs are removed. Its disks are kept unless you tick the box. On a ZFS datastore, where ${name} is a dataset of its own, ticking it destroys that dataset with its zvols and snapshots (zfs destroy -rf, as vm destroy does); unticked, the dataset stays, with the disks in it.`}
      confirmLabel={`Delete ${name}`}
      onCancel={onDone}
      onConfirm={() => {
        onDone();
        void useVms.getState().remove(name, withDisks);
      }}
    >
      <label className="check">
        <input type="checkbox" checked={withDisks} onChange={(e) => setWithDisks(e.target.checked)} />
        Also delete its disk images ({vm?.disks.join(', ') || 'none'})
      </label>
    </ConfirmDialog>
  );
}
