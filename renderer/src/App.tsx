import { useEffect } from 'react';
import { subscribe } from './api/client.js';
import { CommandLogPanel } from './host/CommandLogPanel.js';
import { HostBar } from './host/HostBar.js';
import { useConsoleBadges } from './stores/console-badges.js';
import { useHost } from './stores/host.js';
import { NotifyToggle } from './vm/console/BadgeChip.js';
import { useVms } from './stores/vms.js';
import { NewVmButton } from './vm/wizard/NewVmButton.js';
import { welcomeReturns } from './workspace/detach.js';
import { Workspace } from './workspace/Workspace.js';

export function App() {
  useEffect(() => {
    void useVms.getState().load();
    void useHost.getState().load();
    void useConsoleBadges.getState().load();
    const stopWelcoming = welcomeReturns();
    const unsubscribe = subscribe((event) => {
      if (event.name === 'onDidChangeVms') useVms.getState().receive(event.payload);
      if (event.name === 'onDidRunCommand') useHost.getState().addCommand(event.payload);
      if (event.name === 'onDidChangeConsoleBadges') useConsoleBadges.getState().receive(event.payload);
    });
    return () => {
      stopWelcoming();
      unsubscribe();
    };
  }, []);

  return (
    <div className="app">
      <HostBar>
        <NotifyToggle />
        <NewVmButton />
      </HostBar>
      <Workspace />
      <CommandLogPanel />
    </div>
  );
}
