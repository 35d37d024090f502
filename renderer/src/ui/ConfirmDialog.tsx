import { type ReactNode, useEffect, useRef } from 'react';

interface Props {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** Choices that shape what the confirmation does (e.g. also deleting disks). */
  children?: ReactNode;
}

/** A real modal (<dialog>) that names what it will do; Cancel is focused so Enter is safe. */
export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onCancel, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} className="confirm" aria-label={title} onCancel={onCancel}>
      <h2>{title}</h2>
      <p>{body}</p>
      {children}
      <div className="actions">
        <button autoFocus onClick={onCancel}>
          Cancel
        </button>
        <button className="danger" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
