import { useLifecycle } from '../../stores/lifecycle.js';
import { NewNameDialog } from './NewNameDialog.js';

/** The one Clone… or Rename… dialog that is open, wherever it was opened from. */
export function LifecycleDialogs() {
  const dialog = useLifecycle((s) => s.dialog);
  return dialog ? <NewNameDialog key={`${dialog.kind}:${dialog.name}`} dialog={dialog} /> : null;
}
