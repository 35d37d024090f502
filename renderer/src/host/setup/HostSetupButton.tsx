import { useHostSetup } from '../../stores/host-setup.js';
import { useWorkspace } from '../../stores/workspace.js';
import { HOST_SETUP } from '../../workspace/views.js';

/** Opens the Host setup tab (or shows it when it is open), with no check singled out. */
export function HostSetupButton() {
  const open = () => {
    useHostSetup.getState().setFocus(undefined);
    useWorkspace.getState().open(HOST_SETUP);
  };
  return <button onClick={open}>Host setup</button>;
}
