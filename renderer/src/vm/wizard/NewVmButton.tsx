import { useState } from 'react';
import { NewVmWizard } from './NewVmWizard.js';

/** The button and the wizard it opens, kept together so opening it redraws these, not the app and its list. */
export function NewVmButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button className="primary" onClick={() => setOpen(true)}>
        New VM
      </button>
      {open && <NewVmWizard onClose={() => setOpen(false)} />}
    </>
  );
}
