import { useEffect, useRef, useState } from 'react';
import type { DatastoreChoices, OpenDatastoreInput } from '../../../shared/api/datastores.js';
import { useHost } from '../stores/host.js';
import { Field } from '../ui/Field.js';

/** "Open datastore…" in the host bar, and the dialog it opens. */
export function OpenDatastoreButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button onClick={() => setOpen(true)}>Open datastore…</button>
      {open && <OpenDatastoreDialog onClose={() => setOpen(false)} />}
    </>
  );
}

/**
 * A folder typed in, or vm-bhyve's own (rc.conf's vm_dir, offered when it has one). Main checks
 * the folder and says why one cannot be opened; the consoles of the guests open now close, the
 * guests keep running.
 */
function OpenDatastoreDialog({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [choices, setChoices] = useState<DatastoreChoices>();
  const [path, setPath] = useState('');
  const [error, setError] = useState<string>();
  const [working, setWorking] = useState(false);
  const { datastoreChoices, openDatastore } = useHost.getState();

  useEffect(() => {
    dialog.current?.showModal();
    void datastoreChoices().then((result) => (result.ok ? setChoices(result.value) : setError(result.error.message)));
  }, [datastoreChoices]);

  const submit = async (input: OpenDatastoreInput) => {
    setWorking(true);
    setError(undefined);
    const result = await openDatastore(input);
    setWorking(false);
    if (!result.ok) return setError(result.error.fields?.path ?? result.error.message);
    if (result.value.notice) return setError(result.value.notice);
    onClose();
  };

  return (
    <dialog ref={dialog} className="open-datastore" aria-labelledby="open-datastore-title" onCancel={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit({ from: 'folder', path });
        }}
        noValidate
      >
        <h2 id="open-datastore-title">Open datastore</h2>
        <p className="hint">Open now: {choices?.current ?? '…'}. Its guests keep running; their console tabs close.</p>
        {choices?.vmDir && (
          <div className="vm-dir">
            <button type="button" disabled={working} onClick={() => void submit({ from: 'vm_dir' })}>
              Use vm-bhyve's (vm_dir)
            </button>
            <span className="hint">
              rc.conf: vm_dir="{choices.vmDir.value}"{choices.vmDir.value === choices.vmDir.path ? '' : `, mounted at ${choices.vmDir.path}`}
            </span>
          </div>
        )}
        {choices?.vmDirProblem && <p className="hint">{choices.vmDirProblem}</p>}
        <Field id="datastore-path" label="Folder" hint="A vm-bhyve datastore (the folder vm_dir names), a folder of Hivedesk's guests, or an empty folder for a new one." error={error}>
          {(aria) => <input {...aria} value={path} onChange={(e) => setPath(e.target.value)} placeholder="/vm" autoFocus spellCheck={false} />}
        </Field>
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={working || path.trim() === ''}>
            Open
          </button>
        </div>
      </form>
    </dialog>
  );
}
