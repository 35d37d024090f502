import { useEffect, useRef, useState } from 'react';
import { Field } from '../../ui/Field.js';
import { KEY_INTERVAL_MS } from './key-typer.js';

interface Props {
  name: string;
  onType: (text: string) => void;
  onCancel: () => void;
}

const KEYS_PER_SECOND = Math.round(1000 / KEY_INTERVAL_MS);

/** Text to type into a guest that has only a keyboard: an installer's field, a console on its screen. */
export function PasteKeysDialog({ name, onType, onCancel }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState('');
  useEffect(() => ref.current?.showModal(), []);
  const id = `paste-keys-${name}`;
  return (
    <dialog ref={ref} className="confirm paste-keys" aria-labelledby={`${id}-title`} onCancel={onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (text) onType(text);
        }}
      >
        <h2 id={`${id}-title`}>Type into {name}’s screen</h2>
        <Field id={id} label="Text to type" hint={`Typed key by key as on a US keyboard, about ${KEYS_PER_SECOND} characters a second; each line ends with Return.`}>
          {(aria) => <textarea {...aria} rows={8} autoFocus spellCheck={false} value={text} onChange={(event) => setText(event.target.value)} />}
        </Field>
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!text}>
            Type
          </button>
        </div>
      </form>
    </dialog>
  );
}
