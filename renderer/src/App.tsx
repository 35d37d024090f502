import { useEffect } from 'react';
import { subscribe } from './api/client.js';
import { CommandLogPanel } from './host/CommandLogPanel.js';
import { HostBar } from './host/HostBar.js';
import { useConsoles } from './stores/consoles.js';
import { useHost } from './stores/host.js';
import { useVms } from './stores/vms.js';
import { ConsoleView } from './vm/console/ConsoleView.js';
import { TabStrip } from './TabStrip.js';
import { VmList } from './vm/VmList.js';
import { NewVmButton } from './vm/wizard/NewVmButton.js';

export function App() {
  const tabs = useConsoles((s) => s.tabs);
  const active = useConsoles((s) => s.active);

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
        <NewVmButton />
      </HostBar>
      <TabStrip />
      <main className="content">
        {active === 'machines' && <VmList />}
        {tabs.map((tab) => (
          <section
            key={tab.id}
            id={`panel-${tab.id}`}
            role="tabpanel"
            aria-label={`Console ${tab.name} ${tab.port}`}
            className="console-panel"
            hidden={active !== tab.id}
          >
            <ConsoleView name={tab.name} port={tab.port} visible={active === tab.id} />
          </section>
        ))}
      </main>
      <CommandLogPanel />
    </div>
  );
}
