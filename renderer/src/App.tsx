import { useEffect } from 'react';
import { subscribe } from './api/client.js';
import { CommandLogPanel } from './host/CommandLogPanel.js';
import { HostBar } from './host/HostBar.js';
import { HostSetupButton } from './host/setup/HostSetupButton.js';
import { useHost } from './stores/host.js';
import { useVms } from './stores/vms.js';
import { NewVmButton } from './vm/wizard/NewVmButton.js';
import { Workspace } from './workspace/Workspace.js';

export function App() {
  useEffect(() => {
    void useVms.getState().load();
    void useHost.getState().load();
    return subscribe((event) => {
      if (event.name === 'onDidChangeVms') useVms.getState().receive(event.payload);
      if (event.name === 'onDidRunCommand') useHost.getState().addCommand(event.payload);
    });
  }, []);

  return (
    <div className="app">
      <HostBar>
        <HostSetupButton />
        <NewVmButton />
      </HostBar>
      <Workspace />
      <CommandLogPanel />
    </div>
  );
}
